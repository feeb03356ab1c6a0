package dev.rtmpserver.stream;

import dev.rtmpserver.wire.media.TrackIds;
import dev.rtmpserver.wire.media.Vp9FrameSize;

/**
 * Running figures of one live stream for the metrics and the API. Updated by the publishing
 * thread under the stream's lock; {@link #sample} is called once a second by the server's timer.
 */
public final class StreamStats {
    /** Seconds of per-second bitrate kept for the dashboard's chart. */
    public static final int HISTORY_SECONDS = 300;
    /**
     * Samples (about a second apart) the frame rate is averaged over. The rate is measured on the
     * stream's own timeline, frames over the time their timestamps span, not over the time they
     * took to arrive: frames come in bursts as the network and a busy encoder deliver them, and a
     * 30 fps stream that stalls and catches up must still read 30, not 20 and then 40. Over five
     * seconds the rounding of millisecond timestamps is lost too.
     */
    static final int FRAME_RATE_WINDOW = 5;
    /**
     * A sample this soon after the previous one is skipped: a timer that fell behind runs its late
     * ticks back to back, and frames over a few milliseconds make a meaningless rate.
     */
    private static final long MIN_SAMPLE_NANOS = 500_000_000L;

    /** The Enhanced RTMP IsExHeader bit of a video message's first byte. */
    private static final int ENHANCED_VIDEO_FLAG = 0x80;

    private long bytesIn;
    private Vp9FrameSize vp9Size;
    private long videoFrames;
    /** Whether the current publisher has sent a video frame, and the timestamp of its latest. */
    private boolean videoSeen;
    private int lastVideoTimestamp;
    private long audioFrames;
    private long keyframes;
    private int lastKeyframeTimestamp = -1;
    private int keyframeIntervalMillis;
    private long publishedSinceMillis;

    private boolean sampled;
    private long sampledBytes;
    private long sampledAtNanos;
    /**
     * The video frame count at each of the last samples, the latest frame's timestamp and when the
     * sample was taken: a ring, oldest at {@link #windowStart}.
     */
    private final long[] windowFrames = new long[FRAME_RATE_WINDOW + 1];
    private final int[] windowTimestamps = new int[FRAME_RATE_WINDOW + 1];
    private final long[] windowNanos = new long[FRAME_RATE_WINDOW + 1];
    private int windowStart;
    private int windowSize;
    private double bitrateKbps;
    private double frameRate;
    private final double[] history = new double[HISTORY_SECONDS];
    private int historyNext;
    private int historySize;

    void onFrame(MediaFrame frame) {
        bytesIn += frame.size();
        switch (frame.kind()) {
            case VIDEO -> {
                // The frame rate is the main track's: a multitrack publish would otherwise add its tracks up.
                if (!frame.config() && TrackIds.isDefaultVideoTrack(frame.payload())) {
                    videoFrames++;
                    videoSeen = true;
                    lastVideoTimestamp = frame.timestamp();
                }
                if (frame.keyframe()) {
                    keyframes++;
                    if (frame.payload().length > 0 && (frame.payload()[0] & ENHANCED_VIDEO_FLAG) != 0) {
                        Vp9FrameSize size = Vp9FrameSize.ofMessage(frame.payload());
                        vp9Size = size != null ? size : vp9Size;
                    }
                    if (lastKeyframeTimestamp >= 0) {
                        keyframeIntervalMillis = frame.timestamp() - lastKeyframeTimestamp;
                    }
                    lastKeyframeTimestamp = frame.timestamp();
                }
            }
            case AUDIO -> {
                if (!frame.config()) {
                    audioFrames++;
                }
            }
            case DATA -> {
            }
        }
    }

    void onPublish(long nowMillis) {
        publishedSinceMillis = nowMillis;
        vp9Size = null;
        lastKeyframeTimestamp = -1;
        // The new publisher's rate starts from its own frames, not from seconds of silence before it.
        windowSize = 0;
        videoSeen = false;
        frameRate = 0;
    }

    /**
     * Takes the sample behind the rates; the first one only starts the count. The bitrate is over
     * the time since the previous sample, the frame rate over the last {@link #FRAME_RATE_WINDOW}
     * samples.
     */
    void sample(long nowNanos) {
        if (sampled && nowNanos - sampledAtNanos < MIN_SAMPLE_NANOS) {
            return;
        }
        if (sampled) {
            bitrateKbps = (bytesIn - sampledBytes) * 8 / ((nowNanos - sampledAtNanos) / 1e9) / 1000;
            history[historyNext] = bitrateKbps;
            historyNext = (historyNext + 1) % HISTORY_SECONDS;
            historySize = Math.min(historySize + 1, HISTORY_SECONDS);
        }
        sampled = true;
        sampledBytes = bytesIn;
        sampledAtNanos = nowNanos;

        if (!videoSeen) {
            return;
        }
        if (windowSize == windowFrames.length) {
            windowStart = (windowStart + 1) % windowFrames.length;
            windowSize--;
        }
        int next = (windowStart + windowSize) % windowFrames.length;
        windowFrames[next] = videoFrames;
        windowTimestamps[next] = lastVideoTimestamp;
        windowNanos[next] = nowNanos;
        windowSize++;
        if (windowSize < 2) {
            frameRate = 0;
            return;
        }
        // An int difference, so that the wrap of 32-bit RTMP time is crossed. When the timestamps do
        // not advance (no frame since, or an encoder that stamps every frame alike) the frames are
        // counted over wall-clock time instead.
        int mediaMillis = lastVideoTimestamp - windowTimestamps[windowStart];
        double seconds = mediaMillis > 0 ? mediaMillis / 1000.0 : (nowNanos - windowNanos[windowStart]) / 1e9;
        frameRate = (videoFrames - windowFrames[windowStart]) / seconds;
    }

    /** An immutable copy for readers outside the stream's lock. */
    Snapshot snapshot() {
        double[] h = new double[historySize];
        for (int i = 0; i < historySize; i++) {
            h[i] = history[(historyNext - historySize + i + HISTORY_SECONDS) % HISTORY_SECONDS];
        }
        return new Snapshot(bytesIn, videoFrames, audioFrames, keyframes, keyframeIntervalMillis, bitrateKbps,
                frameRate, publishedSinceMillis, h, vp9Size);
    }

    /**
     * @param bitrateKbps     over the last second
     * @param frameRate       video frames per second over the last five seconds
     * @param publishedSince  epoch milliseconds when the current publisher started, 0 if none yet
     * @param bitrateHistory  one value per second, oldest first
     * @param vp9Size         the picture size of the latest VP9 keyframe, whose configuration has none; or null
     */
    public record Snapshot(long bytesIn, long videoFrames, long audioFrames, long keyframes, int keyframeIntervalMillis,
                           double bitrateKbps, double frameRate, long publishedSince, double[] bitrateHistory,
                           Vp9FrameSize vp9Size) {
    }
}
