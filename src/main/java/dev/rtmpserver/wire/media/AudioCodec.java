package dev.rtmpserver.wire.media;

/**
 * An audio codec as signalled by an FLV/RTMP audio tag: either a legacy SoundFormat (FLV spec
 * v10.1, Annex E.4.2.1) or, when SoundFormat is 9, an Enhanced RTMP audio FourCC.
 */
public enum AudioCodec {
    LINEAR_PCM_PLATFORM("Linear PCM (platform endian)", 0, null),
    ADPCM("ADPCM", 1, null),
    MP3("MP3", 2, ".mp3"),
    LINEAR_PCM_LE("Linear PCM (little endian)", 3, null),
    NELLYMOSER_16K("Nellymoser 16 kHz mono", 4, null),
    NELLYMOSER_8K("Nellymoser 8 kHz mono", 5, null),
    NELLYMOSER("Nellymoser", 6, null),
    G711_ALAW("G.711 A-law", 7, null),
    G711_MULAW("G.711 mu-law", 8, null),
    AAC("AAC", 10, "mp4a"),
    SPEEX("Speex", 11, null),
    MP3_8K("MP3 8 kHz", 14, null),
    DEVICE_SPECIFIC("device-specific", 15, null),
    OPUS("Opus", AudioCodec.NO_SOUND_FORMAT, "Opus"),
    FLAC("FLAC", AudioCodec.NO_SOUND_FORMAT, "fLaC"),
    AC3("AC-3", AudioCodec.NO_SOUND_FORMAT, "ac-3"),
    EAC3("E-AC-3", AudioCodec.NO_SOUND_FORMAT, "ec-3"),
    UNKNOWN("unknown", AudioCodec.NO_SOUND_FORMAT, null);

    /** For codecs that only Enhanced RTMP can signal, by FourCC. */
    public static final int NO_SOUND_FORMAT = -1;
    /** For codecs that only the legacy SoundFormat can signal. */
    public static final int NO_FOURCC = 0;

    private static final AudioCodec[] VALUES = values();

    private final String displayName;
    private final int soundFormat;
    private final int fourCc;

    AudioCodec(String displayName, int soundFormat, String fourCc) {
        this.displayName = displayName;
        this.soundFormat = soundFormat;
        this.fourCc = fourCc == null ? NO_FOURCC : TagBytes.fourCc(fourCc);
    }

    /** The name people use for it in logs, e.g. "AAC". */
    public String displayName() {
        return displayName;
    }

    /** The legacy FLV SoundFormat, or {@link #NO_SOUND_FORMAT}. */
    public int soundFormat() {
        return soundFormat;
    }

    /** The Enhanced RTMP FourCC as a big-endian int, or {@link #NO_FOURCC}. */
    public int fourCc() {
        return fourCc;
    }

    /**
     * The codec for a legacy SoundFormat (the high nibble of the first tag byte); UNKNOWN for the
     * reserved values and for 9, which is not a codec but the Enhanced RTMP escape.
     */
    public static AudioCodec fromSoundFormat(int soundFormat) {
        for (AudioCodec codec : VALUES) {
            if (codec.soundFormat == soundFormat && soundFormat != NO_SOUND_FORMAT) {
                return codec;
            }
        }
        return UNKNOWN;
    }

    /** The codec for an Enhanced RTMP audio FourCC; UNKNOWN for FourCCs this server does not name. */
    public static AudioCodec fromFourCc(int fourCc) {
        for (AudioCodec codec : VALUES) {
            if (codec.fourCc == fourCc && fourCc != NO_FOURCC) {
                return codec;
            }
        }
        return UNKNOWN;
    }
}
