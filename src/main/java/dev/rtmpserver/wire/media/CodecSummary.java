package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Locale;

/**
 * One human-readable log line describing a stream's codecs, built from its sequence headers,
 * e.g. {@code "video H.264 High 3.1 1280x720 30 fps, audio AAC-LC 44100 Hz 2 ch"}.
 *
 * <p>Nothing here throws: a log line must not be able to end a publisher's session, so anything
 * unparsable is described as such instead.
 */
public final class CodecSummary {
    private static final String VIDEO = "video ";
    private static final String AUDIO = "audio ";
    private static final String SEPARATOR = ", ";
    /** Frame rates this close to a whole number print as one ("30 fps", not "30.00 fps"). */
    private static final double WHOLE_RATE_TOLERANCE = 0.005;

    private static final int NELLYMOSER_16K_RATE = 16000;
    private static final int EIGHT_KHZ_RATE = 8000;
    /** The FLV spec fixes Speex in FLV at 16 kHz mono whatever the header flags say. */
    private static final int SPEEX_RATE = 16000;
    private static final int MONO = 1;

    private CodecSummary() {
    }

    /**
     * Both headers in one line; either may be null when the stream has no such track.
     *
     * @param videoSequenceHeader a whole video message payload, normally a sequence header
     * @param audioSequenceHeader a whole audio message payload, normally a sequence header
     */
    public static String describe(byte[] videoSequenceHeader, byte[] audioSequenceHeader) {
        if (videoSequenceHeader == null && audioSequenceHeader == null) {
            return "no audio or video";
        }
        if (audioSequenceHeader == null) {
            return video(videoSequenceHeader);
        }
        if (videoSequenceHeader == null) {
            return audio(audioSequenceHeader);
        }
        return video(videoSequenceHeader) + SEPARATOR + audio(audioSequenceHeader);
    }

    /**
     * Describes a video message payload. For an H.264 sequence header this includes profile,
     * level, size and frame rate from its first SPS; for HEVC, AV1 and VP9 profile, level, tier,
     * size (where the configuration has one), bit depth and chroma format; for other codecs, or
     * other messages, only the codec is named.
     */
    public static String video(byte[] payload) {
        return video(payload, null);
    }

    /**
     * As {@link #video(byte[])}, with the picture size learnt elsewhere for a configuration that
     * has none (VP9's: see {@link Vp9FrameSize}).
     */
    public static String video(byte[] payload, Vp9FrameSize size) {
        VideoTag tag = VideoTag.parse(payload);
        if (tag.codec() == VideoCodec.UNKNOWN) {
            return VIDEO + "unknown codec";
        }
        String name = VIDEO + tag.codec().displayName();
        boolean described = tag.codec() == VideoCodec.AVC || VideoFormat.describes(tag.codec());
        if (!described || !tag.sequenceHeader()) {
            return name;
        }
        try {
            if (tag.codec() != VideoCodec.AVC) {
                return name + formatDetails(tag.codec(), payload, tag.dataOffset(), size);
            }
            return name + avcDetails(payload, tag.dataOffset());
        } catch (RuntimeException e) {
            // The parsers are meant never to fail this way; if one does, the line still gets logged.
            return name + " (unparsable sequence header)";
        }
    }

    /**
     * Describes an audio message payload. For an AAC sequence header this includes object type,
     * rate and channels from its AudioSpecificConfig; legacy formats report their header flags.
     */
    public static String audio(byte[] payload) {
        AudioTag tag = AudioTag.parse(payload);
        AudioCodec codec = tag.codec();
        if (codec == AudioCodec.UNKNOWN) {
            return AUDIO + "unknown codec";
        }
        if (codec == AudioCodec.AAC) {
            if (!tag.sequenceHeader()) {
                return AUDIO + codec.displayName();
            }
            try {
                AacConfig config = AacConfig.parse(payload, tag.dataOffset(), payload.length - tag.dataOffset());
                return AUDIO + config.objectTypeName() + rateAndChannels(config.sampleRate(), config.channels());
            } catch (ProtocolException | RuntimeException e) {
                return AUDIO + codec.displayName() + " (unparsable AudioSpecificConfig)";
            }
        }
        // An empty Opus sequence start is allowed: the decoder then defaults to mono or stereo.
        if (codec == AudioCodec.OPUS && tag.sequenceHeader() && tag.dataOffset() < payload.length) {
            try {
                OpusHead head = OpusHead.parse(payload, tag.dataOffset(), payload.length - tag.dataOffset());
                return AUDIO + codec.displayName() + rateAndChannels((int) head.inputSampleRate(), head.channels());
            } catch (ProtocolException e) {
                return AUDIO + codec.displayName() + " (unparsable OpusHead)";
            }
        }
        if (tag.soundRate() == 0) {
            // Enhanced RTMP: rate and channels live in a codec-specific header not parsed here.
            return AUDIO + codec.displayName();
        }
        return AUDIO + codec.displayName() + rateAndChannels(impliedRate(tag), impliedChannels(tag));
    }

    private static String formatDetails(VideoCodec codec, byte[] payload, int offset, Vp9FrameSize size) {
        try {
            VideoFormat f = VideoFormat.parse(codec, payload, offset, payload.length - offset);
            if (f.width() == 0 && size != null) {
                f = new VideoFormat(f.profile(), f.level(), f.tier(), size.width(), size.height(), f.bitDepth(),
                        f.chroma());
            }
            return f.summary();
        } catch (ProtocolException e) {
            return " (unparsable decoder configuration)";
        }
    }

    private static String avcDetails(byte[] payload, int offset) {
        AvcDecoderConfig config;
        try {
            config = AvcDecoderConfig.parse(payload, offset, payload.length - offset);
        } catch (ProtocolException e) {
            return " (unparsable decoder configuration)";
        }
        if (config.sps().isEmpty()) {
            return " (no SPS)";
        }
        byte[] sps = config.sps().get(0);
        SpsInfo info;
        try {
            info = SpsInfo.parse(sps, 0, sps.length);
        } catch (ProtocolException e) {
            return " (unparsable SPS)";
        }
        // The record's compatibility byte is the SPS's constraint flags byte (ISO/IEC 14496-15).
        StringBuilder line = new StringBuilder()
                .append(' ').append(SpsInfo.profileName(info.profileIdc(), config.compatibility()))
                .append(' ').append(SpsInfo.levelName(info.profileIdc(), config.compatibility(), info.levelIdc()))
                .append(' ').append(info.width()).append('x').append(info.height());
        if (info.frameRate() > 0) {
            line.append(' ').append(formatFrameRate(info.frameRate())).append(" fps");
        }
        return line.toString();
    }

    /** "30" for whole rates, "29.97" otherwise. */
    static String formatFrameRate(double frameRate) {
        double whole = Math.rint(frameRate);
        if (Math.abs(frameRate - whole) < WHOLE_RATE_TOLERANCE) {
            return Long.toString((long) whole);
        }
        return String.format(Locale.ROOT, "%.2f", frameRate);
    }

    private static String rateAndChannels(int sampleRate, int channels) {
        return " " + sampleRate + " Hz " + channels + " ch";
    }

    /** Formats whose name fixes the rate, where encoders often leave the header flags wrong. */
    private static int impliedRate(AudioTag tag) {
        return switch (tag.codec()) {
            case NELLYMOSER_16K -> NELLYMOSER_16K_RATE;
            case NELLYMOSER_8K, MP3_8K -> EIGHT_KHZ_RATE;
            case SPEEX -> SPEEX_RATE;
            default -> tag.soundRate();
        };
    }

    private static int impliedChannels(AudioTag tag) {
        return switch (tag.codec()) {
            case NELLYMOSER_16K, NELLYMOSER_8K, SPEEX -> MONO;
            default -> tag.channels();
        };
    }
}
