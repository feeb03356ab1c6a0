package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An AVCDecoderConfigurationRecord (ISO/IEC 14496-15, AVC decoder configuration), the body of an H.264
 * sequence header. Bytes after the picture parameter sets (the optional High-profile chroma and
 * bit-depth extension) are ignored: the SPS states the same facts.
 *
 * <p>The constructor copies the parameter sets, and the accessors return those copies: callers
 * must treat the arrays as read-only.
 *
 * @param profile       AVCProfileIndication, the SPS profile_idc
 * @param compatibility profile_compatibility, the SPS constraint_set flags byte
 * @param level         AVCLevelIndication, the SPS level_idc
 * @param nalLengthSize bytes in each NAL unit length prefix of the coded frames: 1, 2 or 4
 * @param sps           the sequence parameter set NAL units, header byte included
 * @param pps           the picture parameter set NAL units, header byte included
 */
public record AvcDecoderConfig(int profile, int compatibility, int level, int nalLengthSize, List<byte[]> sps,
                               List<byte[]> pps) {

    private static final int CONFIGURATION_VERSION = 1;
    /** configurationVersion, profile, compatibility, level, lengthSizeMinusOne, numOfSPS. */
    private static final int FIXED_HEADER_LENGTH = 6;
    private static final int VERSION_OFFSET = 0;
    private static final int PROFILE_OFFSET = 1;
    private static final int COMPATIBILITY_OFFSET = 2;
    private static final int LEVEL_OFFSET = 3;
    private static final int LENGTH_SIZE_OFFSET = 4;
    private static final int SPS_COUNT_OFFSET = 5;
    private static final int LENGTH_SIZE_MINUS_ONE_MASK = 0x03;
    private static final int SPS_COUNT_MASK = 0x1F;
    /** lengthSizeMinusOne may only be 0, 1 or 3; a 3-byte prefix is not allowed. */
    private static final int FORBIDDEN_NAL_LENGTH_SIZE = 3;
    private static final int PARAMETER_SET_LENGTH_FIELD = 2;
    private static final int PPS_COUNT_LENGTH = 1;

    public AvcDecoderConfig {
        sps = copyOf(sps);
        pps = copyOf(pps);
    }

    /**
     * Parses a record occupying {@code data[offset .. offset + length)}, e.g. a video tag payload
     * from its {@link VideoTag#dataOffset()}.
     */
    public static AvcDecoderConfig parse(byte[] data, int offset, int length) throws ProtocolException {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < FIXED_HEADER_LENGTH) {
            throw new ProtocolException("AVC decoder configuration is truncated: " + length + " bytes");
        }
        int version = TagBytes.u8(data, offset + VERSION_OFFSET);
        if (version != CONFIGURATION_VERSION) {
            throw new ProtocolException("AVC decoder configuration version " + version + " is not "
                    + CONFIGURATION_VERSION);
        }
        int nalLengthSize = (TagBytes.u8(data, offset + LENGTH_SIZE_OFFSET) & LENGTH_SIZE_MINUS_ONE_MASK) + 1;
        if (nalLengthSize == FORBIDDEN_NAL_LENGTH_SIZE) {
            throw new ProtocolException("AVC decoder configuration declares 3-byte NAL unit lengths");
        }
        int end = offset + length;
        int spsCount = TagBytes.u8(data, offset + SPS_COUNT_OFFSET) & SPS_COUNT_MASK;
        List<byte[]> sps = new ArrayList<>(spsCount);
        int pos = readParameterSets(data, offset + FIXED_HEADER_LENGTH, end, spsCount, sps, "SPS");
        if (end - pos < PPS_COUNT_LENGTH) {
            throw new ProtocolException("AVC decoder configuration is truncated before its PPS count");
        }
        int ppsCount = TagBytes.u8(data, pos);
        List<byte[]> pps = new ArrayList<>(ppsCount);
        readParameterSets(data, pos + PPS_COUNT_LENGTH, end, ppsCount, pps, "PPS");
        return new AvcDecoderConfig(TagBytes.u8(data, offset + PROFILE_OFFSET),
                TagBytes.u8(data, offset + COMPATIBILITY_OFFSET), TagBytes.u8(data, offset + LEVEL_OFFSET),
                nalLengthSize, sps, pps);
    }

    /** The profile name, e.g. "High" or "Constrained Baseline". */
    public String profileName() {
        return SpsInfo.profileName(profile, compatibility);
    }

    /** The level, e.g. "3.1". */
    public String levelName() {
        return SpsInfo.levelName(profile, compatibility, level);
    }

    /** Compares parameter sets by content: the record's default would compare array identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AvcDecoderConfig other
                && profile == other.profile
                && compatibility == other.compatibility
                && level == other.level
                && nalLengthSize == other.nalLengthSize
                && Arrays.deepEquals(sps.toArray(), other.sps.toArray())
                && Arrays.deepEquals(pps.toArray(), other.pps.toArray());
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, compatibility, level, nalLengthSize, Arrays.deepHashCode(sps.toArray()),
                Arrays.deepHashCode(pps.toArray()));
    }

    @Override
    public String toString() {
        return "AvcDecoderConfig[profile=" + profile + ", compatibility=" + compatibility + ", level=" + level
                + ", nalLengthSize=" + nalLengthSize + ", sps=" + hex(sps) + ", pps=" + hex(pps) + "]";
    }

    private static int readParameterSets(byte[] data, int pos, int end, int count, List<byte[]> out,
                                         String kind) throws ProtocolException {
        for (int i = 0; i < count; i++) {
            if (end - pos < PARAMETER_SET_LENGTH_FIELD) {
                throw new ProtocolException("AVC decoder configuration is truncated before " + kind + " " + i
                        + " of " + count);
            }
            int length = TagBytes.u16(data, pos);
            pos += PARAMETER_SET_LENGTH_FIELD;
            if (length == 0) {
                throw new ProtocolException("AVC decoder configuration has an empty " + kind);
            }
            if (length > end - pos) {
                throw new ProtocolException("AVC decoder configuration claims a " + length + "-byte " + kind
                        + " but only " + (end - pos) + " bytes remain");
            }
            out.add(Arrays.copyOfRange(data, pos, pos + length));
            pos += length;
        }
        return pos;
    }

    private static List<byte[]> copyOf(List<byte[]> sets) {
        List<byte[]> copy = new ArrayList<>(sets.size());
        for (byte[] set : sets) {
            copy.add(set.clone());
        }
        return List.copyOf(copy);
    }

    private static List<String> hex(List<byte[]> sets) {
        HexFormat format = HexFormat.of();
        return sets.stream().map(format::formatHex).toList();
    }
}
