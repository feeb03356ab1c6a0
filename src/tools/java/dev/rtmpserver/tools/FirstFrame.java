package dev.rtmpserver.tools;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.StreamUrl;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.message.MessageType;

import java.io.IOException;
import java.time.Duration;

/**
 * Measures how long a player waits for video: from the play command to the first video frame that
 * is not a sequence header, and to the first keyframe (the first frame a decoder can show). Works
 * against any RTMP server.
 *
 * <pre>java -cp rtmp-server-tools.jar dev.rtmpserver.tools.FirstFrame rtmp://127.0.0.1:1935/live/cam1</pre>
 *
 * Prints {@code first-frame-ms=N.N first-keyframe-ms=N.N keyframe-first=true|false}.
 */
public final class FirstFrame {
    private FirstFrame() {
    }

    /**
     * @param frameMillis    play to the first video frame
     * @param keyframeMillis play to the first keyframe
     * @param keyframeFirst  whether the first frame was a keyframe (else the player shows garbage or
     *                       nothing until the keyframe)
     * @param timestamp      the first frame's timestamp
     */
    public record Result(double frameMillis, double keyframeMillis, boolean keyframeFirst, int timestamp) {
        @Override
        public String toString() {
            return String.format("first-frame-ms=%.1f first-keyframe-ms=%.1f keyframe-first=%s", frameMillis,
                    keyframeMillis, keyframeFirst);
        }
    }

    /** Plays {@code rtmp://host[:port]/app/name} and waits for its first keyframe. */
    public static Result measure(String url, Duration limit) throws IOException {
        StreamUrl stream = StreamUrl.parse(url);
        try (RtmpClient client = RtmpClient.connect(stream.host(), stream.port(), stream.app(), true)) {
            client.setReadTimeout(limit);
            int streamId = client.createStream();
            long start = System.nanoTime();
            client.play(streamId, stream.name());
            double firstMillis = -1;
            boolean keyframeFirst = false;
            int timestamp = 0;
            while (true) {
                RawMessage m = client.readMedia();
                if (m.typeId() != MessageType.VIDEO) {
                    continue;
                }
                VideoTag tag = VideoTag.parse(m.payload());
                if (tag.sequenceHeader()) {
                    continue;
                }
                double millis = (System.nanoTime() - start) / 1e6;
                if (firstMillis < 0) {
                    firstMillis = millis;
                    keyframeFirst = tag.keyframe();
                    timestamp = m.timestamp();
                }
                if (tag.keyframe()) {
                    return new Result(firstMillis, millis, keyframeFirst, timestamp);
                }
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: FirstFrame rtmp://host[:port]/app/stream");
            System.exit(2);
        }
        System.out.println(measure(args[0], Duration.ofSeconds(30)));
    }
}
