package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Objects;

/**
 * An HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1), the body of an Enhanced RTMP
 * 'hvc1' SequenceStart, with the picture size taken from its first SPS: the record itself has no
 * size field.
 *
 * @param profileIdc    general_profile_idc (1 Main, 2 Main 10, 4 Range Extensions, ...)
 * @param highTier      general_tier_flag
 * @param levelIdc      general_level_idc, thirty times the level number (123 is level 4.1)
 * @param chromaFormat  chromaFormat, numbered as chroma_format_idc (1 is 4:2:0)
 * @param bitDepth      bitDepthLumaMinus8 + 8
 * @param nalLengthSize bytes in each NAL unit length prefix of the coded frames: 1, 2 or 4
 * @param width         luma width after the SPS conformance window; 0 when the record has no SPS
 * @param height        luma height after the SPS conformance window; 0 when the record has no SPS
 */
public record HevcDecoderConfig(int profileIdc, boolean highTier, int levelIdc, int chromaFormat, int bitDepth,
                                int nalLengthSize, int width, int height) {

    private static final String STRUCTURE = "HEVC decoder configuration";
    private static final int CONFIGURATION_VERSION = 1;
    /** Everything up to and including numOfArrays. */
    private static final int FIXED_HEADER_LENGTH = 23;
    private static final int PROFILE_OFFSET = 1;
    private static final int LEVEL_OFFSET = 12;
    private static final int CHROMA_FORMAT_OFFSET = 16;
    private static final int BIT_DEPTH_LUMA_OFFSET = 17;
    private static final int LENGTH_SIZE_OFFSET = 21;
    private static final int ARRAY_COUNT_OFFSET = 22;
    private static final int TIER_FLAG = 0x20;
    private static final int PROFILE_IDC_MASK = 0x1F;
    private static final int TWO_BIT_MASK = 0x03;
    private static final int BIT_DEPTH_MASK = 0x07;
    private static final int MIN_BIT_DEPTH = 8;
    /** lengthSizeMinusOne may only be 0, 1 or 3; a 3-byte prefix is not allowed. */
    private static final int FORBIDDEN_NAL_LENGTH_SIZE = 3;
    private static final int NAL_UNIT_TYPE_MASK = 0x3F;
    private static final int NAL_UNIT_TYPE_SPS = 33;
    /** array_completeness and NAL_unit_type, then numNalus. */
    private static final int ARRAY_HEADER_LENGTH = 3;
    private static final int NAL_LENGTH_FIELD = 2;
    private static final int LEVEL_IDC_PER_LEVEL = 30;
    private static final int LEVEL_IDC_PER_MINOR = 3;

    private static final int PROFILE_MAIN = 1;
    private static final int PROFILE_MAIN_10 = 2;
    private static final int PROFILE_MAIN_STILL_PICTURE = 3;
    private static final int PROFILE_RANGE_EXTENSIONS = 4;
    private static final int PROFILE_HIGH_THROUGHPUT = 5;
    private static final int PROFILE_MULTIVIEW_MAIN = 6;
    private static final int PROFILE_SCALABLE_MAIN = 7;
    private static final int PROFILE_3D_MAIN = 8;
    private static final int PROFILE_SCREEN_CONTENT = 9;
    private static final int PROFILE_SCALABLE_RANGE_EXTENSIONS = 10;
    private static final int PROFILE_HIGH_THROUGHPUT_SCREEN_CONTENT = 11;

    /**
     * Parses a record occupying {@code data[offset .. offset + length)}, e.g. a video tag payload
     * from its {@link VideoTag#dataOffset()}. Every array is walked, so a record whose lengths
     * disagree with its size fails even when its first SPS parses.
     */
    public static HevcDecoderConfig parse(byte[] data, int offset, int length) throws ProtocolException {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < FIXED_HEADER_LENGTH) {
            throw new ProtocolException(STRUCTURE + " is truncated: " + length + " bytes");
        }
        int version = TagBytes.u8(data, offset);
        if (version != CONFIGURATION_VERSION) {
            throw new ProtocolException(STRUCTURE + " version " + version + " is not " + CONFIGURATION_VERSION);
        }
        int nalLengthSize = (TagBytes.u8(data, offset + LENGTH_SIZE_OFFSET) & TWO_BIT_MASK) + 1;
        if (nalLengthSize == FORBIDDEN_NAL_LENGTH_SIZE) {
            throw new ProtocolException(STRUCTURE + " declares 3-byte NAL unit lengths");
        }
        int profileByte = TagBytes.u8(data, offset + PROFILE_OFFSET);
        int end = offset + length;
        int arrays = TagBytes.u8(data, offset + ARRAY_COUNT_OFFSET);
        int pos = offset + FIXED_HEADER_LENGTH;
        HevcSpsInfo sps = null;
        for (int i = 0; i < arrays; i++) {
            if (end - pos < ARRAY_HEADER_LENGTH) {
                throw new ProtocolException(STRUCTURE + " is truncated before array " + i + " of " + arrays);
            }
            int nalUnitType = TagBytes.u8(data, pos) & NAL_UNIT_TYPE_MASK;
            int nalus = TagBytes.u16(data, pos + 1);
            pos += ARRAY_HEADER_LENGTH;
            for (int j = 0; j < nalus; j++) {
                if (end - pos < NAL_LENGTH_FIELD) {
                    throw new ProtocolException(STRUCTURE + " is truncated before NAL unit " + j + " of type "
                            + nalUnitType);
                }
                int nalLength = TagBytes.u16(data, pos);
                pos += NAL_LENGTH_FIELD;
                if (nalLength == 0) {
                    throw new ProtocolException(STRUCTURE + " has an empty NAL unit of type " + nalUnitType);
                }
                if (nalLength > end - pos) {
                    throw new ProtocolException(STRUCTURE + " claims a " + nalLength + "-byte NAL unit but only "
                            + (end - pos) + " bytes remain");
                }
                if (sps == null && nalUnitType == NAL_UNIT_TYPE_SPS) {
                    sps = HevcSpsInfo.parse(data, pos, nalLength);
                }
                pos += nalLength;
            }
        }
        return new HevcDecoderConfig(profileByte & PROFILE_IDC_MASK, (profileByte & TIER_FLAG) != 0,
                TagBytes.u8(data, offset + LEVEL_OFFSET),
                TagBytes.u8(data, offset + CHROMA_FORMAT_OFFSET) & TWO_BIT_MASK,
                (TagBytes.u8(data, offset + BIT_DEPTH_LUMA_OFFSET) & BIT_DEPTH_MASK) + MIN_BIT_DEPTH,
                nalLengthSize, sps == null ? 0 : sps.width(), sps == null ? 0 : sps.height());
    }

    /** The profile's name per H.265 Annex A, e.g. "Main 10". */
    public String profileName() {
        return switch (profileIdc) {
            case PROFILE_MAIN -> "Main";
            case PROFILE_MAIN_10 -> "Main 10";
            case PROFILE_MAIN_STILL_PICTURE -> "Main Still Picture";
            case PROFILE_RANGE_EXTENSIONS -> "Range Extensions";
            case PROFILE_HIGH_THROUGHPUT -> "High Throughput";
            case PROFILE_MULTIVIEW_MAIN -> "Multiview Main";
            case PROFILE_SCALABLE_MAIN -> "Scalable Main";
            case PROFILE_3D_MAIN -> "3D Main";
            case PROFILE_SCREEN_CONTENT -> "Screen Content";
            case PROFILE_SCALABLE_RANGE_EXTENSIONS -> "Scalable Range Extensions";
            case PROFILE_HIGH_THROUGHPUT_SCREEN_CONTENT -> "High Throughput Screen Content";
            default -> "profile " + profileIdc;
        };
    }

    /** The level as Table A.8 writes it: "4", "4.1"; general_level_idc is thirty times it. */
    public String levelName() {
        int major = levelIdc / LEVEL_IDC_PER_LEVEL;
        int minor = levelIdc % LEVEL_IDC_PER_LEVEL / LEVEL_IDC_PER_MINOR;
        return minor == 0 ? Integer.toString(major) : major + "." + minor;
    }

    public VideoFormat format() {
        return new VideoFormat(profileName(), levelName(), highTier ? "High" : "Main", width, height, bitDepth,
                VideoFormat.chromaName(chromaFormat));
    }
}
