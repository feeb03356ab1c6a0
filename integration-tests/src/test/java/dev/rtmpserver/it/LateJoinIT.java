package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.tools.FirstFrame;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A player joining a live ffmpeg stream mid-GOP starts at once, at a keyframe. */
@Timeout(90)
class LateJoinIT {

    @ParameterizedTest(name = "GOP of {0} s")
    @ValueSource(ints = {2, 10})
    void lateJoinerStartsAtTheLatestKeyframeAtOnce(int gopSeconds) throws Exception {
        try (TestServer server = new TestServer()) {
            String url = server.url("live", "gop" + gopSeconds);
            Tools.Run publisher = Tools.publishTestStream("late-join-" + gopSeconds, url, "640x360", 30, true, true,
                    25 * gopSeconds);
            try {
                // Join 3.5 s into the stream: mid-GOP for both GOP lengths.
                awaitStreamTime(server, "gop" + gopSeconds, 3500);
                FirstFrame.Result first = FirstFrame.measure(url, Duration.ofSeconds(30));
                System.out.printf("time to first video frame, GOP %d s, GOP cache on: %.1f ms (%s)%n",
                        gopSeconds, first.keyframeMillis(), first);
                assertTrue(first.keyframeFirst(), "the first video frame is a keyframe");
                // The target is far lower (see the benchmark); this bound only rules out waiting for a GOP.
                assertTrue(first.keyframeMillis() < 1000, "starts without waiting for the next keyframe: " + first);
            } finally {
                publisher.process().destroy();
                publisher.await(Duration.ofSeconds(20));
            }
        }
    }

    /** Watches the stream until its video timestamps have advanced by {@code millis}. */
    static void awaitStreamTime(TestServer server, String name, int millis) throws IOException {
        try (RtmpClient watcher = RtmpClient.connect(server.appUrl("live"))) {
            watcher.play(watcher.createStream(), name);
            Integer first = null;
            while (true) {
                RawMessage m = watcher.readMedia();
                if (m.typeId() == MessageType.VIDEO) {
                    if (first == null) {
                        first = m.timestamp();
                    } else if (m.timestamp() - first >= millis) {
                        return;
                    }
                }
            }
        }
    }
}
