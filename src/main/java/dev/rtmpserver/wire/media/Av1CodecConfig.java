package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Objects;

/**
 * An AV1CodecConfigurationRecord (AV1 Codec ISOBMFF Binding §2.3), the body of an Enhanced RTMP
 * 'av01' SequenceStart, with the maximum frame size taken from the sequence header OBU among its
 * configOBUs: the record itself has no size field.
 *
 * @param profile      seq_profile: 0 Main, 1 High, 2 Professional
 * @param levelIdx     seq_level_idx_0 (AV1 Annex A.3); 31 means no level constraint
 * @param highTier     seq_tier_0
 * @param bitDepth     8, 10 or 12, from high_bitdepth and twelve_bit
 * @param monochrome   mono_chrome
 * @param subsamplingX chroma_subsampling_x
 * @param subsamplingY chroma_subsampling_y
 * @param width        max_frame_width_minus_1 + 1; 0 when the record has no sequence header OBU
 * @param height       max_frame_height_minus_1 + 1; 0 when the record has no sequence header OBU
 */
public record Av1CodecConfig(int profile, int levelIdx, boolean highTier, int bitDepth, boolean monochrome,
                             boolean subsamplingX, boolean subsamplingY, int width, int height) {

    private static final String STRUCTURE = "AV1 codec configuration";
    private static final String SEQUENCE_HEADER = "AV1 sequence header";
    private static final int FIXED_HEADER_LENGTH = 4;
    private static final int MARKER_AND_VERSION = 0x81;
    private static final int PROFILE_SHIFT = 5;
    private static final int LEVEL_MASK = 0x1F;
    private static final int TIER_FLAG = 0x80;
    private static final int HIGH_BITDEPTH_FLAG = 0x40;
    private static final int TWELVE_BIT_FLAG = 0x20;
    private static final int MONOCHROME_FLAG = 0x10;
    private static final int SUBSAMPLING_X_FLAG = 0x08;
    private static final int SUBSAMPLING_Y_FLAG = 0x04;
    private static final int EIGHT_BIT = 8;
    private static final int TEN_BIT = 10;
    private static final int TWELVE_BIT = 12;
    private static final int PROFILE_MAIN = 0;
    private static final int PROFILE_HIGH = 1;
    private static final int MAX_PROFILE = 2;
    /** seq_level_idx 31 places no level constraint on the stream. */
    private static final int LEVEL_IDX_MAX_PARAMETERS = 31;
    /** Levels run 2.0, 2.1, 2.2, 2.3, 3.0, ...: four minor levels to each major one, from 2. */
    private static final int MINOR_LEVELS = 4;
    private static final int FIRST_MAJOR_LEVEL = 2;

    private static final int OBU_FORBIDDEN_BIT = 0x80;
    private static final int OBU_TYPE_SHIFT = 3;
    private static final int OBU_TYPE_MASK = 0x0F;
    private static final int OBU_EXTENSION_FLAG = 0x04;
    private static final int OBU_HAS_SIZE_FLAG = 0x02;
    private static final int OBU_TYPE_SEQUENCE_HEADER = 1;
    private static final int LEB128_MAX_BYTES = 8;
    private static final int LEB128_VALUE_BITS = 7;
    private static final int LEB128_VALUE_MASK = 0x7F;
    private static final int LEB128_MORE_FLAG = 0x80;

    private static final int SEQ_PROFILE_BITS = 3;
    private static final int SEQ_LEVEL_IDX_BITS = 5;
    /** Only levels above 3.3 (seq_level_idx 7) carry a seq_tier bit. */
    private static final int MAX_LEVEL_IDX_WITHOUT_TIER = 7;
    private static final int OPERATING_POINTS_CNT_BITS = 5;
    private static final int OPERATING_POINT_IDC_BITS = 12;
    private static final int TIMING_FIELD_BITS = 32;
    private static final int DELAY_LENGTH_BITS = 5;
    private static final int INITIAL_DISPLAY_DELAY_BITS = 4;
    private static final int FRAME_SIZE_BITS_BITS = 4;

    /**
     * Parses a record occupying {@code data[offset .. offset + length)}, e.g. a video tag payload
     * from its {@link VideoTag#dataOffset()}. Every configOBU is walked, so one whose size runs
     * past the record fails.
     */
    public static Av1CodecConfig parse(byte[] data, int offset, int length) throws ProtocolException {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < FIXED_HEADER_LENGTH) {
            throw new ProtocolException(STRUCTURE + " is truncated: " + length + " bytes");
        }
        int first = TagBytes.u8(data, offset);
        if (first != MARKER_AND_VERSION) {
            throw new ProtocolException(STRUCTURE + " starts 0x" + Integer.toHexString(first)
                    + ", not marker 1 and version 1");
        }
        int profile = TagBytes.u8(data, offset + 1) >>> PROFILE_SHIFT;
        if (profile > MAX_PROFILE) {
            throw new ProtocolException(STRUCTURE + ": seq_profile " + profile + " is reserved");
        }
        int levelIdx = TagBytes.u8(data, offset + 1) & LEVEL_MASK;
        int flags = TagBytes.u8(data, offset + 2);
        int bitDepth = EIGHT_BIT;
        if ((flags & HIGH_BITDEPTH_FLAG) != 0) {
            bitDepth = (flags & TWELVE_BIT_FLAG) != 0 ? TWELVE_BIT : TEN_BIT;
        }
        FrameSize size = null;
        int end = offset + length;
        int pos = offset + FIXED_HEADER_LENGTH;
        while (pos < end) {
            int header = TagBytes.u8(data, pos++);
            if ((header & OBU_FORBIDDEN_BIT) != 0) {
                throw new ProtocolException(STRUCTURE + ": OBU header 0x" + Integer.toHexString(header)
                        + " sets obu_forbidden_bit");
            }
            if ((header & OBU_HAS_SIZE_FLAG) == 0) {
                // The binding requires sized OBUs here; without a size the next one cannot be found.
                throw new ProtocolException(STRUCTURE + ": configOBU without obu_size");
            }
            if ((header & OBU_EXTENSION_FLAG) != 0) {
                if (pos >= end) {
                    throw new ProtocolException(STRUCTURE + " is truncated in an OBU extension header");
                }
                pos++;
            }
            long obuSize = 0;
            int sizeBytes = 0;
            int b;
            do {
                if (pos >= end || sizeBytes == LEB128_MAX_BYTES) {
                    throw new ProtocolException(STRUCTURE + " has a truncated or overlong obu_size");
                }
                b = TagBytes.u8(data, pos++);
                obuSize |= (long) (b & LEB128_VALUE_MASK) << (LEB128_VALUE_BITS * sizeBytes++);
            } while ((b & LEB128_MORE_FLAG) != 0);
            if (obuSize > end - pos) {
                throw new ProtocolException(STRUCTURE + " claims a " + obuSize + "-byte OBU but only "
                        + (end - pos) + " bytes remain");
            }
            if (size == null && ((header >>> OBU_TYPE_SHIFT) & OBU_TYPE_MASK) == OBU_TYPE_SEQUENCE_HEADER) {
                size = readMaxFrameSize(new BitReader(data, pos, (int) obuSize, SEQUENCE_HEADER));
            }
            pos += (int) obuSize;
        }
        return new Av1CodecConfig(profile, levelIdx, (flags & TIER_FLAG) != 0, bitDepth,
                (flags & MONOCHROME_FLAG) != 0, (flags & SUBSAMPLING_X_FLAG) != 0,
                (flags & SUBSAMPLING_Y_FLAG) != 0, size == null ? 0 : size.width(), size == null ? 0 : size.height());
    }

    /** The profile's name per AV1 Annex A.2. */
    public String profileName() {
        return switch (profile) {
            case PROFILE_MAIN -> "Main";
            case PROFILE_HIGH -> "High";
            default -> "Professional";
        };
    }

    /** The level as Annex A.3 writes it, e.g. "3.1"; null for seq_level_idx 31, which sets no limits. */
    public String levelName() {
        if (levelIdx == LEVEL_IDX_MAX_PARAMETERS) {
            return null;
        }
        return (FIRST_MAJOR_LEVEL + levelIdx / MINOR_LEVELS) + "." + levelIdx % MINOR_LEVELS;
    }

    /** Monochrome, or the subsampling pair named as a chroma format (4:2:0 halves both ways). */
    public String chromaName() {
        if (monochrome) {
            return VideoFormat.chromaName(VideoFormat.CHROMA_400);
        }
        if (subsamplingX) {
            return VideoFormat.chromaName(subsamplingY ? VideoFormat.CHROMA_420 : VideoFormat.CHROMA_422);
        }
        return VideoFormat.chromaName(VideoFormat.CHROMA_444);
    }

    public VideoFormat format() {
        return new VideoFormat(profileName(), levelName(), highTier ? "High" : "Main", width, height, bitDepth,
                chromaName());
    }

    private record FrameSize(int width, int height) {}

    /**
     * Reads sequence_header_obu() (AV1 §5.5.1) up to max_frame_height_minus_1; what follows it
     * describes coding tools, and the record already states the colour format.
     */
    private static FrameSize readMaxFrameSize(BitReader in) throws ProtocolException {
        in.readBits(SEQ_PROFILE_BITS);
        in.readFlag(); // still_picture
        if (in.readFlag()) {
            // reduced_still_picture_header: one operating point, its level, and nothing else before the size.
            in.readBits(SEQ_LEVEL_IDX_BITS);
        } else {
            boolean decoderModelInfoPresent = false;
            int bufferDelayLength = 0;
            if (in.readFlag()) { // timing_info_present_flag
                in.readBitsLong(TIMING_FIELD_BITS); // num_units_in_display_tick
                in.readBitsLong(TIMING_FIELD_BITS); // time_scale
                if (in.readFlag()) { // equal_picture_interval
                    in.readUe(); // num_ticks_per_picture_minus_1, uvlc() being Exp-Golomb by another name
                }
                decoderModelInfoPresent = in.readFlag();
                if (decoderModelInfoPresent) {
                    bufferDelayLength = in.readBits(DELAY_LENGTH_BITS) + 1;
                    in.readBitsLong(TIMING_FIELD_BITS); // num_units_in_decoding_tick
                    in.readBits(DELAY_LENGTH_BITS); // buffer_removal_time_length_minus_1
                    in.readBits(DELAY_LENGTH_BITS); // frame_presentation_time_length_minus_1
                }
            }
            boolean initialDisplayDelayPresent = in.readFlag();
            int operatingPoints = in.readBits(OPERATING_POINTS_CNT_BITS) + 1;
            for (int i = 0; i < operatingPoints; i++) {
                in.readBits(OPERATING_POINT_IDC_BITS);
                if (in.readBits(SEQ_LEVEL_IDX_BITS) > MAX_LEVEL_IDX_WITHOUT_TIER) {
                    in.readFlag(); // seq_tier
                }
                if (decoderModelInfoPresent && in.readFlag()) { // decoder_model_present_for_this_op
                    in.skipBits(2L * bufferDelayLength + 1); // both buffer delays, low_delay_mode_flag
                }
                if (initialDisplayDelayPresent && in.readFlag()) {
                    in.readBits(INITIAL_DISPLAY_DELAY_BITS);
                }
            }
        }
        int widthBits = in.readBits(FRAME_SIZE_BITS_BITS) + 1;
        int heightBits = in.readBits(FRAME_SIZE_BITS_BITS) + 1;
        return new FrameSize(in.readBits(widthBits) + 1, in.readBits(heightBits) + 1);
    }
}
