package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Objects;

/**
 * The facts worth logging from an H.264 sequence parameter set (ITU-T H.264 clause 7.3.2.1.1 and
 * Annex E.1.1): profile, level, displayed size and nominal frame rate.
 *
 * <p>The whole SPS is walked, VUI and HRD included, up to its rbsp_stop_one_bit: reading only to
 * the timing info would accept an SPS cut short after it, and a parser that checks its own end
 * is the one that notices corruption.
 *
 * @param profileIdc profile_idc (66 Baseline, 77 Main, 100 High, ...)
 * @param levelIdc   level_idc, ten times the level number (31 is level 3.1)
 * @param width      luma width in pixels after frame cropping
 * @param height     luma height in pixels after frame cropping (of a frame, not a field)
 * @param frameRate  time_scale / (2 * num_units_in_tick) from the VUI timing info, 0 when absent
 */
public record SpsInfo(int profileIdc, int levelIdc, int width, int height, double frameRate) {

    public static final int PROFILE_BASELINE = 66;
    public static final int PROFILE_MAIN = 77;
    public static final int PROFILE_EXTENDED = 88;
    public static final int PROFILE_HIGH = 100;
    public static final int PROFILE_HIGH_10 = 110;
    public static final int PROFILE_HIGH_422 = 122;
    public static final int PROFILE_HIGH_444 = 244;
    public static final int PROFILE_CAVLC_444_INTRA = 44;
    private static final int PROFILE_SCALABLE_BASELINE = 83;
    private static final int PROFILE_SCALABLE_HIGH = 86;
    private static final int PROFILE_MULTIVIEW_HIGH = 118;
    private static final int PROFILE_STEREO_HIGH = 128;
    private static final int PROFILE_MFC_HIGH = 134;
    private static final int PROFILE_MFC_DEPTH_HIGH = 135;
    private static final int PROFILE_MULTIVIEW_DEPTH_HIGH = 138;
    private static final int PROFILE_ENHANCED_MULTIVIEW_DEPTH_HIGH = 139;

    /** The constraint_set flags as they sit in the byte after profile_idc (set0 is the top bit). */
    public static final int CONSTRAINT_SET1 = 0x40;
    public static final int CONSTRAINT_SET3 = 0x10;
    public static final int CONSTRAINT_SET4 = 0x08;
    public static final int CONSTRAINT_SET5 = 0x04;

    /** level_idc 9 is level 1b in the High profiles (Annex A). */
    private static final int LEVEL_IDC_1B = 9;
    /** level_idc 11 with constraint_set3 is level 1b in Baseline, Main and Extended (Annex A). */
    private static final int LEVEL_IDC_1_1 = 11;
    private static final int LEVEL_IDC_PER_LEVEL = 10;

    private static final int NAL_HEADER_LENGTH = 1;
    private static final int NAL_FORBIDDEN_ZERO_BIT = 0x80;
    private static final int NAL_UNIT_TYPE_MASK = 0x1F;
    private static final int NAL_UNIT_TYPE_SPS = 7;
    private static final String STRUCTURE = "SPS";

    private static final int MAX_SPS_ID = 31;
    /** 4:2:0 halves chroma both ways and 4:2:2 horizontally (SubWidthC, SubHeightC). */
    private static final int CHROMA_SUBSAMPLING = 2;
    /** Map units and crop units of field-coded streams cover both fields. */
    private static final int FIELDS_PER_FRAME = 2;
    private static final int CHROMA_FORMAT_420 = 1;
    private static final int CHROMA_FORMAT_422 = 2;
    private static final int CHROMA_FORMAT_444 = 3;
    private static final int MAX_BIT_DEPTH_MINUS_8 = 6;
    private static final int SCALING_LISTS = 8;
    private static final int SCALING_LISTS_444 = 12;
    private static final int SCALING_LISTS_4X4 = 6;
    private static final int SCALING_LIST_4X4_SIZE = 16;
    private static final int SCALING_LIST_8X8_SIZE = 64;
    private static final int SCALING_LIST_INITIAL_SCALE = 8;
    private static final int SCALING_SCALE_MODULUS = 256;
    private static final int MIN_DELTA_SCALE = -128;
    private static final int MAX_DELTA_SCALE = 127;
    private static final int MAX_LOG2_MINUS_4 = 12;
    private static final int POC_TYPE_LSB = 0;
    private static final int POC_TYPE_CYCLE = 1;
    private static final int MAX_POC_TYPE = 2;
    private static final int MAX_REF_FRAMES_IN_POC_CYCLE = 255;
    /** MaxDpbFrames never exceeds 16 in any level (A.3.1). */
    private static final int MAX_REF_FRAMES = 16;
    /**
     * No level allows a side longer than sqrt(8 * MaxFS) macroblocks, at most 1055 (A.3.1);
     * 2048 leaves headroom while keeping sizes far from int overflow.
     */
    private static final int MAX_SIDE_IN_MBS = 2048;
    private static final int MB_SIZE = 16;

    private static final int ASPECT_RATIO_IDC_BITS = 8;
    private static final int ASPECT_RATIO_EXTENDED_SAR = 255;
    private static final int SAR_COMPONENT_BITS = 16;
    private static final int VIDEO_FORMAT_BITS = 3;
    /** colour_primaries, transfer_characteristics, matrix_coefficients: u(8) each. */
    private static final int COLOUR_DESCRIPTION_BITS = 3 * Byte.SIZE;
    private static final int MAX_CHROMA_SAMPLE_LOC_TYPE = 5;
    private static final int TIMING_FIELD_BITS = 32;
    private static final double TICKS_PER_FRAME = 2.0;
    private static final int MAX_CPB_CNT_MINUS_1 = 31;
    private static final int HRD_SCALE_FIELD_BITS = 4;
    private static final int HRD_LENGTH_FIELDS = 4;
    private static final int HRD_LENGTH_FIELD_BITS = 5;

    /**
     * Parses one SPS NAL unit, header byte included (as it is stored in an
     * AVCDecoderConfigurationRecord), emulation-prevention bytes still in.
     */
    public static SpsInfo parse(byte[] nal, int offset, int length) throws ProtocolException {
        Objects.checkFromIndexSize(offset, length, nal.length);
        if (length < NAL_HEADER_LENGTH) {
            throw new ProtocolException("SPS is empty");
        }
        int header = Byte.toUnsignedInt(nal[offset]);
        if ((header & NAL_FORBIDDEN_ZERO_BIT) != 0 || (header & NAL_UNIT_TYPE_MASK) != NAL_UNIT_TYPE_SPS) {
            throw new ProtocolException("not an SPS NAL unit: header byte 0x" + Integer.toHexString(header));
        }
        BitReader in = BitReader.ofRbsp(nal, offset + NAL_HEADER_LENGTH, length - NAL_HEADER_LENGTH, STRUCTURE);

        int profileIdc = in.readBits(Byte.SIZE);
        in.readBits(Byte.SIZE); // constraint_set flags: only naming uses them, from the decoder config
        int levelIdc = in.readBits(Byte.SIZE);
        in.readUe(MAX_SPS_ID, "seq_parameter_set_id");

        // Profiles without these fields are 4:2:0 (7.4.2.1.1, chroma_format_idc inferred as 1).
        int chromaFormatIdc = CHROMA_FORMAT_420;
        if (hasChromaFormatFields(profileIdc)) {
            chromaFormatIdc = in.readUe(CHROMA_FORMAT_444, "chroma_format_idc");
            if (chromaFormatIdc == CHROMA_FORMAT_444) {
                // separate_colour_plane_flag makes ChromaArrayType 0, whose crop units equal
                // 4:4:4's, so it changes nothing reported here.
                in.readFlag();
            }
            in.readUe(MAX_BIT_DEPTH_MINUS_8, "bit_depth_luma_minus8");
            in.readUe(MAX_BIT_DEPTH_MINUS_8, "bit_depth_chroma_minus8");
            in.readFlag(); // qpprime_y_zero_transform_bypass_flag
            if (in.readFlag()) {
                skipScalingMatrix(in, chromaFormatIdc);
            }
        }

        in.readUe(MAX_LOG2_MINUS_4, "log2_max_frame_num_minus4");
        skipPicOrderCount(in);
        in.readUe(MAX_REF_FRAMES, "max_num_ref_frames");
        in.readFlag(); // gaps_in_frame_num_value_allowed_flag
        int widthInMbs = in.readUe(MAX_SIDE_IN_MBS - 1, "pic_width_in_mbs_minus1") + 1;
        int heightInMapUnits = in.readUe(MAX_SIDE_IN_MBS - 1, "pic_height_in_map_units_minus1") + 1;
        boolean frameMbsOnly = in.readFlag();
        if (!frameMbsOnly) {
            in.readFlag(); // mb_adaptive_frame_field_flag
        }
        in.readFlag(); // direct_8x8_inference_flag

        // Without frame_mbs_only a map unit is a field macroblock pair, two macroblocks tall (7.4.2.1.1).
        int fieldFactor = frameMbsOnly ? 1 : FIELDS_PER_FRAME;
        int width = widthInMbs * MB_SIZE;
        int height = fieldFactor * heightInMapUnits * MB_SIZE;
        if (in.readFlag()) {
            // Crop offsets count chroma samples, so one unit spans SubWidthC/SubHeightC luma
            // samples (Table 6-1), doubled vertically for field coding (CropUnitX/Y, 7.4.2.1.1);
            // without chroma a unit is one luma sample.
            int cropUnitX = 1;
            int cropUnitY = fieldFactor;
            if (chromaFormatIdc == CHROMA_FORMAT_420 || chromaFormatIdc == CHROMA_FORMAT_422) {
                cropUnitX = CHROMA_SUBSAMPLING;
            }
            if (chromaFormatIdc == CHROMA_FORMAT_420) {
                cropUnitY = CHROMA_SUBSAMPLING * fieldFactor;
            }
            long left = in.readUe();
            long right = in.readUe();
            long top = in.readUe();
            long bottom = in.readUe();
            width = croppedSize(width, cropUnitX, left, right, "horizontal");
            height = croppedSize(height, cropUnitY, top, bottom, "vertical");
        }
        double frameRate = 0;
        if (in.readFlag()) {
            frameRate = parseVui(in);
        }
        if (in.readBit() != 1) {
            throw new ProtocolException("SPS does not end with rbsp_stop_one_bit");
        }
        return new SpsInfo(profileIdc, levelIdc, width, height, frameRate);
    }

    /**
     * The profile's name per H.264 Annex A, refined by constraint flags where they define a
     * sub-profile (Constrained Baseline, Progressive/Constrained High, the Intra profiles).
     *
     * @param constraintFlags the byte after profile_idc (AVCDecoderConfigurationRecord's
     *                        profile_compatibility holds the same byte)
     */
    public static String profileName(int profileIdc, int constraintFlags) {
        boolean set1 = (constraintFlags & CONSTRAINT_SET1) != 0;
        boolean set3 = (constraintFlags & CONSTRAINT_SET3) != 0;
        boolean set4 = (constraintFlags & CONSTRAINT_SET4) != 0;
        boolean set5 = (constraintFlags & CONSTRAINT_SET5) != 0;
        return switch (profileIdc) {
            case PROFILE_BASELINE -> set1 ? "Constrained Baseline" : "Baseline";
            case PROFILE_MAIN -> "Main";
            case PROFILE_EXTENDED -> "Extended";
            case PROFILE_HIGH -> set4 && set5 ? "Constrained High" : set4 ? "Progressive High" : "High";
            case PROFILE_HIGH_10 -> set3 ? "High 10 Intra" : set4 ? "Progressive High 10" : "High 10";
            case PROFILE_HIGH_422 -> set3 ? "High 4:2:2 Intra" : "High 4:2:2";
            case PROFILE_HIGH_444 -> set3 ? "High 4:4:4 Intra" : "High 4:4:4";
            case PROFILE_CAVLC_444_INTRA -> "CAVLC 4:4:4 Intra";
            case PROFILE_SCALABLE_BASELINE -> "Scalable Baseline";
            case PROFILE_SCALABLE_HIGH -> "Scalable High";
            case PROFILE_MULTIVIEW_HIGH -> "Multiview High";
            case PROFILE_STEREO_HIGH -> "Stereo High";
            case PROFILE_MFC_HIGH -> "MFC High";
            case PROFILE_MFC_DEPTH_HIGH -> "MFC Depth High";
            case PROFILE_MULTIVIEW_DEPTH_HIGH -> "Multiview Depth High";
            case PROFILE_ENHANCED_MULTIVIEW_DEPTH_HIGH -> "Enhanced Multiview Depth High";
            default -> "profile " + profileIdc;
        };
    }

    /** The level as Table A-1 writes it: "3", "3.1", or "1b" where the constraint flags say so. */
    public static String levelName(int profileIdc, int constraintFlags, int levelIdc) {
        boolean set3 = (constraintFlags & CONSTRAINT_SET3) != 0;
        boolean legacyProfile = profileIdc == PROFILE_BASELINE || profileIdc == PROFILE_MAIN
                || profileIdc == PROFILE_EXTENDED;
        if (levelIdc == LEVEL_IDC_1B || (levelIdc == LEVEL_IDC_1_1 && set3 && legacyProfile)) {
            return "1b";
        }
        int major = levelIdc / LEVEL_IDC_PER_LEVEL;
        int minor = levelIdc % LEVEL_IDC_PER_LEVEL;
        return minor == 0 ? Integer.toString(major) : major + "." + minor;
    }

    /** The profiles whose SPS carries chroma_format_idc and the fields after it (7.3.2.1.1). */
    private static boolean hasChromaFormatFields(int profileIdc) {
        return switch (profileIdc) {
            case PROFILE_HIGH, PROFILE_HIGH_10, PROFILE_HIGH_422, PROFILE_HIGH_444, PROFILE_CAVLC_444_INTRA,
                 PROFILE_SCALABLE_BASELINE, PROFILE_SCALABLE_HIGH, PROFILE_MULTIVIEW_HIGH, PROFILE_STEREO_HIGH,
                 PROFILE_MFC_HIGH, PROFILE_MFC_DEPTH_HIGH, PROFILE_MULTIVIEW_DEPTH_HIGH,
                 PROFILE_ENHANCED_MULTIVIEW_DEPTH_HIGH -> true;
            default -> false;
        };
    }

    private static void skipScalingMatrix(BitReader in, int chromaFormatIdc) throws ProtocolException {
        int lists = chromaFormatIdc == CHROMA_FORMAT_444 ? SCALING_LISTS_444 : SCALING_LISTS;
        for (int i = 0; i < lists; i++) {
            if (in.readFlag()) {
                skipScalingList(in, i < SCALING_LISTS_4X4 ? SCALING_LIST_4X4_SIZE : SCALING_LIST_8X8_SIZE);
            }
        }
    }

    /**
     * scaling_list() (7.3.2.1.1.1): the list is delta-coded, and a next scale of 0 ends it early
     * (meaning "use the default list"), so its length in bits depends on the values themselves.
     */
    private static void skipScalingList(BitReader in, int size) throws ProtocolException {
        // The spec keeps lastScale and nextScale apart only for the entries after a zero, which
        // repeat lastScale without reading anything; stopping at the zero makes one variable enough.
        int scale = SCALING_LIST_INITIAL_SCALE;
        for (int j = 0; j < size && scale != 0; j++) {
            int delta = in.readSe(MIN_DELTA_SCALE, MAX_DELTA_SCALE, "delta_scale");
            scale = Math.floorMod(scale + delta, SCALING_SCALE_MODULUS);
        }
    }

    private static void skipPicOrderCount(BitReader in) throws ProtocolException {
        int pocType = in.readUe(MAX_POC_TYPE, "pic_order_cnt_type");
        if (pocType == POC_TYPE_LSB) {
            in.readUe(MAX_LOG2_MINUS_4, "log2_max_pic_order_cnt_lsb_minus4");
        } else if (pocType == POC_TYPE_CYCLE) {
            in.readFlag(); // delta_pic_order_always_zero_flag
            in.readSe(); // offset_for_non_ref_pic
            in.readSe(); // offset_for_top_to_bottom_field
            int cycle = in.readUe(MAX_REF_FRAMES_IN_POC_CYCLE, "num_ref_frames_in_pic_order_cnt_cycle");
            for (int i = 0; i < cycle; i++) {
                in.readSe(); // offset_for_ref_frame[i]
            }
        }
    }

    private static int croppedSize(int size, int unit, long before, long after, String direction)
            throws ProtocolException {
        // Offsets are up to 2^32 - 2 each, so the arithmetic stays in long until checked.
        long cropped = size - unit * (before + after);
        if (cropped <= 0) {
            throw new ProtocolException("SPS " + direction + " cropping (" + before + " + " + after
                    + " units of " + unit + ") leaves nothing of " + size + " pixels");
        }
        return (int) cropped;
    }

    /** vui_parameters() (E.1.1), returning the nominal frame rate or 0. */
    private static double parseVui(BitReader in) throws ProtocolException {
        if (in.readFlag()) { // aspect_ratio_info_present_flag
            if (in.readBits(ASPECT_RATIO_IDC_BITS) == ASPECT_RATIO_EXTENDED_SAR) {
                in.skipBits(2 * SAR_COMPONENT_BITS); // sar_width, sar_height
            }
        }
        if (in.readFlag()) { // overscan_info_present_flag
            in.readFlag(); // overscan_appropriate_flag
        }
        if (in.readFlag()) { // video_signal_type_present_flag
            in.skipBits(VIDEO_FORMAT_BITS);
            in.readFlag(); // video_full_range_flag
            if (in.readFlag()) { // colour_description_present_flag
                in.skipBits(COLOUR_DESCRIPTION_BITS);
            }
        }
        if (in.readFlag()) { // chroma_loc_info_present_flag
            in.readUe(MAX_CHROMA_SAMPLE_LOC_TYPE, "chroma_sample_loc_type_top_field");
            in.readUe(MAX_CHROMA_SAMPLE_LOC_TYPE, "chroma_sample_loc_type_bottom_field");
        }
        double frameRate = 0;
        if (in.readFlag()) { // timing_info_present_flag
            long numUnitsInTick = in.readBitsLong(TIMING_FIELD_BITS);
            long timeScale = in.readBitsLong(TIMING_FIELD_BITS);
            in.readFlag(); // fixed_frame_rate_flag
            // Both must be positive (E.2.1); a zero is reported as "no timing" rather than failing,
            // since it says nothing wrong about the rest of the SPS.
            if (numUnitsInTick > 0 && timeScale > 0) {
                // A tick is one field period, so a frame lasts two ticks (E.2.1).
                frameRate = timeScale / (TICKS_PER_FRAME * numUnitsInTick);
            }
        }
        boolean nalHrd = in.readFlag();
        if (nalHrd) {
            skipHrdParameters(in);
        }
        boolean vclHrd = in.readFlag();
        if (vclHrd) {
            skipHrdParameters(in);
        }
        if (nalHrd || vclHrd) {
            in.readFlag(); // low_delay_hrd_flag
        }
        in.readFlag(); // pic_struct_present_flag
        if (in.readFlag()) { // bitstream_restriction_flag
            in.readFlag(); // motion_vectors_over_pic_boundaries_flag
            in.readUe(); // max_bytes_per_pic_denom
            in.readUe(); // max_bits_per_mb_denom
            in.readUe(); // log2_max_mv_length_horizontal
            in.readUe(); // log2_max_mv_length_vertical
            in.readUe(); // max_num_reorder_frames
            in.readUe(); // max_dec_frame_buffering
        }
        return frameRate;
    }

    /** hrd_parameters() (E.1.2). */
    private static void skipHrdParameters(BitReader in) throws ProtocolException {
        int cpbCount = in.readUe(MAX_CPB_CNT_MINUS_1, "cpb_cnt_minus1") + 1;
        in.skipBits(2 * HRD_SCALE_FIELD_BITS); // bit_rate_scale, cpb_size_scale
        for (int i = 0; i < cpbCount; i++) {
            in.readUe(); // bit_rate_value_minus1
            in.readUe(); // cpb_size_value_minus1
            in.readFlag(); // cbr_flag
        }
        // initial_cpb_removal_delay_length_minus1, cpb_removal_delay_length_minus1,
        // dpb_output_delay_length_minus1, time_offset_length
        in.skipBits(HRD_LENGTH_FIELDS * HRD_LENGTH_FIELD_BITS);
    }
}
