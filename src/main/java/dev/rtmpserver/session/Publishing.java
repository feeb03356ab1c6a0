package dev.rtmpserver.session;

import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.StreamKey;
import org.tinylog.Logger;

/**
 * The publishing side of one NetStream: turns the publisher's messages into frames for its live
 * stream, and reports what is being published.
 */
final class Publishing {
    /** How often a live publish logs its bitrate and frame rate. */
    private static final long REPORT_INTERVAL_NANOS = 30_000_000_000L;

    private final int streamId;
    private final StreamKey key;
    private final String query;
    private final LiveStream stream;
    private final CodecReport codecs = new CodecReport();
    private final long startNanos = System.nanoTime();

    private long bytes;
    private long videoFrames;
    private long audioFrames;
    private long lastReportNanos = startNanos;
    private long lastReportBytes;
    private long lastReportVideoFrames;

    Publishing(int streamId, StreamKey key, String query, LiveStream stream) {
        this.streamId = streamId;
        this.key = key;
        this.query = query;
        this.stream = stream;
    }

    int streamId() {
        return streamId;
    }

    StreamKey key() {
        return key;
    }

    String query() {
        return query;
    }

    LiveStream stream() {
        return stream;
    }

    void onVideo(int timestamp, byte[] payload) {
        MediaFrame frame = MediaFrame.video(timestamp, payload);
        if (frame.config()) {
            codecs.onVideoConfig(key, payload);
        } else {
            videoFrames++;
        }
        deliver(frame);
    }

    void onAudio(int timestamp, byte[] payload) {
        MediaFrame frame = MediaFrame.audio(timestamp, payload);
        if (frame.config()) {
            codecs.onAudioConfig(key, payload);
        } else {
            audioFrames++;
        }
        deliver(frame);
    }

    void onMetadata(int timestamp, byte[] onMetaData, Object properties) {
        codecs.onMetadata(properties);
        deliver(MediaFrame.metadata(timestamp, onMetaData));
    }

    void onData(int timestamp, byte[] payload) {
        deliver(MediaFrame.data(timestamp, payload));
    }

    private void deliver(MediaFrame frame) {
        bytes += frame.size();
        stream.onFrame(frame);
        long now = System.nanoTime();
        if (now - lastReportNanos >= REPORT_INTERVAL_NANOS) {
            report(now);
        }
    }

    private void report(long now) {
        double seconds = (now - lastReportNanos) / 1e9;
        Logger.info("live {}: {} kbit/s, {} fps video, {} players", key,
                Math.round((bytes - lastReportBytes) * 8 / seconds / 1000),
                String.format("%.1f", (videoFrames - lastReportVideoFrames) / seconds), stream.sinkCount());
        lastReportNanos = now;
        lastReportBytes = bytes;
        lastReportVideoFrames = videoFrames;
    }

    /** A closing summary for the log. */
    String summary() {
        double seconds = Math.max((System.nanoTime() - startNanos) / 1e9, 0.001);
        return String.format("%.1f s, %d bytes, %d kbit/s average, %d video and %d audio frames", seconds, bytes,
                Math.round(bytes * 8 / seconds / 1000), videoFrames, audioFrames);
    }
}
