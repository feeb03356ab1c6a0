package dev.rtmpserver.wire.media;

import java.io.ByteArrayOutputStream;

/**
 * H.264 parameter sets for the parser and MP4 muxer tests, as annotated hex (see {@link Hex}). The
 * real ones were encoded once at development time by FFmpeg/libx264 with the command in each Javadoc; the
 * field values come from FFmpeg's {@code trace_headers} bitstream filter. Fields are bit-packed,
 * so each line's comments name the fields that start within its bytes.
 */
public final class H264Fixtures {
    private static final int CONFIGURATION_VERSION = 1;
    /** Reserved bits set, lengthSizeMinusOne 3: 4-byte NAL unit lengths. */
    private static final int FOUR_BYTE_NAL_LENGTHS = 0xFF;
    /** Reserved bits set, one SPS. */
    private static final int ONE_SPS = 0xE1;
    private static final int ONE_PPS = 1;
    /** profile_idc, the constraint flags and level_idc follow the SPS's NAL header byte. */
    private static final int SPS_PROFILE_OFFSET = 1;
    private static final int SPS_PROFILE_TO_LEVEL_LENGTH = 3;

    private H264Fixtures() {
    }

    /**
     * An AVCDecoderConfigurationRecord around one SPS and one PPS, its profile, compatibility and
     * level bytes copied from the SPS as ISO/IEC 14496-15 requires.
     */
    static byte[] decoderConfig(byte[] sps, byte[] pps) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(CONFIGURATION_VERSION);
        out.write(sps, SPS_PROFILE_OFFSET, SPS_PROFILE_TO_LEVEL_LENGTH);
        out.write(FOUR_BYTE_NAL_LENGTHS);
        out.write(ONE_SPS);
        writeWithLength(out, sps);
        out.write(ONE_PPS);
        writeWithLength(out, pps);
        return out.toByteArray();
    }

    private static void writeWithLength(ByteArrayOutputStream out, byte[] parameterSet) {
        out.write(parameterSet.length >>> Byte.SIZE);
        out.write(parameterSet.length & 0xFF);
        out.write(parameterSet, 0, parameterSet.length);
    }

    /**
     * 320x240 Constrained Baseline, level 1.3, 25 fps, pic_order_cnt_type 2.
     * <pre>ffmpeg -f lavfi -i testsrc=size=320x240:rate=25
     *     -frames:v 1 -c:v libx264 -profile:v baseline -pix_fmt yuv420p
     *     -bsf:v h264_mp4toannexb -f h264 out.h264</pre>
     */
    static final String SPS_BASELINE_240P25 = """
            67             # forbidden_zero_bit 0
                           # nal_ref_idc 3
                           # nal_unit_type 7
            42             # profile_idc 66
            c0             # constraint flags: set0, set1
            0d             # level_idc 13
            d9             # seq_parameter_set_id 0
                           # log2_max_frame_num_minus4 0
                           # pic_order_cnt_type 2
                           # max_num_ref_frames 3
            01             # gaps_in_frame_num_allowed_flag 0
                           # pic_width_in_mbs_minus1 19
            41             # pic_height_in_map_units_minus1 14
            fb             # frame_mbs_only_flag 1
                           # direct_8x8_inference_flag 1
                           # frame_cropping_flag 0
                           # vui_parameters_present_flag 1
                           # aspect_ratio_info_present_flag 1
            01             # aspect_ratio_idc 1
            10 00 00       # overscan_info_present_flag 0
                           # video_signal_type_present_flag 0
                           # chroma_loc_info_present_flag 0
                           # timing_info_present_flag 1
                           # num_units_in_tick 1
            03             # emulation prevention byte, removed before parsing
            00             # (the field above continues)
            10 00 00       # time_scale 50
            03             # emulation prevention byte, removed before parsing
            03             # (the field above continues)
            20             # fixed_frame_rate_flag 0
                           # nal_hrd_parameters_present_flag 0
                           # vcl_hrd_parameters_present_flag 0
                           # pic_struct_present_flag 0
            f1             # bitstream_restriction_flag 1
                           # motion_vectors_over_pic_boundaries_flag 1
                           # max_bytes_per_pic_denom 0
                           # max_bits_per_mb_denom 0
                           # log2_max_mv_length_horizontal 9
            42             # log2_max_mv_length_vertical 9
            a4             # max_num_reorder_frames 0
                           # max_dec_frame_buffering 3
            80             # rbsp_stop_one_bit 1
            """;

    /**
     * 1280x720 High, level 3.1, 30 fps.
     * <pre>ffmpeg -f lavfi -i testsrc=size=1280x720:rate=30
     *     -frames:v 1 -c:v libx264 -profile:v high -pix_fmt yuv420p
     *     -bsf:v h264_mp4toannexb -f h264 out.h264</pre>
     */
    static final String SPS_HIGH_720P30 = """
            67             # forbidden_zero_bit 0
                           # nal_ref_idc 3
                           # nal_unit_type 7
            64             # profile_idc 100
            00             # constraint flags: none
            1f             # level_idc 31
            ac             # seq_parameter_set_id 0
                           # chroma_format_idc 1
                           # bit_depth_luma_minus8 0
                           # bit_depth_chroma_minus8 0
                           # qpprime_y_zero_transform_bypass_flag 0
                           # seq_scaling_matrix_present_flag 0
            d9             # log2_max_frame_num_minus4 0
                           # pic_order_cnt_type 0
                           # log2_max_pic_order_cnt_lsb_minus4 2
                           # max_num_ref_frames 4
            40 50          # gaps_in_frame_num_allowed_flag 0
                           # pic_width_in_mbs_minus1 79
            05             # pic_height_in_map_units_minus1 44
            bb             # frame_mbs_only_flag 1
                           # direct_8x8_inference_flag 1
                           # frame_cropping_flag 0
                           # vui_parameters_present_flag 1
                           # aspect_ratio_info_present_flag 1
            01             # aspect_ratio_idc 1
            10 00 00       # overscan_info_present_flag 0
                           # video_signal_type_present_flag 0
                           # chroma_loc_info_present_flag 0
                           # timing_info_present_flag 1
                           # num_units_in_tick 1
            03             # emulation prevention byte, removed before parsing
            00             # (the field above continues)
            10 00 00       # time_scale 60
            03             # emulation prevention byte, removed before parsing
            03             # (the field above continues)
            c0             # fixed_frame_rate_flag 0
                           # nal_hrd_parameters_present_flag 0
                           # vcl_hrd_parameters_present_flag 0
                           # pic_struct_present_flag 0
            f1             # bitstream_restriction_flag 1
                           # motion_vectors_over_pic_boundaries_flag 1
                           # max_bytes_per_pic_denom 0
                           # max_bits_per_mb_denom 0
                           # log2_max_mv_length_horizontal 11
            83             # log2_max_mv_length_vertical 11
            19             # max_num_reorder_frames 2
                           # max_dec_frame_buffering 4
            60             # rbsp_stop_one_bit 1
            """;

    /**
     * 1920x1080 Main, level 4, 29.97 fps: coded as 1088 lines, 8 cropped.
     * <pre>ffmpeg -f lavfi -i testsrc=size=1920x1080:rate=30000/1001
     *     -frames:v 1 -c:v libx264 -profile:v main -pix_fmt yuv420p
     *     -bsf:v h264_mp4toannexb -f h264 out.h264</pre>
     */
    static final String SPS_MAIN_1080P2997 = """
            67             # forbidden_zero_bit 0
                           # nal_ref_idc 3
                           # nal_unit_type 7
            4d             # profile_idc 77
            40             # constraint flags: set1
            28             # level_idc 40
            ec             # seq_parameter_set_id 0
                           # log2_max_frame_num_minus4 0
                           # pic_order_cnt_type 0
                           # log2_max_pic_order_cnt_lsb_minus4 2
                           # max_num_ref_frames 4
            a0 3c          # gaps_in_frame_num_allowed_flag 0
                           # pic_width_in_mbs_minus1 119
            01             # pic_height_in_map_units_minus1 67
            13             # frame_mbs_only_flag 1
                           # direct_8x8_inference_flag 1
            f2             # frame_cropping_flag 1
                           # frame_crop_left_offset 0
                           # frame_crop_right_offset 0
                           # frame_crop_top_offset 0
                           # frame_crop_bottom_offset 4
            e0             # vui_parameters_present_flag 1
                           # aspect_ratio_info_present_flag 1
                           # aspect_ratio_idc 1
            22 00 00 07    # overscan_info_present_flag 0
                           # video_signal_type_present_flag 0
                           # chroma_loc_info_present_flag 0
                           # timing_info_present_flag 1
                           # num_units_in_tick 1001
            d2 00 01 d4    # time_scale 60000
            c0             # fixed_frame_rate_flag 0
            1e             # nal_hrd_parameters_present_flag 0
                           # vcl_hrd_parameters_present_flag 0
                           # pic_struct_present_flag 0
                           # bitstream_restriction_flag 1
                           # motion_vectors_over_pic_boundaries_flag 1
                           # max_bytes_per_pic_denom 0
                           # max_bits_per_mb_denom 0
                           # log2_max_mv_length_horizontal 11
            30             # log2_max_mv_length_vertical 11
            63             # max_num_reorder_frames 2
            2c             # max_dec_frame_buffering 4
                           # rbsp_stop_one_bit 1
            """;

    /**
     * 1366x768 High 4:4:4, level 4.2, 60 fps: 4:4:4 crops in single pixels, 10 off 1376.
     * <pre>ffmpeg -f lavfi -i testsrc=size=1366x768:rate=60
     *     -frames:v 1 -c:v libx264 -profile:v high444 -pix_fmt yuv444p
     *     -bsf:v h264_mp4toannexb -f h264 out.h264</pre>
     */
    static final String SPS_HIGH444_1366X768P60 = """
            67             # forbidden_zero_bit 0
                           # nal_ref_idc 3
                           # nal_unit_type 7
            f4             # profile_idc 244
            00             # constraint flags: none
            2a             # level_idc 42
            91             # seq_parameter_set_id 0
                           # chroma_format_idc 3
                           # separate_colour_plane_flag 0
                           # bit_depth_luma_minus8 0
            9b             # bit_depth_chroma_minus8 0
                           # qpprime_y_zero_transform_bypass_flag 0
                           # seq_scaling_matrix_present_flag 0
                           # log2_max_frame_num_minus4 0
                           # pic_order_cnt_type 0
                           # log2_max_pic_order_cnt_lsb_minus4 2
            28 0a          # max_num_ref_frames 4
                           # gaps_in_frame_num_allowed_flag 0
                           # pic_width_in_mbs_minus1 85
            c0             # pic_height_in_map_units_minus1 47
            c3             # frame_mbs_only_flag 1
                           # direct_8x8_inference_flag 1
            c5             # frame_cropping_flag 1
                           # frame_crop_left_offset 0
                           # frame_crop_right_offset 10
            f8             # frame_crop_top_offset 0
                           # frame_crop_bottom_offset 0
                           # vui_parameters_present_flag 1
                           # aspect_ratio_info_present_flag 1
                           # aspect_ratio_idc 1
            08             # overscan_info_present_flag 0
                           # video_signal_type_present_flag 0
                           # chroma_loc_info_present_flag 0
            80 00 00       # timing_info_present_flag 1
                           # num_units_in_tick 1
            03             # emulation prevention byte, removed before parsing
            00             # (the field above continues)
            80 00 00 3c    # time_scale 120
            07             # fixed_frame_rate_flag 0
                           # nal_hrd_parameters_present_flag 0
                           # vcl_hrd_parameters_present_flag 0
                           # pic_struct_present_flag 0
                           # bitstream_restriction_flag 1
                           # motion_vectors_over_pic_boundaries_flag 1
                           # max_bytes_per_pic_denom 0
            8c             # max_bits_per_mb_denom 0
                           # log2_max_mv_length_horizontal 11
            18             # log2_max_mv_length_vertical 11
                           # max_num_reorder_frames 2
            cb             # max_dec_frame_buffering 4
                           # rbsp_stop_one_bit 1
            """;

    /**
     * 1920x1080 interlaced High 10, level 4, 25 fps: 34 field-pair map units, crop unit 4 lines.
     * <pre>ffmpeg -f lavfi -i testsrc=size=1920x1080:rate=25
     *     -frames:v 1 -c:v libx264 -profile:v high10 -pix_fmt yuv420p10le -flags +ildct+ilme -x264opts tff=1
     *     -bsf:v h264_mp4toannexb -f h264 out.h264</pre>
     */
    static final String SPS_HIGH10_1080I25 = """
            67             # forbidden_zero_bit 0
                           # nal_ref_idc 3
                           # nal_unit_type 7
            6e             # profile_idc 110
            00             # constraint flags: none
            28             # level_idc 40
            a6             # seq_parameter_set_id 0
                           # chroma_format_idc 1
                           # bit_depth_luma_minus8 2
                           # bit_depth_chroma_minus8 2
            cd             # qpprime_y_zero_transform_bypass_flag 0
                           # seq_scaling_matrix_present_flag 0
                           # log2_max_frame_num_minus4 0
                           # pic_order_cnt_type 0
                           # log2_max_pic_order_cnt_lsb_minus4 2
            94 07          # max_num_ref_frames 4
                           # gaps_in_frame_num_allowed_flag 0
                           # pic_width_in_mbs_minus1 119
            80             # pic_height_in_map_units_minus1 33
            44             # frame_mbs_only_flag 0
            fd             # mb_adaptive_frame_field_flag 1
                           # direct_8x8_inference_flag 1
                           # frame_cropping_flag 1
                           # frame_crop_left_offset 0
                           # frame_crop_right_offset 0
                           # frame_crop_top_offset 0
                           # frame_crop_bottom_offset 2
            e0             # vui_parameters_present_flag 1
                           # aspect_ratio_info_present_flag 1
                           # aspect_ratio_idc 1
            22 00 00       # overscan_info_present_flag 0
                           # video_signal_type_present_flag 0
                           # chroma_loc_info_present_flag 0
                           # timing_info_present_flag 1
                           # num_units_in_tick 1
            03             # emulation prevention byte, removed before parsing
            00             # (the field above continues)
            02 00 00       # time_scale 50
            03             # emulation prevention byte, removed before parsing
            00             # (the field above continues)
            64             # fixed_frame_rate_flag 0
            3e             # nal_hrd_parameters_present_flag 0
                           # vcl_hrd_parameters_present_flag 0
                           # pic_struct_present_flag 1
                           # bitstream_restriction_flag 1
                           # motion_vectors_over_pic_boundaries_flag 1
                           # max_bytes_per_pic_denom 0
                           # max_bits_per_mb_denom 0
                           # log2_max_mv_length_horizontal 10
            2c             # log2_max_mv_length_vertical 10
            5b             # max_num_reorder_frames 2
            2c             # max_dec_frame_buffering 4
                           # rbsp_stop_one_bit 1
            """;

    /**
     * 840x480 High, level 4.1, 23.976 fps, covering what libx264 never writes in an SPS: scaling
     * lists (explicit 4x4 list 0, 4x4 list 1 ended at once by a zero next scale, flat 8x8 list 6
     * and rising 8x8 list 7, long enough that misjudging the 4x4/8x8 boundary misreads the rest),
     * pic_order_cnt_type 1, Extended_SAR, colour description, chroma location and NAL HRD
     * parameters with two CPBs. Built with a bit writer at development time and checked field by
     * field with FFmpeg's trace_headers; 53 macroblocks wide, cropped 2 + 2 chroma columns.
     */
    static final String SPS_SYNTHETIC_HIGH_SCALING_POC1 = """
            67                     # forbidden_zero_bit 0
                                   # nal_ref_idc 3
                                   # nal_unit_type 7
            64                     # profile_idc 100
            00                     # constraint flags: none
            29                     # level_idc 41
            ad                     # seq_parameter_set_id 0
                                   # chroma_format_idc 1
                                   # bit_depth_luma_minus8 0
                                   # bit_depth_chroma_minus8 0
                                   # qpprime_y_zero_transform_bypass_flag 0
                                   # seq_scaling_matrix_present_flag 1
            94                     # seq_scaling_list_present_flag[0] 1
                                   # delta_scale[0] -2
                                   # delta_scale[1] 7
            74                     # delta_scale[2] 0
                                   # delta_scale[3] 7
            76 10                  # delta_scale[4..5] 0
                                   # delta_scale[6] 8
            e2                     # delta_scale[7..9] 0
                                   # delta_scale[10] 4
            31                     # delta_scale[11..12] 0
                                   # delta_scale[13] 5
            51                     # delta_scale[14] 0
                                   # delta_scale[15] 5
            50                     # seq_scaling_list_present_flag[1] 1
                                   # delta_scale[0] -8: next scale 0, so the default list, no more deltas
            88                     # seq_scaling_list_present_flag[2] 0
                                   # seq_scaling_list_present_flag[3] 0
                                   # seq_scaling_list_present_flag[4] 0
            42                     # seq_scaling_list_present_flag[5] 0
                                   # seq_scaling_list_present_flag[6] 1
                                   # delta_scale[0] 8: scale 16, kept flat by 63 zero deltas
            1f                     # delta_scale[1..5] 0
            ff ff ff ff ff ff ff   # delta_scale[6..61] 0
            e1                     # delta_scale[62..63] 0
                                   # seq_scaling_list_present_flag[7] 1
                                   # delta_scale[0] 8: scale 16
            0e ba eb ae ba eb      # delta_scale[1..62]: 0, 0, 0, 1 repeating,
            ae ba eb ae ba eb      # so scale j is 16 + j / 4
            d0                     # delta_scale[63] 0
                                   # log2_max_frame_num_minus4 0
                                   # pic_order_cnt_type 1
                                   # delta_pic_order_always_zero_flag 0
                                   # offset_for_non_ref_pic -2
            a9                     # offset_for_top_to_bottom_field 1
                                   # num_ref_frames_in_pic_order_cnt_cycle 2
            90                     # offset_for_ref_frame[0] 2
                                   # offset_for_ref_frame[1] -3
            ec 0d                  # max_num_ref_frames 2
                                   # gaps_in_frame_num_allowed_flag 0
                                   # pic_width_in_mbs_minus1 52
            43                     # pic_height_in_map_units_minus1 29
            dd                     # frame_mbs_only_flag 1
                                   # direct_8x8_inference_flag 1
                                   # frame_cropping_flag 1
                                   # frame_crop_left_offset 2
            bf                     # frame_crop_right_offset 2
                                   # frame_crop_top_offset 0
                                   # frame_crop_bottom_offset 0
                                   # vui_parameters_present_flag 1
                                   # aspect_ratio_info_present_flag 1
            ff                     # aspect_ratio_idc 255
            00 0a                  # sar_width 10
            00 0b                  # sar_height 11
            b5                     # overscan_info_present_flag 1
                                   # overscan_appropriate_flag 0
                                   # video_signal_type_present_flag 1
                                   # video_format 5
                                   # video_full_range_flag 0
                                   # colour_description_present_flag 1
            01                     # colour_primaries 1
            01                     # transfer_characteristics 1
            01                     # matrix_coefficients 1
            f0 00 00 3e            # chroma_loc_info_present_flag 1
                                   # chroma_sample_loc_type_top_field 0
                                   # chroma_sample_loc_type_bottom_field 0
                                   # timing_info_present_flag 1
                                   # num_units_in_tick 1001
            90 00 0b b8            # time_scale 48000
            0d                     # fixed_frame_rate_flag 1
                                   # nal_hrd_parameters_present_flag 1
                                   # cpb_cnt_minus1 1
            11                     # bit_rate_scale 2
                                   # cpb_size_scale 3
            80 3e                  # bit_rate_value_minus1[0] 1000
            90 03 e8               # cpb_size_value_minus1[0] 2000
            80 1f                  # cbr_flag[0] 0
                                   # bit_rate_value_minus1[1] 1001
            50 01 f4               # cpb_size_value_minus1[1] 2001
            b7                     # cbr_flag[1] 1
                                   # initial_cpb_removal_delay_length_minus1 23
            bd                     # cpb_removal_delay_length_minus1 23
                                   # dpb_output_delay_length_minus1 23
            f0                     # time_offset_length 24
                                   # vcl_hrd_parameters_present_flag 0
            10                     # low_delay_hrd_flag 0
                                   # pic_struct_present_flag 0
                                   # bitstream_restriction_flag 0
                                   # rbsp_stop_one_bit 1
            """;

    /**
     * 29x30 High 4:4:4 level 3, written by hand from 7.3.2.1.1 and checked with FFmpeg's
     * trace_headers: separate colour planes, twelve scaling lists of which only the last is sent,
     * field coding (frame_mbs_only_flag 0) and cropping in 4:4:4 units of 1 by 2 lines.
     */
    static final String SPS_SYNTHETIC_444_FIELDS = """
            67 f4 00 1e    # NAL header, profile_idc 244, no constraint flags, level_idc 30
            93             # 1 seq_parameter_set_id 0, 00100 chroma_format_idc 3,
                           # 1 separate_colour_plane_flag, 1 bit_depth_luma_minus8 0
            a0             # 1 bit_depth_chroma_minus8 0, 0 qpprime_y_zero_transform_bypass_flag,
                           # 1 seq_scaling_matrix_present_flag, 00000 lists 0..4 absent
            02             # 000000 lists 5..10 absent, 1 list 11 present, 0 start of delta_scale[0]
            20             # 001000 rest of delta_scale[0] +4, 00 start of delta_scale[1]
            33             # 0011001 rest of delta_scale[1] -12: next scale 0 ends the list,
                           # 1 log2_max_frame_num_minus4 0
            68             # 011 pic_order_cnt_type 2, 010 max_num_ref_frames 1,
                           # 0 gaps_in_frame_num_allowed_flag, 0 start of pic_width_in_mbs_minus1
            a7             # 10 rest of pic_width_in_mbs_minus1 1 (32 pixels),
                           # 1 pic_height_in_map_units_minus1 0 (one field MB pair: 32 lines),
                           # 0 frame_mbs_only_flag, 0 mb_adaptive_frame_field_flag,
                           # 1 direct_8x8_inference_flag, 1 frame_cropping_flag, 1 frame_crop_left_offset 0
            25             # 00100 frame_crop_right_offset 3, 1 frame_crop_top_offset 0,
                           # 01 start of frame_crop_bottom_offset
            20             # 0 rest of frame_crop_bottom_offset 1 (2 lines), 0 vui_parameters_present_flag,
                           # 1 rbsp_stop_one_bit
            """;

    /**
     * 29x15 High level 3 in monochrome (chroma_format_idc 0), where crop units are single luma
     * samples; written by hand and checked with FFmpeg's trace_headers.
     */
    static final String SPS_SYNTHETIC_MONOCHROME = """
            67 64 00 1e    # NAL header, profile_idc 100, no constraint flags, level_idc 30
            f2             # 1 seq_parameter_set_id 0, 1 chroma_format_idc 0, 1 bit_depth_luma_minus8 0,
                           # 1 bit_depth_chroma_minus8 0, 0 qpprime_y_zero_transform_bypass_flag,
                           # 0 seq_scaling_matrix_present_flag, 1 log2_max_frame_num_minus4 0,
                           # 0 start of pic_order_cnt_type
            d1             # 11 rest of pic_order_cnt_type 2, 010 max_num_ref_frames 1,
                           # 0 gaps_in_frame_num_allowed_flag, 01 start of pic_width_in_mbs_minus1
            7c             # 0 rest of pic_width_in_mbs_minus1 1 (32 pixels), 1 pic_height_in_map_units_minus1 0,
                           # 1 frame_mbs_only_flag, 1 direct_8x8_inference_flag, 1 frame_cropping_flag,
                           # 1 frame_crop_left_offset 0, 00 start of frame_crop_right_offset
            94             # 100 rest of frame_crop_right_offset 3, 1 frame_crop_top_offset 0,
                           # 010 frame_crop_bottom_offset 1, 0 vui_parameters_present_flag
            80             # 1 rbsp_stop_one_bit
            """;

    /** 16x16 Baseline level 3 without VUI, the smallest SPS: written by hand from 7.3.2.1.1. */
    static final String SPS_MINIMAL_NO_VUI = """
            67             # forbidden_zero_bit 0, nal_ref_idc 3, nal_unit_type 7
            42             # profile_idc 66
            00             # constraint flags: none
            1e             # level_idc 30
            da             # 1 seq_parameter_set_id 0, 1 log2_max_frame_num_minus4 0,
                           # 011 pic_order_cnt_type 2, 010 max_num_ref_frames 1
            79             # 0 gaps_in_frame_num_allowed_flag, 1 pic_width_in_mbs_minus1 0,
                           # 1 pic_height_in_map_units_minus1 0, 1 frame_mbs_only_flag,
                           # 1 direct_8x8_inference_flag, 0 frame_cropping_flag,
                           # 0 vui_parameters_present_flag, 1 rbsp_stop_one_bit
            """;

    /** {@link #SPS_MINIMAL_NO_VUI} cropped by 8 chroma columns: 16 luma pixels, nothing left. */
    static final String SPS_CROPPED_TO_NOTHING = """
            67 42 00 1e    # NAL header, profile_idc 66, no constraint flags, level_idc 30
            da             # seq_parameter_set_id 0, log2_max_frame_num_minus4 0,
                           # pic_order_cnt_type 2, max_num_ref_frames 1
            7c             # 0 gaps_in_frame_num_allowed_flag, 1 pic_width_in_mbs_minus1 0,
                           # 1 pic_height_in_map_units_minus1 0, 1 frame_mbs_only_flag,
                           # 1 direct_8x8_inference_flag, 1 frame_cropping_flag,
                           # 00 start of frame_crop_left_offset
            4f             # 01001 rest of frame_crop_left_offset 8, 1 frame_crop_right_offset 0,
                           # 1 frame_crop_top_offset 0, 1 frame_crop_bottom_offset 0
            40             # 0 vui_parameters_present_flag, 1 rbsp_stop_one_bit
            """;

    /** The PPS FFmpeg/libx264 wrote with {@link #SPS_HIGH_720P30}; only copied, never parsed here. */
    static final String PPS_HIGH_720P30 = """
            68             # forbidden_zero_bit 0, nal_ref_idc 3, nal_unit_type 8 (PPS)
            eb e3 cb 22 c0 # pic_parameter_set_id 0 onwards
            """;

    /**
     * The AVCDecoderConfigurationRecord FFmpeg's FLV muxer wrote for the 720p30 High stream: the
     * body of its first video message, after the 5-byte AVC video tag header.
     */
    public static final String AVC_CONFIG_HIGH_720P30 = """
            01             # configurationVersion 1
            64             # AVCProfileIndication 100 (High)
            00             # profile_compatibility: no constraint flags
            1f             # AVCLevelIndication 31
            ff             # reserved 111111, lengthSizeMinusOne 3: 4-byte NAL lengths
            e1             # reserved 111, numOfSequenceParameterSets 1
            00 1a          # sequenceParameterSetLength 26
            """ + SPS_HIGH_720P30 + """
            01             # numOfPictureParameterSets 1
            00 06          # pictureParameterSetLength 6
            """ + PPS_HIGH_720P30;
}
