package dev.rtmpserver.wire.media;

/**
 * What the header of one FLV/RTMP audio message says. This is the per-frame classifier: it reads
 * a handful of header bytes, never throws, and treats a payload too short for its header as an
 * ordinary frame of codec {@link AudioCodec#UNKNOWN}.
 *
 * <p>The rate, size and channel fields are the legacy header's flags decoded, which several
 * formats ignore (FLV spec: AAC always says 44 kHz stereo; the real values are in its
 * AudioSpecificConfig). Enhanced RTMP headers have no such flags, so they are 0 there.
 *
 * @param codec          the codec, UNKNOWN for reserved formats, unnamed FourCCs and short payloads
 * @param soundRate      the SoundRate flag in Hz (5512, 11025, 22050 or 44100), 0 if absent
 * @param soundSize      the SoundSize flag in bits per sample (8 or 16), 0 if absent
 * @param channels       the SoundType flag as a channel count (1 or 2), 0 if absent
 * @param sequenceHeader AAC packet type 0 or Enhanced RTMP SequenceStart: decoder configuration
 * @param dataOffset     index in the payload where the codec data begins; the payload length for a
 *                       short payload
 */
public record AudioTag(AudioCodec codec, int soundRate, int soundSize, int channels, boolean sequenceHeader,
                       int dataOffset) {

    /** The legacy SoundFormat value that announces an Enhanced RTMP ExAudioTagHeader. */
    private static final int SOUND_FORMAT_EX_HEADER = 9;

    private static final int NIBBLE_SHIFT = 4;
    private static final int NIBBLE_MASK = 0x0F;
    private static final int SOUND_RATE_SHIFT = 2;
    private static final int SOUND_RATE_MASK = 0x03;
    private static final int SOUND_SIZE_16_BIT_FLAG = 0x02;
    private static final int SOUND_TYPE_STEREO_FLAG = 0x01;
    private static final int BITS_8 = 8;
    private static final int BITS_16 = 16;
    private static final int MONO = 1;
    private static final int STEREO = 2;
    /** SoundRate 0..3; 5.5 kHz is really 5512.5 Hz, rounded down here. */
    private static final int[] SOUND_RATES_HZ = {5512, 11025, 22050, 44100};

    private static final int LEGACY_HEADER_LENGTH = 1;
    private static final int AAC_HEADER_LENGTH = 2;
    private static final int AAC_PACKET_TYPE_OFFSET = 1;
    private static final int AAC_SEQUENCE_HEADER = 0;

    private static final int PACKET_SEQUENCE_START = 0;
    private static final int PACKET_MULTITRACK = 5;
    private static final int PACKET_MOD_EX = 7;
    private static final int MULTITRACK_ONE_TRACK = 0;

    /** Classifies one audio message payload; never throws, whatever the bytes. */
    public static AudioTag parse(byte[] payload) {
        if (payload == null || payload.length < LEGACY_HEADER_LENGTH) {
            return shortPayload(payload);
        }
        int first = TagBytes.u8(payload, 0);
        int soundFormat = first >>> NIBBLE_SHIFT;
        if (soundFormat == SOUND_FORMAT_EX_HEADER) {
            return parseEnhanced(payload, first);
        }
        AudioCodec codec = AudioCodec.fromSoundFormat(soundFormat);
        int rate = SOUND_RATES_HZ[(first >>> SOUND_RATE_SHIFT) & SOUND_RATE_MASK];
        int size = (first & SOUND_SIZE_16_BIT_FLAG) != 0 ? BITS_16 : BITS_8;
        int channels = (first & SOUND_TYPE_STEREO_FLAG) != 0 ? STEREO : MONO;
        if (codec != AudioCodec.AAC) {
            return new AudioTag(codec, rate, size, channels, false, LEGACY_HEADER_LENGTH);
        }
        if (payload.length < AAC_HEADER_LENGTH) {
            return shortPayload(payload);
        }
        boolean sequenceHeader = TagBytes.u8(payload, AAC_PACKET_TYPE_OFFSET) == AAC_SEQUENCE_HEADER;
        return new AudioTag(codec, rate, size, channels, sequenceHeader, AAC_HEADER_LENGTH);
    }

    /** Walks the ExAudioTagHeader as laid out in Enhanced RTMP v2, "Enhanced Audio". */
    private static AudioTag parseEnhanced(byte[] payload, int first) {
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
        int fourCcPos = pos;
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
            pos += TagBytes.TRACK_ID_LENGTH;
            if (multitrackType != MULTITRACK_ONE_TRACK) {
                pos += TagBytes.UI24_LENGTH;
            }
        }
        pos += TagBytes.FOURCC_LENGTH;
        if (pos > payload.length) {
            return shortPayload(payload);
        }
        AudioCodec codec = AudioCodec.fromFourCc(TagBytes.fourCc(payload, fourCcPos));
        return new AudioTag(codec, 0, 0, 0, packetType == PACKET_SEQUENCE_START, pos);
    }

    private static AudioTag shortPayload(byte[] payload) {
        return new AudioTag(AudioCodec.UNKNOWN, 0, 0, 0, false, payload == null ? 0 : payload.length);
    }
}
