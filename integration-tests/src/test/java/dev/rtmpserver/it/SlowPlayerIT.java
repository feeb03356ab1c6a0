package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A player that stops reading costs nobody else anything, and the server's memory stays bounded. */
@Timeout(120)
class SlowPlayerIT {
    /** A socket receive buffer small enough that a player that never reads stalls the server at once. */
    private static final int TINY_RECEIVE_BUFFER = 2048;

    @TempDir
    Path dir;

    private static ServerConfig strictPlayers() {
        SessionConfig d = SessionConfig.defaults();
        return ServerConfig.forTests().withSession(d
                .withPlayerQueue(1024 * 1024, Duration.ofSeconds(2), Duration.ofSeconds(3))
                .withTimeouts(d.handshakeTimeout(), d.idleTimeout(), d.mediaTimeout(), Duration.ofSeconds(4)));
    }

    @Test
    void stalledPlayerDoesNotShortenWhatAParallelFfmpegPlayerCaptures() throws Exception {
        try (TestServer server = new TestServer(strictPlayers())) {
            String url = server.url("live", "shared");
            Tools.Run publisher = Tools.publishNoisyStream("slow-publish", url, 14);
            RtmpClient stalled = RtmpClient.connect("127.0.0.1", server.port(), "live", true, TINY_RECEIVE_BUFFER);
            stalled.play(stalled.createStream(), "shared");

            Path file = dir.resolve("healthy.flv");
            long start = System.nanoTime();
            Tools.captureToFile("slow-healthy-play", url, file, 8).expectSuccess(Duration.ofSeconds(40));
            double wallSeconds = (System.nanoTime() - start) / 1e9;
            double captured = Tools.durationSeconds(file);
            System.out.printf("healthy player beside a stalled one: %.1f s of media in %.1f s%n", captured,
                    wallSeconds);
            assertTrue(captured >= 7.5, "the healthy player got its full 8 s: " + captured);
            assertEquals("", Tools.decodeErrors(file), "and it decodes cleanly");

            LiveStream stream = server.server.registry().get(new StreamKey("live", "shared"));
            Await.until(() -> stream.sinkCount() == 0, "the stalled player is disconnected");
            publisher.expectSuccess(Duration.ofSeconds(40));
            stalled.close();
        }
    }

    @Test
    void heapStaysBoundedWhileAPlayerNeverReadsAFastStream() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (TestServer server = new TestServer(strictPlayers());
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient stalled = RtmpClient.connect("127.0.0.1", server.port(), "live", true,
                     TINY_RECEIVE_BUFFER)) {
            int pubId = publisher.createStream();
            publisher.publish(pubId, "fast");
            stalled.play(stalled.createStream(), "fast");
            System.gc();
            long before = memory.getHeapMemoryUsage().getUsed();

            // 300 MB of video, far more than any queue may hold: 1,500 frames of 200 kB, a keyframe
            // every 25.
            byte[] frame = new byte[200_000];
            for (int i = 0; i < 1500; i++) {
                frame[0] = (byte) (i % 25 == 0 ? 0x17 : 0x27);
                frame[1] = 1;
                publisher.sendVideo(pubId, i * 40, frame.clone());
            }
            publisher.call("getStreamLength", null, "fast");
            System.gc();
            long grown = memory.getHeapMemoryUsage().getUsed() - before;
            System.out.printf("heap growth after 300 MB through a stalled player: %d MB%n", grown >> 20);
            assertTrue(grown < 64L * 1024 * 1024, "heap grew by " + (grown >> 20) + " MB");
        }
    }
}
