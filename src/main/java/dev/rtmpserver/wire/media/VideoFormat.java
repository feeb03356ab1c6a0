package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

/**
 * What a non-H.264 decoder configuration says about the picture, in the words people use for it,
 * so the log line and the HTTP API describe HEVC, AV1 and VP9 alike.
 *
 * @param profile  the profile's name, e.g. "Main 10" or "Profile 0"
 * @param level    the level, e.g. "4.1"; null when the record leaves it unspecified
 * @param tier     "Main" or "High"; null for codecs without tiers (VP9)
 * @param width    luma width in pixels after cropping; 0 when the record does not say
 * @param height   luma height in pixels after cropping; 0 when the record does not say
 * @param bitDepth bits per luma sample
 * @param chroma   the chroma format, e.g. "4:2:0", or "4:0:0" for monochrome
 */
public record VideoFormat(String profile, String level, String tier, int width, int height, int bitDepth,
                          String chroma) {

    /** chroma_format_idc values, as H.264 and HEVC number them. */
    static final int CHROMA_400 = 0;
    static final int CHROMA_420 = 1;
    static final int CHROMA_422 = 2;
    static final int CHROMA_444 = 3;
    private static final String[] CHROMA_NAMES = {"4:0:0", "4:2:0", "4:2:2", "4:4:4"};

    /**
     * Parses the decoder configuration of an Enhanced RTMP SequenceStart occupying
     * {@code data[offset .. offset + length)}.
     *
     * @throws IllegalArgumentException for a codec whose configuration is not described here
     */
    public static VideoFormat parse(VideoCodec codec, byte[] data, int offset, int length)
            throws ProtocolException {
        return switch (codec) {
            case HEVC -> HevcDecoderConfig.parse(data, offset, length).format();
            case AV1 -> Av1CodecConfig.parse(data, offset, length).format();
            case VP9 -> Vp9CodecConfig.parse(data, offset, length).format();
            default -> throw new IllegalArgumentException("no video format parser for " + codec);
        };
    }

    /** Whether {@link #parse} understands this codec's configuration. */
    public static boolean describes(VideoCodec codec) {
        return codec == VideoCodec.HEVC || codec == VideoCodec.AV1 || codec == VideoCodec.VP9;
    }

    /** The H.264/HEVC chroma_format_idc numbering: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
    static String chromaName(int chromaFormatIdc) {
        return CHROMA_NAMES[chromaFormatIdc];
    }

    /** E.g. " Main 4.1 Main-tier 1920x1080 8-bit 4:2:0", as the log line continues the codec name. */
    String summary() {
        StringBuilder line = new StringBuilder().append(' ').append(profile);
        if (level != null) {
            line.append(' ').append(level);
        }
        if (tier != null) {
            line.append(' ').append(tier).append("-tier");
        }
        if (width > 0) {
            line.append(' ').append(width).append('x').append(height);
        }
        return line.append(' ').append(bitDepth).append("-bit ").append(chroma).toString();
    }
}
