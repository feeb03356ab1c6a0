package dev.rtmpserver.session;

import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import org.tinylog.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The publishing side of one NetStream: turns the publisher's messages into frames for its live
 * stream, and reports what is being published.
 */
final class Publishing {
    /** Real AVC/HEVC/AV1/AAC sequence headers are under 1 KiB; this leaves room for odd encoders. */
    static final int MAX_SEQUENCE_HEADER_BYTES = 64 * 1024;
    /** The AMF0 string {@code "@setDataFrame"} as it starts a publisher's metadata message. */
    private static final byte[] SET_DATA_FRAME = Amf0.encode("@setDataFrame");
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

    /** Audio, video and data bytes published so far. */
    long bytes() {
        return bytes;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    void onVideo(int timestamp, byte[] payload) throws ProtocolException {
        MediaFrame frame = MediaFrame.video(timestamp, payload);
        requireSmallConfig(frame);
        if (frame.config()) {
            codecs.onVideoConfig(key, payload);
        } else {
            videoFrames++;
            codecs.onVideoFrame(key, payload);
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

    /** A data message on this stream: onMetaData (with or without {@code @setDataFrame}) or another one. */
    void onDataMessage(RawMessage raw, Data data) {
        List<Object> values = data.values();
        boolean setDataFrame = "@setDataFrame".equals(data.name());
        if ((setDataFrame && values.size() >= 2 && "onMetaData".equals(values.get(1)))
                || "onMetaData".equals(data.name())) {
            int properties = setDataFrame ? 2 : 1;
            onMetadata(raw.timestamp(), amf0Body(raw, setDataFrame),
                    values.size() > properties ? values.get(properties) : null);
        } else {
            onData(raw.timestamp(), amf0Body(raw, setDataFrame));
        }
    }

    /**
     * The message's AMF0 values as players get them: the publisher's own bytes, minus a leading
     * {@code @setDataFrame} and an AMF3 message's format byte. The bytes are forwarded rather than
     * re-encoded, because re-encoding expands AMF references and could grow without bound.
     */
    private static byte[] amf0Body(RawMessage raw, boolean stripSetDataFrame) {
        byte[] p = raw.payload();
        int from = raw.typeId() == MessageType.DATA_AMF3 && p.length > 0 && p[0] == 0 ? 1 : 0;
        if (stripSetDataFrame && startsWith(p, from, SET_DATA_FRAME)) {
            from += SET_DATA_FRAME.length;
        }
        return from == 0 ? p : Arrays.copyOfRange(p, from, p.length);
    }

    private static boolean startsWith(byte[] p, int from, byte[] prefix) {
        return p.length - from >= prefix.length && Arrays.equals(p, from, from + prefix.length, prefix, 0, prefix.length);
    }

    private void onMetadata(int timestamp, byte[] onMetaData, Object properties) {
        codecs.onMetadata(properties);
        deliver(MediaFrame.metadata(timestamp, onMetaData));
    }

    private void onData(int timestamp, byte[] payload) {
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
