package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

/**
 * The picture size of a VP9 keyframe, from the start of its uncompressed header (VP9 Bitstream
 * Specification v0.6, 6.2 "Uncompressed header syntax": frame marker, profile, frame type, sync
 * code, color config, frame size). VP9's codec configuration record has no size, so this is where
 * a server learns it.
 *
 * @param width  frame_width_minus_1 + 1
 * @param height frame_height_minus_1 + 1
 */
public record Vp9FrameSize(int width, int height) {
    private static final String STRUCTURE = "VP9 uncompressed header";
    private static final int FRAME_MARKER = 2;
    private static final int KEY_FRAME = 0;
    private static final int SYNC_CODE = 0x498342;
    private static final int SYNC_CODE_BITS = 24;
    private static final int PROFILE_3 = 3;
    private static final int HIGH_BIT_DEPTH_PROFILES = 2;
    private static final int CS_RGB = 7;
    private static final int COLOR_SPACE_BITS = 3;
    private static final int SIZE_BITS = 16;

    /**
     * Reads the size from a frame occupying {@code data[offset .. offset + length)}; for a
     * superframe, its first frame.
     *
     * @return the size, or null if the frame is not a keyframe (only keyframes carry one)
     * @throws ProtocolException if the header is truncated or is not a VP9 frame header
     */
    public static Vp9FrameSize parse(byte[] data, int offset, int length) throws ProtocolException {
        BitReader r = new BitReader(data, offset, length, STRUCTURE);
        if (r.readBits(2) != FRAME_MARKER) {
            throw new ProtocolException(STRUCTURE + ": no frame marker");
        }
        int profileLow = r.readBit();
        int profile = (r.readBit() << 1) | profileLow;
        if (profile == PROFILE_3) {
            r.skipBits(1);
        }
        if (r.readFlag()) {
            // show_existing_frame: a repeat of an earlier frame, with no header of its own.
            return null;
        }
        if (r.readBit() != KEY_FRAME) {
            return null;
        }
        r.skipBits(2); // show_frame, error_resilient_mode
        if (r.readBits(SYNC_CODE_BITS) != SYNC_CODE) {
            throw new ProtocolException(STRUCTURE + ": keyframe without the sync code");
        }
        if (profile >= HIGH_BIT_DEPTH_PROFILES) {
            r.skipBits(1); // ten_or_twelve_bit
        }
        boolean oddProfile = profile == 1 || profile == PROFILE_3;
        if (r.readBits(COLOR_SPACE_BITS) != CS_RGB) {
            r.skipBits(1); // color_range
            if (oddProfile) {
                r.skipBits(3); // subsampling_x, subsampling_y, reserved_zero
            }
        } else if (oddProfile) {
            r.skipBits(1); // reserved_zero
        }
        int width = r.readBits(SIZE_BITS) + 1;
        int height = r.readBits(SIZE_BITS) + 1;
        return new Vp9FrameSize(width, height);
    }

    /**
     * The size in a whole Enhanced RTMP video message, if it is a VP9 keyframe; null otherwise,
     * and for a header this cannot read, since the size is only reported, never relied on.
     */
    public static Vp9FrameSize ofMessage(byte[] payload) {
        VideoTag tag = VideoTag.parse(payload);
        if (tag.codec() != VideoCodec.VP9 || !tag.keyframe() || tag.sequenceHeader()
                || tag.dataOffset() >= payload.length) {
            return null;
        }
        try {
            return parse(payload, tag.dataOffset(), payload.length - tag.dataOffset());
        } catch (ProtocolException e) {
            return null;
        }
    }
}
