package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Objects;

/**
 * The picture format from an HEVC sequence parameter set (ITU-T H.265 §7.3.2.2.1): chroma format,
 * displayed size and bit depth. Parsing stops after bit_depth_chroma_minus8, the last field
 * reported; the decoder configuration record already carries everything after it that matters here.
 *
 * @param chromaFormatIdc chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4
 * @param width           pic_width_in_luma_samples less the conformance window
 * @param height          pic_height_in_luma_samples less the conformance window
 * @param bitDepth        bit_depth_luma_minus8 + 8
 */
public record HevcSpsInfo(int chromaFormatIdc, int width, int height, int bitDepth) {

    private static final String STRUCTURE = "HEVC SPS";
    private static final int NAL_HEADER_LENGTH = 2;
    private static final int NAL_FORBIDDEN_ZERO_BIT = 0x80;
    private static final int NAL_UNIT_TYPE_SHIFT = 1;
    private static final int NAL_UNIT_TYPE_MASK = 0x3F;
    private static final int NAL_UNIT_TYPE_SPS = 33;

    private static final int VPS_ID_BITS = 4;
    private static final int MAX_SUB_LAYERS_MINUS1_BITS = 3;
    /** sps_max_sub_layers_minus1 is at most 6 (§7.4.3.2.1). */
    private static final int MAX_SUB_LAYERS_MINUS1 = 6;
    /** Sub-layer flag pairs are padded to eight entries once there is more than one layer (§7.3.3). */
    private static final int SUB_LAYER_FLAG_SLOTS = 8;
    private static final int RESERVED_ZERO_2BITS = 2;
    /** general_profile_space through general_inbld_flag/reserved bit: the general profile fields. */
    private static final int PROFILE_FIELDS_BITS = 88;
    private static final int LEVEL_IDC_BITS = 8;
    private static final int MAX_SPS_ID = 15;
    private static final int CHROMA_FORMAT_420 = 1;
    private static final int CHROMA_FORMAT_422 = 2;
    private static final int CHROMA_FORMAT_444 = 3;
    private static final int MAX_BIT_DEPTH_MINUS_8 = 8;
    private static final int MIN_BIT_DEPTH = 8;
    /**
     * Level 6.2's MaxLumaPs allows sides up to sqrt(8 * 35 651 584) = 16 888 samples (Table A.8);
     * 65 535 leaves headroom while keeping sizes far from int overflow.
     */
    private static final int MAX_SIDE = 65_535;
    /** 4:2:0 halves chroma both ways and 4:2:2 horizontally (SubWidthC, SubHeightC, Table 6-1). */
    private static final int CHROMA_SUBSAMPLING = 2;

    /**
     * Parses one SPS NAL unit, its two header bytes included (as it is stored in an
     * HEVCDecoderConfigurationRecord), emulation-prevention bytes still in.
     */
    public static HevcSpsInfo parse(byte[] nal, int offset, int length) throws ProtocolException {
        Objects.checkFromIndexSize(offset, length, nal.length);
        if (length < NAL_HEADER_LENGTH) {
            throw new ProtocolException(STRUCTURE + " is truncated: " + length + " bytes");
        }
        int header = Byte.toUnsignedInt(nal[offset]);
        int nalUnitType = (header >>> NAL_UNIT_TYPE_SHIFT) & NAL_UNIT_TYPE_MASK;
        if ((header & NAL_FORBIDDEN_ZERO_BIT) != 0 || nalUnitType != NAL_UNIT_TYPE_SPS) {
            throw new ProtocolException("not an HEVC SPS NAL unit: header byte 0x" + Integer.toHexString(header));
        }
        BitReader in = BitReader.ofRbsp(nal, offset + NAL_HEADER_LENGTH, length - NAL_HEADER_LENGTH, STRUCTURE);
        in.readBits(VPS_ID_BITS); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = in.readBits(MAX_SUB_LAYERS_MINUS1_BITS);
        if (maxSubLayersMinus1 > MAX_SUB_LAYERS_MINUS1) {
            throw new ProtocolException(STRUCTURE + ": sps_max_sub_layers_minus1 is " + maxSubLayersMinus1);
        }
        in.readFlag(); // sps_temporal_id_nesting_flag
        skipProfileTierLevel(in, maxSubLayersMinus1);
        in.readUe(MAX_SPS_ID, "sps_seq_parameter_set_id");
        int chromaFormatIdc = in.readUe(CHROMA_FORMAT_444, "chroma_format_idc");
        boolean separateColourPlanes = chromaFormatIdc == CHROMA_FORMAT_444 && in.readFlag();
        int width = in.readUe(MAX_SIDE, "pic_width_in_luma_samples");
        int height = in.readUe(MAX_SIDE, "pic_height_in_luma_samples");
        if (in.readFlag()) {
            // Window offsets count chroma samples (§7.4.3.2.1): one spans SubWidthC/SubHeightC luma
            // samples, and one luma sample when the colour planes are coded separately (ChromaArrayType 0).
            int subWidthC = 1;
            int subHeightC = 1;
            if (!separateColourPlanes && (chromaFormatIdc == CHROMA_FORMAT_420 || chromaFormatIdc == CHROMA_FORMAT_422)) {
                subWidthC = CHROMA_SUBSAMPLING;
            }
            if (!separateColourPlanes && chromaFormatIdc == CHROMA_FORMAT_420) {
                subHeightC = CHROMA_SUBSAMPLING;
            }
            long left = in.readUe();
            long right = in.readUe();
            long top = in.readUe();
            long bottom = in.readUe();
            width = croppedSize(width, subWidthC, left, right, "horizontal");
            height = croppedSize(height, subHeightC, top, bottom, "vertical");
        } else if (width == 0 || height == 0) {
            throw new ProtocolException(STRUCTURE + " declares an empty " + width + "x" + height + " picture");
        }
        int bitDepth = in.readUe(MAX_BIT_DEPTH_MINUS_8, "bit_depth_luma_minus8") + MIN_BIT_DEPTH;
        in.readUe(MAX_BIT_DEPTH_MINUS_8, "bit_depth_chroma_minus8");
        return new HevcSpsInfo(chromaFormatIdc, width, height, bitDepth);
    }

    /** profile_tier_level(1, sps_max_sub_layers_minus1) (§7.3.3): nothing in it is reported from here. */
    private static void skipProfileTierLevel(BitReader in, int maxSubLayersMinus1) throws ProtocolException {
        in.skipBits(PROFILE_FIELDS_BITS + LEVEL_IDC_BITS);
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = in.readFlag();
            levelPresent[i] = in.readFlag();
        }
        if (maxSubLayersMinus1 > 0) {
            in.skipBits((long) (SUB_LAYER_FLAG_SLOTS - maxSubLayersMinus1) * RESERVED_ZERO_2BITS);
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                in.skipBits(PROFILE_FIELDS_BITS);
            }
            if (levelPresent[i]) {
                in.skipBits(LEVEL_IDC_BITS);
            }
        }
    }

    private static int croppedSize(int size, int unit, long before, long after, String direction)
            throws ProtocolException {
        // Offsets are up to 2^32 - 2 each, so the arithmetic stays in long until checked.
        long cropped = size - unit * (before + after);
        if (cropped <= 0) {
            throw new ProtocolException(STRUCTURE + " " + direction + " conformance window (" + before + " + "
                    + after + " units of " + unit + ") leaves nothing of " + size + " samples");
        }
        return (int) cropped;
    }
}
