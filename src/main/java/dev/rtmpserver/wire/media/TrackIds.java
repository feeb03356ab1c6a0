package dev.rtmpserver.wire.media;

import java.util.Arrays;

/**
 * Which tracks an audio or video message belongs to. Legacy FLV tags and single-track Enhanced
 * RTMP messages belong to the default track, 0; an Enhanced RTMP multitrack message names its
 * tracks, one (OneTrack) or several, each with its own body (ManyTracks, ManyTracksManyCodecs).
 *
 * <p>Nothing here throws: a multitrack body cut short yields the ids read before the cut, which
 * may be none.
 */
public final class TrackIds {
    public static final int DEFAULT_TRACK = 0;

    private static final int[] DEFAULT = {DEFAULT_TRACK};
    private static final int[] NONE = {};

    private static final int NIBBLE_SHIFT = 4;
    private static final int NIBBLE_MASK = 0x0F;
    private static final int VIDEO_EX_HEADER_FLAG = 0x80;
    private static final int SOUND_FORMAT_EX_HEADER = 9;
    private static final int VIDEO_PACKET_MULTITRACK = 6;
    private static final int AUDIO_PACKET_MULTITRACK = 5;
    private static final int PACKET_MOD_EX = 7;
    private static final int NOT_MULTITRACK = -2;

    private static final int ONE_TRACK = 0;
    private static final int MANY_TRACKS_MANY_CODECS = 2;

    private TrackIds() {
    }

    /** The track ids of one video message payload, in the order its tracks appear. */
    public static int[] video(byte[] payload) {
        if (payload == null || payload.length == 0 || (TagBytes.u8(payload, 0) & VIDEO_EX_HEADER_FLAG) == 0) {
            return DEFAULT;
        }
        return enhanced(payload, VIDEO_PACKET_MULTITRACK);
    }

    /** The track ids of one audio message payload, in the order its tracks appear. */
    public static int[] audio(byte[] payload) {
        if (payload == null || payload.length == 0
                || TagBytes.u8(payload, 0) >>> NIBBLE_SHIFT != SOUND_FORMAT_EX_HEADER) {
            return DEFAULT;
        }
        return enhanced(payload, AUDIO_PACKET_MULTITRACK);
    }

    /**
     * True unless the message is a multitrack one whose first track is not the default track:
     * the frames that keyframe-driven decisions (GOP cache, recording segments, frame rate) follow.
     */
    public static boolean isDefaultVideoTrack(byte[] payload) {
        int[] ids = video(payload);
        return ids.length > 0 && ids[0] == DEFAULT_TRACK;
    }

    /** True for an Enhanced RTMP video message of packet type Multitrack. */
    public static boolean isVideoMultitrack(byte[] payload) {
        return payload != null && payload.length > 0 && (TagBytes.u8(payload, 0) & VIDEO_EX_HEADER_FLAG) != 0
                && afterMultitrackType(payload, VIDEO_PACKET_MULTITRACK) != NOT_MULTITRACK;
    }

    /** True for an Enhanced RTMP audio message of packet type Multitrack. */
    public static boolean isAudioMultitrack(byte[] payload) {
        return payload != null && payload.length > 0
                && TagBytes.u8(payload, 0) >>> NIBBLE_SHIFT == SOUND_FORMAT_EX_HEADER
                && afterMultitrackType(payload, AUDIO_PACKET_MULTITRACK) != NOT_MULTITRACK;
    }

    /**
     * Walks the packet type (and any ModEx blocks) of an enhanced header.
     *
     * @return the position of the AvMultitrackType byte, {@link #NOT_MULTITRACK}, or
     *         {@link TagBytes#TRUNCATED} for a multitrack header cut before that byte
     */
    private static int afterMultitrackType(byte[] payload, int multitrackPacketType) {
        int packetType = TagBytes.u8(payload, 0) & NIBBLE_MASK;
        int pos = 1;
        while (packetType == PACKET_MOD_EX) {
            pos = TagBytes.skipModEx(payload, pos);
            if (pos == TagBytes.TRUNCATED) {
                return NOT_MULTITRACK;
            }
            packetType = TagBytes.u8(payload, pos) & NIBBLE_MASK;
            pos++;
        }
        if (packetType != multitrackPacketType) {
            return NOT_MULTITRACK;
        }
        return pos < payload.length ? pos : TagBytes.TRUNCATED;
    }

    private static int[] enhanced(byte[] payload, int multitrackPacketType) {
        int pos = afterMultitrackType(payload, multitrackPacketType);
        if (pos == NOT_MULTITRACK) {
            return DEFAULT;
        }
        if (pos == TagBytes.TRUNCATED) {
            return NONE;
        }
        int multitrackType = TagBytes.u8(payload, pos) >>> NIBBLE_SHIFT;
        pos++;
        if (multitrackType != MANY_TRACKS_MANY_CODECS) {
            // One FourCC, shared by every track, precedes them.
            pos += TagBytes.FOURCC_LENGTH;
        }
        int[] ids = new int[1];
        int count = 0;
        while (pos < payload.length) {
            if (multitrackType == MANY_TRACKS_MANY_CODECS) {
                pos += TagBytes.FOURCC_LENGTH;
            }
            if (pos >= payload.length) {
                break;
            }
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
            }
            ids[count++] = TagBytes.u8(payload, pos);
            pos += TagBytes.TRACK_ID_LENGTH;
            if (multitrackType == ONE_TRACK) {
                break;
            }
            if (pos + TagBytes.UI24_LENGTH > payload.length) {
                break;
            }
            int size = TagBytes.u24(payload, pos);
            pos += TagBytes.UI24_LENGTH;
            // Compared as a difference so a huge size cannot overflow the position.
            if (size > payload.length - pos) {
                break;
            }
            pos += size;
        }
        return count == ids.length ? ids : Arrays.copyOf(ids, count);
    }
}
