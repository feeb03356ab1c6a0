package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Objects;

/**
 * A VP9 codec configuration (VP Codec ISO Media File Format Binding, "VP Codec Configuration
 * Box"), the body of an Enhanced RTMP 'vp09' SequenceStart. FFmpeg writes it there as the whole
 * vpcC box content: version 1 and 24 flag bits, then the VPCodecConfigurationRecord. The record
 * has no picture size; that would take the first keyframe's uncompressed header.
 *
 * @param profile           profile, 0 to 3
 * @param level             level, ten times the level number (31 is level 3.1); 0 when unspecified
 * @param bitDepth          8, 10 or 12
 * @param chromaSubsampling 0 and 1 are 4:2:0 (chroma sited differently), 2 is 4:2:2, 3 is 4:4:4
 * @param fullRange         videoFullRangeFlag
 */
public record Vp9CodecConfig(int profile, int level, int bitDepth, int chromaSubsampling, boolean fullRange) {

    private static final String STRUCTURE = "VP9 codec configuration";
    private static final int VERSION = 1;
    /** version, flags, profile, level, bitDepth/chromaSubsampling/videoFullRangeFlag, three colour
     * fields, codecInitializationDataSize. */
    private static final int FIXED_LENGTH = 12;
    private static final int PROFILE_OFFSET = 4;
    private static final int LEVEL_OFFSET = 5;
    private static final int FORMAT_OFFSET = 6;
    private static final int INIT_DATA_SIZE_OFFSET = 10;
    private static final int MAX_PROFILE = 3;
    private static final int EIGHT_BIT = 8;
    private static final int TEN_BIT = 10;
    private static final int TWELVE_BIT = 12;
    private static final int BIT_DEPTH_SHIFT = 4;
    private static final int CHROMA_SHIFT = 1;
    private static final int CHROMA_MASK = 0x07;
    private static final int FULL_RANGE_FLAG = 0x01;
    private static final int CHROMA_422 = 2;
    private static final int CHROMA_444 = 3;
    private static final int LEVEL_PER_MAJOR = 10;

    /**
     * Parses a configuration occupying {@code data[offset .. offset + length)}, e.g. a video tag
     * payload from its {@link VideoTag#dataOffset()}; it must end with its codec initialization data.
     */
    public static Vp9CodecConfig parse(byte[] data, int offset, int length) throws ProtocolException {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length < FIXED_LENGTH) {
            throw new ProtocolException(STRUCTURE + " is truncated: " + length + " bytes");
        }
        int version = TagBytes.u8(data, offset);
        if (version != VERSION) {
            throw new ProtocolException(STRUCTURE + " version " + version + " is not " + VERSION);
        }
        int profile = TagBytes.u8(data, offset + PROFILE_OFFSET);
        if (profile > MAX_PROFILE) {
            throw new ProtocolException(STRUCTURE + ": profile " + profile + " is not a VP9 profile");
        }
        int format = TagBytes.u8(data, offset + FORMAT_OFFSET);
        int bitDepth = format >>> BIT_DEPTH_SHIFT;
        if (bitDepth != EIGHT_BIT && bitDepth != TEN_BIT && bitDepth != TWELVE_BIT) {
            throw new ProtocolException(STRUCTURE + ": bit depth " + bitDepth + " is not 8, 10 or 12");
        }
        int chroma = (format >>> CHROMA_SHIFT) & CHROMA_MASK;
        if (chroma > CHROMA_444) {
            throw new ProtocolException(STRUCTURE + ": chromaSubsampling " + chroma + " is reserved");
        }
        int initDataSize = TagBytes.u16(data, offset + INIT_DATA_SIZE_OFFSET);
        if (initDataSize != length - FIXED_LENGTH) {
            throw new ProtocolException(STRUCTURE + " claims " + initDataSize
                    + " bytes of codec initialization data but " + (length - FIXED_LENGTH) + " follow");
        }
        return new Vp9CodecConfig(profile, TagBytes.u8(data, offset + LEVEL_OFFSET), bitDepth, chroma,
                (format & FULL_RANGE_FLAG) != 0);
    }

    public String profileName() {
        return "Profile " + profile;
    }

    /** The level as VP9's level table writes it, e.g. "3.1" or "2"; null when unspecified. */
    public String levelName() {
        if (level == 0) {
            return null;
        }
        int major = level / LEVEL_PER_MAJOR;
        int minor = level % LEVEL_PER_MAJOR;
        return minor == 0 ? Integer.toString(major) : major + "." + minor;
    }

    public String chromaName() {
        return VideoFormat.chromaName(switch (chromaSubsampling) {
            case CHROMA_422 -> VideoFormat.CHROMA_422;
            case CHROMA_444 -> VideoFormat.CHROMA_444;
            default -> VideoFormat.CHROMA_420;
        });
    }

    /** VP9 has no tiers, and its configuration no picture size. */
    public VideoFormat format() {
        return new VideoFormat(profileName(), levelName(), null, 0, 0, bitDepth, chromaName());
    }
}
