package dev.rtmpserver.stream;

/**
 * Running figures of one live stream for the metrics and the API. Updated by the publishing
 * thread under the stream's lock; {@link #sample} is called once a second by the server's timer.
 */
public final class StreamStats {
    /** Seconds of per-second bitrate kept for the dashboard's chart. */
    public static final int HISTORY_SECONDS = 300;

    private long bytesIn;
    private long videoFrames;
    private int lastKeyframeTimestamp = -1;
    private int keyframeIntervalMillis;
    private long publishedSinceMillis;

    private long sampledBytes;
    private long sampledVideoFrames;
    private long sampledAtNanos = System.nanoTime();
    private double bitrateKbps;
    private double frameRate;
    private final double[] history = new double[HISTORY_SECONDS];
    private int historyNext;
    private int historySize;

    void onFrame(MediaFrame frame) {
        bytesIn += frame.size();
        if (frame.kind() != MediaFrame.Kind.VIDEO) {
            return;
        }
        if (!frame.config()) {
            videoFrames++;
        }
        if (frame.keyframe()) {
            if (lastKeyframeTimestamp >= 0) {
                keyframeIntervalMillis = frame.timestamp() - lastKeyframeTimestamp;
            }
            lastKeyframeTimestamp = frame.timestamp();
        }
    }

    void onPublish(long nowMillis) {
        publishedSinceMillis = nowMillis;
        lastKeyframeTimestamp = -1;
    }

    void sample(long nowNanos) {
        double seconds = (nowNanos - sampledAtNanos) / 1e9;
        if (seconds <= 0) {
            return;
        }
        bitrateKbps = (bytesIn - sampledBytes) * 8 / seconds / 1000;
        frameRate = (videoFrames - sampledVideoFrames) / seconds;
        sampledBytes = bytesIn;
        sampledVideoFrames = videoFrames;
        sampledAtNanos = nowNanos;
        history[historyNext] = bitrateKbps;
        historyNext = (historyNext + 1) % HISTORY_SECONDS;
        historySize = Math.min(historySize + 1, HISTORY_SECONDS);
    }

    /** An immutable copy for readers outside the stream's lock. */
    Snapshot snapshot() {
        double[] h = new double[historySize];
        for (int i = 0; i < historySize; i++) {
            h[i] = history[(historyNext - historySize + i + HISTORY_SECONDS) % HISTORY_SECONDS];
        }
        return new Snapshot(bytesIn, keyframeIntervalMillis, bitrateKbps, frameRate, publishedSinceMillis, h);
    }

    /**
     * @param bitrateKbps     over the last second
     * @param frameRate       video frames over the last second
     * @param publishedSince  epoch milliseconds when the current publisher started, 0 if none yet
     * @param bitrateHistory  one value per second, oldest first
     */
    public record Snapshot(long bytesIn, int keyframeIntervalMillis, double bitrateKbps, double frameRate,
                           long publishedSince, double[] bitrateHistory) {
    }
}
