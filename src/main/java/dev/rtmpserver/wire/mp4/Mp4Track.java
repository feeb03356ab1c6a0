package dev.rtmpserver.wire.mp4;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * One track of an {@link Fmp4#initSegment init segment}.
 *
 * <p>The record does not copy {@code codecConfig}: whoever builds a track must not change the
 * array afterwards. Equality compares its contents, so a segmenter can tell whether a new sequence
 * header changes anything.
 *
 * @param id          track_ID, 1 or more, unique within the init segment
 * @param video       true for {@link #AVC}, {@link #HEVC}, {@link #AV1} and {@link #VP9}
 * @param sampleEntry the sample entry's type, one of the constants here
 * @param timescale   ticks per second of decode times and durations: 90000 for video, the
 *                    sample rate for AAC, 48000 for Opus
 * @param codecConfig for avc1 the AVCDecoderConfigurationRecord, hvc1 the
 *                    HEVCDecoderConfigurationRecord, av01 the AV1CodecConfigurationRecord, vp09
 *                    the vpcC box content as Enhanced RTMP carries it (version 1, flags, then the
 *                    VPCodecConfigurationRecord), mp4a the AudioSpecificConfig, Opus the OpusHead
 *                    identification header of RFC 7845
 * @param width       video only: the picture width in pixels, 1 to 65535; else 0
 * @param height      video only: the picture height in pixels, 1 to 65535; else 0
 * @param channels    audio only: the output channel count; else 0
 * @param sampleRate  audio only: the output sample rate in Hz (48000 for Opus); else 0
 */
public record Mp4Track(int id, boolean video, String sampleEntry, int timescale, byte[] codecConfig, int width,
                       int height, int channels, int sampleRate) {
    public static final String AVC = "avc1";
    public static final String HEVC = "hvc1";
    public static final String AV1 = "av01";
    public static final String VP9 = "vp09";
    public static final String AAC = "mp4a";
    public static final String OPUS = "Opus";
    public static final int VIDEO_TIMESCALE = 90_000;
    public static final int OPUS_SAMPLE_RATE = 48_000;

    private static final Set<String> VIDEO_ENTRIES = Set.of(AVC, HEVC, AV1, VP9);
    private static final Set<String> AUDIO_ENTRIES = Set.of(AAC, OPUS);
    /** Sample entries keep the picture size in 16-bit fields. */
    private static final int MAX_DIMENSION = 0xFFFF;

    /**
     * Refuses what no init segment could describe. Whether {@code codecConfig} parses is checked
     * where it is used, by {@link Fmp4#initSegment} and {@link Fmp4#codecs}.
     *
     * @throws IllegalArgumentException if a field is out of range or disagrees with the sample entry
     */
    public Mp4Track {
        Objects.requireNonNull(sampleEntry, "sampleEntry");
        Objects.requireNonNull(codecConfig, "codecConfig");
        if (id < 1) {
            throw new IllegalArgumentException("track ids start at 1, not " + id);
        }
        if (!(video ? VIDEO_ENTRIES : AUDIO_ENTRIES).contains(sampleEntry)) {
            throw new IllegalArgumentException("'" + sampleEntry + "' is not one of the "
                    + (video ? "video" : "audio") + " sample entries " + (video ? VIDEO_ENTRIES : AUDIO_ENTRIES));
        }
        if (timescale < 1) {
            throw new IllegalArgumentException("timescale must be positive, not " + timescale);
        }
        if (video && (width < 1 || width > MAX_DIMENSION || height < 1 || height > MAX_DIMENSION)) {
            throw new IllegalArgumentException("a video track needs a size of 1 to " + MAX_DIMENSION
                    + " pixels each way, not " + width + "x" + height);
        }
        if (!video && (channels < 1 || sampleRate < 1)) {
            throw new IllegalArgumentException("an audio track needs channels and a sample rate, not " + channels
                    + " channels at " + sampleRate + " Hz");
        }
    }

    /** An H.264 track at 90 kHz. */
    public static Mp4Track avc(int id, byte[] avcDecoderConfig, int width, int height) {
        return new Mp4Track(id, true, AVC, VIDEO_TIMESCALE, avcDecoderConfig, width, height, 0, 0);
    }

    /** An AAC track timed in its own sample rate, so each 1024-sample frame lasts 1024 ticks. */
    public static Mp4Track aac(int id, byte[] audioSpecificConfig, int channels, int sampleRate) {
        return new Mp4Track(id, false, AAC, sampleRate, audioSpecificConfig, 0, 0, channels, sampleRate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mp4Track t && id == t.id && video == t.video && sampleEntry.equals(t.sampleEntry)
                && timescale == t.timescale && Arrays.equals(codecConfig, t.codecConfig) && width == t.width
                && height == t.height && channels == t.channels && sampleRate == t.sampleRate;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, video, sampleEntry, timescale, Arrays.hashCode(codecConfig), width, height, channels,
                sampleRate);
    }

    @Override
    public String toString() {
        return "Mp4Track[id=" + id + ", " + sampleEntry + ", timescale=" + timescale + ", codecConfig="
                + codecConfig.length + " bytes" + (video ? ", " + width + "x" + height
                : ", " + channels + " ch " + sampleRate + " Hz") + "]";
    }
}
