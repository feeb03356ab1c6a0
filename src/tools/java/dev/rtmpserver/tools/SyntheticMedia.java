package dev.rtmpserver.tools;

import java.io.ByteArrayOutputStream;

/**
 * Payloads for a publisher without an encoder: valid H.264 and AAC sequence headers, so that
 * servers which parse them (for logs, dashboards, recordings) see an ordinary 720p stream, and
 * frames of the right sizes whose bodies are not pictures. Each video frame is one well-framed NAL
 * unit, since some servers (SRS) split frames into NAL units and drop a publisher whose lengths do
 * not add up.
 */
final class SyntheticMedia {
    static final int WIDTH = 1280;
    static final int HEIGHT = 720;
    /** FLV AudioTagHeader for AAC, 44.1 kHz, 16-bit, stereo. */
    private static final int AAC_FLAGS = 0xAF;
    /** What one AAC frame covers; players and servers pace audio by it. */
    static final int AAC_SAMPLES_PER_FRAME = 1024;
    static final int AAC_SAMPLE_RATE = 44100;
    /** FLV video header byte plus AVCPacketType plus the 24-bit composition time. */
    static final int VIDEO_HEADER_BYTES = 5;
    /** FLV audio header byte plus AACPacketType. */
    static final int AUDIO_HEADER_BYTES = 2;
    /** The send time stamped into each frame, right after its FLV header (and NAL unit header). */
    static final int STAMP_BYTES = 8;
    /** The four-byte length of the frame's one NAL unit, and that unit's one-byte header. */
    private static final int NAL_PREFIX_BYTES = 5;
    private static final int NAL_IDR_SLICE = 0x65;
    private static final int NAL_NON_IDR_SLICE = 0x41;

    private SyntheticMedia() {
    }

    /** FLV video payload: keyframe, AVC sequence header, then an AVCDecoderConfigurationRecord. */
    static byte[] avcSequenceHeader(int fps) {
        byte[] sps = escape(sps(fps));
        byte[] pps = escape(pps());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x17, 0, 0, 0, 0});
        out.write(1); // configurationVersion
        out.write(sps[1] & 0xFF); // profile, compatibility and level repeat the SPS's
        out.write(sps[2] & 0xFF);
        out.write(sps[3] & 0xFF);
        out.write(0xFF); // four-byte NAL lengths, as every encoder in practice uses
        out.write(0xE1); // one SPS
        out.write(sps.length >> 8);
        out.write(sps.length & 0xFF);
        out.writeBytes(sps);
        out.write(1); // one PPS
        out.write(pps.length >> 8);
        out.write(pps.length & 0xFF);
        out.writeBytes(pps);
        return out.toByteArray();
    }

    /** FLV audio payload: AAC sequence header with an AudioSpecificConfig for AAC-LC 44.1 kHz stereo. */
    static byte[] aacSequenceHeader() {
        return new byte[] {(byte) AAC_FLAGS, 0, 0x12, 0x10};
    }

    /** An AAC raw frame of {@code bytes} in total: the FLV/AAC header, {@code stamp}, then filler. */
    static byte[] aacFrame(int bytes, long stamp) {
        byte[] p = new byte[Math.max(bytes, AUDIO_HEADER_BYTES + STAMP_BYTES)];
        p[0] = (byte) AAC_FLAGS;
        p[1] = 1;
        putLong(p, AUDIO_HEADER_BYTES, stamp);
        return p;
    }

    /**
     * A video frame of {@code bytes} in total: the FLV/AVC header, then one NAL unit (a slice
     * header byte, {@code stamp}, then filler). The slice is not a picture; nothing on the path
     * between publisher and player decodes it.
     */
    static byte[] videoFrame(boolean keyframe, int bytes, long stamp) {
        byte[] p = new byte[Math.max(bytes, VIDEO_HEADER_BYTES + NAL_PREFIX_BYTES + STAMP_BYTES)];
        p[0] = (byte) (keyframe ? 0x17 : 0x27);
        p[1] = 1;
        int nalBytes = p.length - VIDEO_HEADER_BYTES - 4;
        putInt(p, VIDEO_HEADER_BYTES, nalBytes);
        p[VIDEO_HEADER_BYTES + 4] = (byte) (keyframe ? NAL_IDR_SLICE : NAL_NON_IDR_SLICE);
        putLong(p, VIDEO_HEADER_BYTES + NAL_PREFIX_BYTES, stamp);
        return p;
    }

    /**
     * The stamp of a frame built by {@link #videoFrame} or {@link #aacFrame}, or
     * {@code Long.MIN_VALUE} for a payload that cannot carry one (sequence headers, say).
     */
    static long stampOf(boolean video, byte[] p) {
        int offset;
        if (video) {
            offset = VIDEO_HEADER_BYTES + NAL_PREFIX_BYTES;
            if (p.length < offset + STAMP_BYTES || (p[0] & 0x0F) != 7 || p[1] != 1) {
                return Long.MIN_VALUE;
            }
        } else {
            offset = AUDIO_HEADER_BYTES;
            if (p.length < offset + STAMP_BYTES || (p[0] & 0xF0) != 0xA0 || p[1] != 1) {
                return Long.MIN_VALUE;
            }
        }
        long v = 0;
        for (int i = 0; i < STAMP_BYTES; i++) {
            v = v << 8 | (p[offset + i] & 0xFF);
        }
        return v;
    }

    /** Whether a video payload is a picture rather than codec configuration or a command. */
    static boolean isFrame(byte[] p) {
        int frameType = p.length > 0 ? (p[0] & 0xF0) >> 4 : 0;
        boolean avcConfig = p.length > 1 && (p[0] & 0x0F) == 7 && p[1] != 1;
        return p.length > 1 && frameType != 5 && !avcConfig;
    }

    private static void putInt(byte[] p, int off, int v) {
        for (int i = 0; i < 4; i++) {
            p[off + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static void putLong(byte[] p, int off, long v) {
        for (int i = STAMP_BYTES - 1; i >= 0; i--) {
            p[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** Constrained Baseline, level 3.1, 1280x720, with VUI timing so the frame rate is declared. */
    private static byte[] sps(int fps) {
        Bits b = new Bits();
        b.u(8, 0x67); // nal_ref_idc 3, nal_unit_type 7
        b.u(8, 66); // profile_idc Baseline
        b.u(8, 0xC0); // constraint_set0 and set1: Constrained Baseline
        b.u(8, 31); // level 3.1 covers 720p at 30 fps
        b.ue(0); // seq_parameter_set_id
        b.ue(0); // log2_max_frame_num_minus4
        b.ue(2); // pic_order_cnt_type: no B-frames
        b.ue(1); // max_num_ref_frames
        b.u(1, 0); // gaps_in_frame_num_value_allowed_flag
        b.ue(WIDTH / 16 - 1);
        b.ue(HEIGHT / 16 - 1);
        b.u(1, 1); // frame_mbs_only_flag
        b.u(1, 1); // direct_8x8_inference_flag
        b.u(1, 0); // frame_cropping_flag
        b.u(1, 1); // vui_parameters_present_flag
        b.u(1, 0); // aspect_ratio_info_present_flag
        b.u(1, 0); // overscan_info_present_flag
        b.u(1, 0); // video_signal_type_present_flag
        b.u(1, 0); // chroma_loc_info_present_flag
        b.u(1, 1); // timing_info_present_flag
        b.u(32, 1); // num_units_in_tick
        b.u(32, 2L * fps); // time_scale: two ticks per frame, as H.264 counts fields
        b.u(1, 1); // fixed_frame_rate_flag
        b.u(1, 0); // nal_hrd_parameters_present_flag
        b.u(1, 0); // vcl_hrd_parameters_present_flag
        b.u(1, 0); // pic_struct_present_flag
        b.u(1, 0); // bitstream_restriction_flag
        return b.finish();
    }

    private static byte[] pps() {
        Bits b = new Bits();
        b.u(8, 0x68); // nal_ref_idc 3, nal_unit_type 8
        b.ue(0); // pic_parameter_set_id
        b.ue(0); // seq_parameter_set_id
        b.u(1, 0); // entropy_coding_mode_flag: CAVLC
        b.u(1, 0); // bottom_field_pic_order_in_frame_present_flag
        b.ue(0); // num_slice_groups_minus1
        b.ue(0); // num_ref_idx_l0_default_active_minus1
        b.ue(0); // num_ref_idx_l1_default_active_minus1
        b.u(1, 0); // weighted_pred_flag
        b.u(2, 0); // weighted_bipred_idc
        b.se(0); // pic_init_qp_minus26
        b.se(0); // pic_init_qs_minus26
        b.se(0); // chroma_qp_index_offset
        b.u(1, 1); // deblocking_filter_control_present_flag
        b.u(1, 0); // constrained_intra_pred_flag
        b.u(1, 0); // redundant_pic_cnt_present_flag
        return b.finish();
    }

    /** Inserts emulation prevention bytes, so that no start code can appear inside the NAL unit. */
    private static byte[] escape(byte[] rbsp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int zeros = 0;
        for (byte value : rbsp) {
            int v = value & 0xFF;
            if (zeros >= 2 && v <= 3) {
                out.write(3);
                zeros = 0;
            }
            out.write(v);
            zeros = v == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    /** An MSB-first bit writer with the Exp-Golomb codes of H.264 clause 9.1. */
    private static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int current;
        private int used;

        void u(int bits, long value) {
            for (int i = bits - 1; i >= 0; i--) {
                current = current << 1 | (int) (value >>> i & 1);
                if (++used == 8) {
                    out.write(current);
                    current = 0;
                    used = 0;
                }
            }
        }

        void ue(long value) {
            long v = value + 1;
            int length = 64 - Long.numberOfLeadingZeros(v);
            u(length - 1, 0);
            u(length, v);
        }

        void se(long value) {
            ue(value > 0 ? 2 * value - 1 : -2 * value);
        }

        /** Appends rbsp_trailing_bits. */
        byte[] finish() {
            u(1, 1);
            while (used != 0) {
                u(1, 0);
            }
            return out.toByteArray();
        }
    }
}
