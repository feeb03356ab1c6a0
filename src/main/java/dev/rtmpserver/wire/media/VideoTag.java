package dev.rtmpserver.wire.media;

/**
 * What the header of one FLV/RTMP video message says: codec, frame type, and whether it is a
 * sequence header. This is the per-frame classifier: it reads a handful of header bytes, never
 * throws, and treats a payload too short for its header as an ordinary frame of codec
 * {@link VideoCodec#UNKNOWN}, so a malformed frame is relayed rather than acted upon.
 *
 * <p>For an Enhanced RTMP multitrack message the fields describe its first track.
 *
 * @param codec           the codec, UNKNOWN for reserved ids, unnamed FourCCs and short payloads
 * @param frameType       the FLV VideoFrameType: 1 key, 2 inter, 3 disposable, 4 generated key,
 *                        5 video info/command; 0 for a short payload
 * @param keyframe        frame type 1, except for command frames and Enhanced RTMP metadata
 * @param sequenceHeader  AVC packet type 0 or Enhanced RTMP SequenceStart: decoder configuration
 * @param endOfSequence   AVC packet type 2 or Enhanced RTMP SequenceEnd
 * @param compositionTime composition time offset in milliseconds (signed), 0 where absent
 * @param dataOffset      index in the payload where the codec data (or command byte) begins;
 *                        the payload length for a short payload
 */
public record VideoTag(VideoCodec codec, int frameType, boolean keyframe, boolean sequenceHeader,
                       boolean endOfSequence, int compositionTime, int dataOffset) {

    public static final int FRAME_TYPE_KEY = 1;
    public static final int FRAME_TYPE_INTER = 2;
    public static final int FRAME_TYPE_DISPOSABLE_INTER = 3;
    public static final int FRAME_TYPE_GENERATED_KEY = 4;
    public static final int FRAME_TYPE_COMMAND = 5;

    /** Set in the first byte when an Enhanced RTMP ExVideoTagHeader follows instead of a CodecID. */
    private static final int EX_HEADER_FLAG = 0x80;
    private static final int NIBBLE_SHIFT = 4;
    private static final int NIBBLE_MASK = 0x0F;
    /** Enhanced headers take the top bit for IsExHeader, leaving three bits of frame type. */
    private static final int EX_FRAME_TYPE_MASK = 0x07;

    private static final int LEGACY_HEADER_LENGTH = 1;
    private static final int COMMAND_LENGTH = 1;
    /** Legacy AVC: header byte, AVCPacketType, SI24 composition time. */
    private static final int AVC_HEADER_LENGTH = 5;
    private static final int AVC_PACKET_TYPE_OFFSET = 1;
    private static final int AVC_COMPOSITION_TIME_OFFSET = 2;
    private static final int AVC_SEQUENCE_HEADER = 0;
    private static final int AVC_END_OF_SEQUENCE = 2;

    private static final int PACKET_SEQUENCE_START = 0;
    private static final int PACKET_CODED_FRAMES = 1;
    private static final int PACKET_SEQUENCE_END = 2;
    private static final int PACKET_METADATA = 4;
    private static final int PACKET_MULTITRACK = 6;
    private static final int PACKET_MOD_EX = 7;

    private static final int MULTITRACK_ONE_TRACK = 0;

    /** Classifies one video message payload; never throws, whatever the bytes. */
    public static VideoTag parse(byte[] payload) {
        if (payload == null || payload.length < LEGACY_HEADER_LENGTH) {
            return shortPayload(payload);
        }
        int first = TagBytes.u8(payload, 0);
        return (first & EX_HEADER_FLAG) != 0 ? parseEnhanced(payload, first) : parseLegacy(payload, first);
    }

    private static VideoTag parseLegacy(byte[] payload, int first) {
        int frameType = first >>> NIBBLE_SHIFT;
        VideoCodec codec = VideoCodec.fromCodecId(first & NIBBLE_MASK);
        if (frameType == FRAME_TYPE_COMMAND) {
            // The body is a single command byte (seek start/end), not a picture of any codec.
            if (payload.length < LEGACY_HEADER_LENGTH + COMMAND_LENGTH) {
                return shortPayload(payload);
            }
            return new VideoTag(codec, frameType, false, false, false, 0, LEGACY_HEADER_LENGTH);
        }
        boolean keyframe = frameType == FRAME_TYPE_KEY;
        if (codec != VideoCodec.AVC) {
            return new VideoTag(codec, frameType, keyframe, false, false, 0, LEGACY_HEADER_LENGTH);
        }
        if (payload.length < AVC_HEADER_LENGTH) {
            return shortPayload(payload);
        }
        int packetType = TagBytes.u8(payload, AVC_PACKET_TYPE_OFFSET);
        return new VideoTag(codec, frameType, keyframe, packetType == AVC_SEQUENCE_HEADER,
                packetType == AVC_END_OF_SEQUENCE, TagBytes.si24(payload, AVC_COMPOSITION_TIME_OFFSET),
                AVC_HEADER_LENGTH);
    }

    /** Walks the ExVideoTagHeader as laid out in Enhanced RTMP v2, "Enhanced Video". */
    private static VideoTag parseEnhanced(byte[] payload, int first) {
        int frameType = (first >>> NIBBLE_SHIFT) & EX_FRAME_TYPE_MASK;
        int packetType = first & NIBBLE_MASK;
        int pos = LEGACY_HEADER_LENGTH;
        while (packetType == PACKET_MOD_EX) {
            pos = TagBytes.skipModEx(payload, pos);
            if (pos == TagBytes.TRUNCATED) {
                return shortPayload(payload);
            }
            // The high nibble is the ModEx type; none of them changes how the header is laid out.
            packetType = TagBytes.u8(payload, pos) & NIBBLE_MASK;
            pos++;
        }
        if (frameType == FRAME_TYPE_COMMAND && packetType != PACKET_METADATA) {
            // A command frame has no FourCC: only the command byte follows.
            if (payload.length < pos + COMMAND_LENGTH) {
                return shortPayload(payload);
            }
            return new VideoTag(VideoCodec.UNKNOWN, frameType, false, false, false, 0, pos);
        }
        int fourCcPos;
        if (packetType == PACKET_MULTITRACK) {
            if (pos >= payload.length) {
                return shortPayload(payload);
            }
            int multitrackType = TagBytes.u8(payload, pos) >>> NIBBLE_SHIFT;
            packetType = TagBytes.u8(payload, pos) & NIBBLE_MASK;
            pos++;
            if (packetType == PACKET_MULTITRACK || packetType == PACKET_MOD_EX) {
                // The spec forbids nesting these; the layout after them is undefined.
                return shortPayload(payload);
            }
            // A shared FourCC comes before the first track, a per-track one opens each track:
            // either way the first track reads FourCC, track id, then (with several tracks) its size.
            fourCcPos = pos;
            pos += TagBytes.FOURCC_LENGTH + TagBytes.TRACK_ID_LENGTH;
            if (multitrackType != MULTITRACK_ONE_TRACK) {
                pos += TagBytes.UI24_LENGTH;
            }
        } else {
            fourCcPos = pos;
            pos += TagBytes.FOURCC_LENGTH;
        }
        if (pos > payload.length) {
            return shortPayload(payload);
        }
        VideoCodec codec = VideoCodec.fromFourCc(TagBytes.fourCc(payload, fourCcPos));
        int compositionTime = 0;
        if (packetType == PACKET_CODED_FRAMES && codec.hasCompositionTime()) {
            if (pos + TagBytes.SI24_LENGTH > payload.length) {
                return shortPayload(payload);
            }
            compositionTime = TagBytes.si24(payload, pos);
            pos += TagBytes.SI24_LENGTH;
        }
        // The spec tells receivers to ignore the frame type of metadata packets.
        boolean keyframe = frameType == FRAME_TYPE_KEY && packetType != PACKET_METADATA;
        return new VideoTag(codec, frameType, keyframe, packetType == PACKET_SEQUENCE_START,
                packetType == PACKET_SEQUENCE_END, compositionTime, pos);
    }

    private static VideoTag shortPayload(byte[] payload) {
        return new VideoTag(VideoCodec.UNKNOWN, 0, false, false, false, 0, payload == null ? 0 : payload.length);
    }
}
