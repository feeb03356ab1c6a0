package dev.rtmpserver.wire.media;

/**
 * A video codec as signalled by an FLV/RTMP video tag: either a legacy CodecID (FLV spec v10.1,
 * Annex E.4.3.1) or an Enhanced RTMP FourCC.
 */
public enum VideoCodec {
    SORENSON_H263("Sorenson H.263", 2, null),
    SCREEN_VIDEO("Screen Video", 3, null),
    VP6("VP6", 4, null),
    VP6_ALPHA("VP6 with alpha", 5, null),
    SCREEN_VIDEO_2("Screen Video 2", 6, null),
    AVC("H.264", 7, "avc1"),
    HEVC("H.265", VideoCodec.NO_CODEC_ID, "hvc1"),
    AV1("AV1", VideoCodec.NO_CODEC_ID, "av01"),
    VP9("VP9", VideoCodec.NO_CODEC_ID, "vp09"),
    UNKNOWN("unknown", VideoCodec.NO_CODEC_ID, null);

    /** For codecs that only Enhanced RTMP can signal, by FourCC. */
    public static final int NO_CODEC_ID = -1;
    /** For codecs that only the legacy CodecID can signal. */
    public static final int NO_FOURCC = 0;

    private static final VideoCodec[] VALUES = values();

    private final String displayName;
    private final int codecId;
    private final int fourCc;

    VideoCodec(String displayName, int codecId, String fourCc) {
        this.displayName = displayName;
        this.codecId = codecId;
        this.fourCc = fourCc == null ? NO_FOURCC : TagBytes.fourCc(fourCc);
    }

    /** The name people use for it in logs, e.g. "H.264". */
    public String displayName() {
        return displayName;
    }

    /** The legacy FLV CodecID, or {@link #NO_CODEC_ID}. */
    public int codecId() {
        return codecId;
    }

    /** The Enhanced RTMP FourCC as a big-endian int, or {@link #NO_FOURCC}. */
    public int fourCc() {
        return fourCc;
    }

    /** The codec for a legacy CodecID (the low nibble of the first tag byte); UNKNOWN if reserved. */
    public static VideoCodec fromCodecId(int codecId) {
        for (VideoCodec codec : VALUES) {
            if (codec.codecId == codecId && codecId != NO_CODEC_ID) {
                return codec;
            }
        }
        return UNKNOWN;
    }

    /** The codec for an Enhanced RTMP FourCC; UNKNOWN for FourCCs this server does not name. */
    public static VideoCodec fromFourCc(int fourCc) {
        for (VideoCodec codec : VALUES) {
            if (codec.fourCc == fourCc && fourCc != NO_FOURCC) {
                return codec;
            }
        }
        return UNKNOWN;
    }

    /**
     * Whether Enhanced RTMP CodedFrames packets of this codec carry an SI24 composition time
     * offset; the spec gives one only to the NAL-unit codecs, whose frames may be reordered.
     */
    boolean hasCompositionTime() {
        return this == AVC || this == HEVC;
    }
}
