package dev.rtmpserver.session;

import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.ProtocolException;
import org.tinylog.Logger;

/**
 * The publishing side of one NetStream: turns the publisher's messages into frames for its live
 * stream, and reports what is being published.
 */
final class Publishing {
    /** Real AVC/HEVC/AV1/AAC sequence headers are under 1 KiB; this leaves room for odd encoders. */
    static final int MAX_SEQUENCE_HEADER_BYTES = 64 * 1024;
    /** How often a live publish logs its bitrate and frame rate. */
    private static final long REPORT_INTERVAL_NANOS = 30_000_000_000L;

    private final Publisher owner;
    private final int streamId;
    private final StreamKey key;
    private final LiveStream stream;
    private final CodecReport codecs = new CodecReport();
    private final long startNanos = System.nanoTime();

    private long bytes;
    private long videoFrames;
    private long audioFrames;
    private long lastReportNanos = startNanos;
    private long lastReportBytes;
    private long lastReportVideoFrames;

    Publishing(Publisher owner, int streamId, StreamKey key, LiveStream stream) {
        this.owner = owner;
        this.streamId = streamId;
        this.key = key;
        this.stream = stream;
    }

    int streamId() {
        return streamId;
    }

    StreamKey key() {
        return key;
    }

    LiveStream stream() {
        return stream;
    }

    void onVideo(int timestamp, byte[] payload) throws ProtocolException {
        MediaFrame frame = MediaFrame.video(timestamp, payload);
        requireSmallConfig(frame);
        if (frame.config()) {
            codecs.onVideoConfig(key, payload);
        } else {
            videoFrames++;
        }
        deliver(frame);
    }

    void onAudio(int timestamp, byte[] payload) throws ProtocolException {
        MediaFrame frame = MediaFrame.audio(timestamp, payload);
        requireSmallConfig(frame);
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

    /**
     * Sequence headers are a few hundred bytes, are never dropped and are queued for every player;
     * a publisher sending huge ones could otherwise fill every player's queue.
     */
    private static void requireSmallConfig(MediaFrame frame) throws ProtocolException {
        if (frame.config() && frame.size() > MAX_SEQUENCE_HEADER_BYTES) {
            throw new ProtocolException(frame.kind() + " sequence header of " + frame.size() + " bytes; the limit is "
                    + MAX_SEQUENCE_HEADER_BYTES);
        }
    }

    private void deliver(MediaFrame frame) {
        bytes += frame.size();
        stream.onFrame(owner, frame);
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
