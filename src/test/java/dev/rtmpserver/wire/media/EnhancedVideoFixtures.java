package dev.rtmpserver.wire.media;

/**
 * HEVC, AV1 and VP9 decoder configurations for the parser and MP4 muxer tests, as annotated hex.
 * The real ones were encoded once at development time by FFmpeg 5.1 into MP4, with the command in
 * each Javadoc, and are the content of the MP4's hvcC, av1C or vpcC box, which is what FFmpeg also
 * sends as an Enhanced RTMP SequenceStart body; SPS field values come from FFmpeg's
 * {@code trace_headers} bitstream filter. Bit-packed fields are commented on the line where they
 * start.
 */
public final class EnhancedVideoFixtures {
    private EnhancedVideoFixtures() {
    }

    /** An Enhanced RTMP SequenceStart header for the given FourCC's hex, before the configuration. */
    static String sequenceStart(String fourCcHex) {
        return "90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)\n"
                + fourCcHex + " # FourCC\n";
    }

    /** The SPS of {@link #HEVC_CONFIG_MAIN_426X240}: 432x240 coded, cropped to 426x240. */
    static final String HEVC_SPS_MAIN_426X240 = """
            42 01          # forbidden_zero_bit 0
                           # nal_unit_type 33 (SPS)
                           # nuh_layer_id 0
                           # nuh_temporal_id_plus1 1
            01             # sps_video_parameter_set_id 0
                           # sps_max_sub_layers_minus1 0
                           # sps_temporal_id_nesting_flag 1
            01             # general_profile_space 0
                           # general_tier_flag 0
                           # general_profile_idc 1 (Main)
            60 00 00 03 00 # general_profile_compatibility_flags 1 and 2, an emulation prevention 03 within
            90 00 00 03    # general_progressive_source_flag 1, general_frame_only_constraint_flag 1, ...
            00 00 03 00    # ...the other constraint flags 0, two emulation prevention 03s within
            3c             # general_level_idc 60 (level 2)
            a0             # sps_seq_parameter_set_id 0
                           # chroma_format_idc 1 (4:2:0)
                           # pic_width_in_luma_samples begins
            0d 88          # pic_width_in_luma_samples 432
            0f             # pic_height_in_luma_samples begins
            1c             # pic_height_in_luma_samples 240
                           # conformance_window_flag 1
                           # conf_win_left_offset 0
                           # conf_win_right_offset begins
            9e             # conf_win_right_offset 3 (SubWidthC 2: 6 samples, leaving 426)
                           # conf_win_top_offset 0
                           # conf_win_bottom_offset 0
                           # bit_depth_luma_minus8 0
                           # bit_depth_chroma_minus8 0
            59 59 a4 93 2b # log2_max_pic_order_cnt_lsb_minus4 onwards: not parsed
            c0 5a 02 00 00 # (VUI)
            03 00 02 00 00 # (VUI timing, emulation prevention 03s within)
            03 00 3c 10    # (VUI, rbsp_stop_one_bit)
            """;

    /**
     * 426x240 Main, level 2, Main tier, 8-bit 4:2:0: x265 pads the width to 432 and crops it back.
     * <pre>ffmpeg -f lavfi -i testsrc=size=426x240:rate=30 -frames 1 -c:v libx265
     *     -x265-params info=0 -pix_fmt yuv420p out.mp4</pre>
     */
    public static final String HEVC_CONFIG_MAIN_426X240 = """
            01             # configurationVersion 1
            01             # general_profile_space 0
                           # general_tier_flag 0 (Main)
                           # general_profile_idc 1 (Main)
            60 00 00 00    # general_profile_compatibility_flags: Main, Main 10
            90 00 00 00    # general_constraint_indicator_flags: progressive, frame only
            00 00          # general_constraint_indicator_flags, continued
            3c             # general_level_idc 60 (level 2)
            f0 00          # reserved 1111, min_spatial_segmentation_idc 0
            fc             # reserved 111111, parallelismType 0
            fd             # reserved 111111, chromaFormat 1 (4:2:0)
            f8             # reserved 11111, bitDepthLumaMinus8 0
            f8             # reserved 11111, bitDepthChromaMinus8 0
            00 00          # avgFrameRate 0 (unspecified)
            0f             # constantFrameRate 0, numTemporalLayers 1, temporalIdNested 1, lengthSizeMinusOne 3
            03             # numOfArrays 3
            20             # array_completeness 0, NAL_unit_type 32 (VPS)
            00 01          # numNalus 1
            00 18          # nalUnitLength 24
            40 01 0c 01 ff ff 01 60 00 00 03 00 90 00 00 03 00 00 03 00 3c 95 98 09 # the VPS
            21             # array_completeness 0, NAL_unit_type 33 (SPS)
            00 01          # numNalus 1
            00 2b          # nalUnitLength 43
            """ + HEVC_SPS_MAIN_426X240 + """
            22             # array_completeness 0, NAL_unit_type 34 (PPS)
            00 01          # numNalus 1
            00 07          # nalUnitLength 7
            44 01 c1 72 b4 62 40 # the PPS
            """;

    /**
     * 1920x1080 Range Extensions, level 5.1, High tier, 10-bit 4:2:2, no conformance window.
     * <pre>ffmpeg -f lavfi -i testsrc=size=1920x1080:rate=30 -frames 1 -c:v libx265
     *     -x265-params info=0:level-idc=5.1:high-tier=1:vbv-maxrate=80000:vbv-bufsize=80000
     *     -pix_fmt yuv422p10le out.mp4</pre>
     */
    public static final String HEVC_CONFIG_REXT_HIGH_TIER_1080P = """
            01             # configurationVersion 1
            24             # general_profile_space 0
                           # general_tier_flag 1 (High)
                           # general_profile_idc 4 (Range Extensions)
            08 00 00 00    # general_profile_compatibility_flags: Range Extensions
            9d 08 00 00    # general_constraint_indicator_flags: progressive, frame only, max 12/10-bit, max 4:2:2, ...
            00 00          # ...lower bit rate
            99             # general_level_idc 153 (level 5.1)
            f0 00          # reserved 1111, min_spatial_segmentation_idc 0
            fc             # reserved 111111, parallelismType 0
            fe             # reserved 111111, chromaFormat 2 (4:2:2)
            fa             # reserved 11111, bitDepthLumaMinus8 2
            fa             # reserved 11111, bitDepthChromaMinus8 2
            00 00          # avgFrameRate 0 (unspecified)
            0f             # constantFrameRate 0, numTemporalLayers 1, temporalIdNested 1, lengthSizeMinusOne 3
            03             # numOfArrays 3
            20             # array_completeness 0, NAL_unit_type 32 (VPS)
            00 01          # numNalus 1
            00 17          # nalUnitLength 23
            40 01 0c 01 ff ff 24 08 00 00 03 00 9d 08 00 00 03 00 00 99 95 98 09 # the VPS
            21             # array_completeness 0, NAL_unit_type 33 (SPS)
            00 01          # numNalus 1
            00 2b          # nalUnitLength 43
            42 01          # NAL header: nal_unit_type 33 (SPS)
            01             # sps_video_parameter_set_id 0, sps_max_sub_layers_minus1 0, temporal_id_nesting 1
            24             # general_profile_space 0, general_tier_flag 1, general_profile_idc 4
            08 00 00 03 00 # general_profile_compatibility_flags, an emulation prevention 03 within
            9d 08 00 00 03 # general constraint flags, an emulation prevention 03 within...
            00 00          # ...continued
            99             # general_level_idc 153
            b0             # sps_seq_parameter_set_id 0
                           # chroma_format_idc 2 (4:2:2)
                           # pic_width_in_luma_samples begins
            03 c0 80       # pic_width_in_luma_samples 1920
                           # pic_height_in_luma_samples begins
            10 e4          # pic_height_in_luma_samples 1080
                           # conformance_window_flag 0
                           # bit_depth_luma_minus8 begins
            d9             # bit_depth_luma_minus8 2
                           # bit_depth_chroma_minus8 2
            65 66 92 4c af # log2_max_pic_order_cnt_lsb_minus4 onwards: not parsed
            01 68 08 00 00 # (VUI)
            03 00 08 00 00 # (VUI timing, emulation prevention 03s within)
            03 00 f0 40    # (VUI, rbsp_stop_one_bit)
            22             # array_completeness 0, NAL_unit_type 34 (PPS)
            00 01          # numNalus 1
            00 07          # nalUnitLength 7
            44 01 c1 72 b4 62 40 # the PPS
            """;

    /**
     * 1280x720 Main, level 3.1 (seq_level_idx 5), 8-bit 4:2:0.
     * <pre>ffmpeg -f lavfi -i testsrc=size=1280x720:rate=30 -frames 1 -pix_fmt yuv420p
     *     -c:v libaom-av1 -cpu-used 8 out.mp4</pre>
     */
    public static final String AV1_CONFIG_MAIN_720P = """
            81             # marker 1, version 1
            05             # seq_profile 0 (Main), seq_level_idx_0 5 (level 3.1)
            0c             # seq_tier_0 0
                           # high_bitdepth 0
                           # twelve_bit 0
                           # monochrome 0
                           # chroma_subsampling_x 1
                           # chroma_subsampling_y 1
                           # chroma_sample_position 0
            00             # reserved 0, initial_presentation_delay_present 0, reserved 0
            0a             # OBU header: obu_type 1 (sequence header), no extension, obu_has_size_field 1
            0b             # obu_size 11
            00             # seq_profile 0
                           # still_picture 0
                           # reduced_still_picture_header 0
                           # timing_info_present_flag 0
                           # initial_display_delay_present_flag 0
                           # operating_points_cnt_minus_1 begins
            00             # operating_points_cnt_minus_1 0
                           # operating_point_idc[0] begins
            00             # operating_point_idc[0] 0
            2d             # seq_level_idx[0] 5 (no seq_tier below 4.0)
                           # frame_width_bits_minus_1 begins
            4c             # frame_width_bits_minus_1 10
                           # frame_height_bits_minus_1 9
                           # max_frame_width_minus_1 begins
            ff             # max_frame_width_minus_1 1279
            b3             # max_frame_height_minus_1 begins
            cc             # max_frame_height_minus_1 719
                           # frame_id_numbers_present_flag onwards: not parsed
            af 90 04       # (use_128x128_superblock ... color_config, film_grain_params_present)
            """;

    /**
     * Hand-written (AV1 §5.5.1, AV1-ISOBMFF §2.3): a still picture with the reduced sequence
     * header, 64x48 Main level 2.0 8-bit 4:2:0, its sequence header cut after the frame size.
     */
    static final String AV1_CONFIG_REDUCED_STILL_64X48 = """
            81             # marker 1, version 1
            00             # seq_profile 0 (Main), seq_level_idx_0 0 (level 2.0)
            0c             # seq_tier_0 0, 8-bit, not monochrome, chroma_subsampling_x 1, y 1
            00             # no initial presentation delay
            0a             # OBU header: obu_type 1 (sequence header), obu_has_size_field 1
            04             # obu_size 4
            18             # seq_profile 0
                           # still_picture 1
                           # reduced_still_picture_header 1
                           # seq_level_idx[0] begins
            15             # seq_level_idx[0] 0
                           # frame_width_bits_minus_1 5
                           # frame_height_bits_minus_1 begins
            7f             # frame_height_bits_minus_1 5
                           # max_frame_width_minus_1 63
            bc             # max_frame_height_minus_1 47
                           # padding
            """;

    /**
     * 320x240 Profile 0, level 2, 8-bit 4:2:0; the size is not in the record.
     * <pre>ffmpeg -f lavfi -i testsrc=size=320x240:rate=30 -frames 1 -pix_fmt yuv420p
     *     -c:v libvpx-vp9 out.mp4</pre>
     */
    public static final String VP9_CONFIG_PROFILE0 = """
            01             # version 1
            00 00 00       # flags 0
            00             # profile 0
            14             # level 20 (level 2)
            82             # bitDepth 8
                           # chromaSubsampling 1 (4:2:0, chroma co-sited with luma)
                           # videoFullRangeFlag 0
            02             # colourPrimaries 2 (unspecified)
            02             # transferCharacteristics 2 (unspecified)
            02             # matrixCoefficients 2 (unspecified)
            00 00          # codecInitializationDataSize 0
            """;

    /** Hand-written (VP codec ISO binding, vpcC): Profile 2, level 3.1, 10-bit 4:4:4 full range. */
    public static final String VP9_CONFIG_PROFILE2_444 = """
            01             # version 1
            00 00 00       # flags 0
            02             # profile 2
            1f             # level 31 (level 3.1)
            a7             # bitDepth 10
                           # chromaSubsampling 3 (4:4:4)
                           # videoFullRangeFlag 1
            09             # colourPrimaries 9 (BT.2020)
            10             # transferCharacteristics 16 (PQ)
            09             # matrixCoefficients 9 (BT.2020 non-constant)
            00 00          # codecInitializationDataSize 0
            """;

    /**
     * Hand-written (H.265 §7.3.2.2.1 and §7.3.3): a 64x64 Main SPS with two sub-layers, so
     * profile_tier_level carries sub-layer flags, their padding, and a sub-layer profile and level.
     */
    static final String HEVC_SPS_TWO_SUB_LAYERS_64X64 = """
            42 01          # NAL header: nal_unit_type 33 (SPS), layer 0, temporal id 0
            03             # sps_video_parameter_set_id 0
                           # sps_max_sub_layers_minus1 1
                           # sps_temporal_id_nesting_flag 1
            01             # general_profile_space 0, general_tier_flag 0, general_profile_idc 1 (Main)
            60 00 00 03 00 # general_profile_compatibility_flags, an emulation prevention 03 within
            90 00 00 03    # general constraint flags: progressive, frame only, ...
            00 00 03 00    # ...the rest 0, two emulation prevention 03s within
            3c             # general_level_idc 60
            c0             # sub_layer_profile_present_flag[0] 1
                           # sub_layer_level_present_flag[0] 1
                           # reserved_zero_2bits for sub-layers 1 to 7 begin
            00             # reserved_zero_2bits, continued
            01             # sub_layer_profile_space 0, sub_layer_tier_flag 0, sub_layer_profile_idc 1
            60 00 00 03 00 # sub_layer_profile_compatibility_flags, an emulation prevention 03 within
            90 00 00 03    # sub-layer constraint flags...
            00 00 03 00    # ...continued, two emulation prevention 03s within
            3c             # sub_layer_level_idc[0] 60
            a0             # sps_seq_parameter_set_id 0
                           # chroma_format_idc 1 (4:2:0)
                           # pic_width_in_luma_samples begins
            20             # pic_width_in_luma_samples, continued
            81             # pic_width_in_luma_samples 64
                           # pic_height_in_luma_samples begins
            05             # pic_height_in_luma_samples 64
                           # conformance_window_flag 0
                           # bit_depth_luma_minus8 0
            c0             # bit_depth_chroma_minus8 0
                           # rbsp_stop_one_bit (the SPS's remaining fields left out)
            """;

    /**
     * Hand-written (AV1 §5.5.1, §5.5.3 to §5.5.5): timing and decoder model info and two operating
     * points, the first at level 4.0 High tier with a decoder model and initial display delay.
     * 1920x1080 Main 8-bit 4:2:0; the sequence header is cut after the frame size.
     */
    public static final String AV1_CONFIG_DECODER_MODEL_1080P = """
            81             # marker 1, version 1
            08             # seq_profile 0 (Main), seq_level_idx_0 8 (level 4.0)
            8c             # seq_tier_0 1, 8-bit, not monochrome, chroma_subsampling_x 1, y 1
            00             # no initial presentation delay
            0a             # OBU header: obu_type 1 (sequence header), obu_has_size_field 1
            1c             # obu_size 28
            04             # seq_profile 0
                           # still_picture 0
                           # reduced_still_picture_header 0
                           # timing_info_present_flag 1
                           # num_units_in_display_tick begins
            00 00 00       # num_units_in_display_tick 1
            04 00 00 00    # time_scale 30
            7b             # equal_picture_interval 1
                           # num_ticks_per_picture_minus_1 0 (uvlc)
            a4             # decoder_model_info_present_flag 1
                           # buffer_delay_length_minus_1 9
                           # num_units_in_decoding_tick begins
            00 00 00       # num_units_in_decoding_tick 1
            04             # buffer_removal_time_length_minus_1 4
            84             # frame_presentation_time_length_minus_1 4
            84             # initial_display_delay_present_flag 1
                           # operating_points_cnt_minus_1 1
                           # operating_point_idc[0] begins
            40             # operating_point_idc[0] 0x101
            51             # seq_level_idx[0] 8 (4.0)
                           # seq_tier[0] 1
            be             # decoder_model_present_for_this_op[0] 1
                           # decoder_buffer_delay[0] 500
            89             # encoder_buffer_delay[0] 300
            62             # low_delay_mode_flag[0] 0
                           # initial_display_delay_present_for_this_op[0] 1
                           # initial_display_delay_minus_1[0] 3
            62             # operating_point_idc[1] 0x103
            06             # seq_level_idx[1] 3 (2.3, so no seq_tier)
            32             # decoder_model_present_for_this_op[1] 0
                           # initial_display_delay_present_for_this_op[1] 0
                           # frame_width_bits_minus_1 10
            ab             # frame_height_bits_minus_1 10
                           # max_frame_width_minus_1 begins
            bf             # max_frame_width_minus_1 1919
            c3             # max_frame_height_minus_1 begins
            70             # max_frame_height_minus_1 1079
                           # padding
            """;
}
