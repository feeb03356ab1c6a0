package dev.rtmpserver.it;

import dev.rtmpserver.edge.PullConfig;
import dev.rtmpserver.relay.PushConfig;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edges and relays between this server and nginx-rtmp or SRS, either way round, with ffmpeg
 * publishing and playing.
 */
@Timeout(180)
class EdgeInteropIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(5);
    private static final List<String> H264_AAC = List.of("aac,audio", "h264,video,320,240");

    @TempDir
    Path dir;

    private static ServerConfig edgeOf(String origin) {
        return ServerConfig.forTests().withPulls(PullConfig.none().withOrigins("live", List.of(origin)));
    }

    private void expectDecodable(Path file) throws Exception {
        assertEquals(H264_AAC, Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file), file + " decodes without errors");
    }

    private static String rtmp(int port, String name) {
        return "rtmp://127.0.0.1:" + port + "/live/" + name;
    }

    /** ffmpeg publishes to {@code origin}, our edge pulls from it, ffmpeg plays from the edge. */
    private void playsThroughOurEdge(String label, int originPort) throws Exception {
        Tools.Run publisher = Tools.publishTestStream(label + "-publish", rtmp(originPort, "cam"), "320x240", 30,
                true, true);
        try (TestServer edge = new TestServer(edgeOf("rtmp://127.0.0.1:" + originPort + "/live"))) {
            // Let the origin take the publish and cache a keyframe first.
            Thread.sleep(2500);
            Path file = dir.resolve(label + ".flv");
            Tools.captureToFile(label + "-play", edge.url("live", "cam"), file, 5).expectSuccess(LIMIT);
            expectDecodable(file);
            assertEquals(1, edge.server.counters().pullsStarted.sum());
            assertEquals(0, edge.server.counters().pullsFailed.sum());
        } finally {
            publisher.kill();
        }
    }

    @Test
    void anEdgePullsFromNginxRtmp() throws Exception {
        int port = Peers.freePort();
        Tools.Run nginx = Peers.nginx(dir, "edge-nginx-origin", port, "live on;");
        try {
            playsThroughOurEdge("edge-from-nginx", port);
        } finally {
            nginx.stop(STOP);
        }
    }

    @Test
    void anEdgePullsFromSrs() throws Exception {
        int port = Peers.freePort();
        Tools.Run srs = Peers.srs(dir.resolve("srs"), "edge-srs-origin", port);
        try {
            playsThroughOurEdge("edge-from-srs", port);
        } finally {
            srs.stop(STOP);
        }
    }

    @Test
    void nginxRtmpPullsFromUs() throws Exception {
        try (TestServer origin = new TestServer()) {
            Tools.Run publisher = Tools.publishTestStream("nginx-pull-publish", origin.url("live", "cam"), "320x240",
                    30, true, true);
            int port = Peers.freePort();
            Tools.Run nginx = Peers.nginx(dir, "nginx-pull", port, "live on; pull rtmp://127.0.0.1:" + origin.port()
                    + "/live;");
            try {
                origin.awaitPublishedAWhile("live", "cam");
                Path file = dir.resolve("nginx-pulled.flv");
                Tools.captureToFile("nginx-pull-play", rtmp(port, "cam"), file, 5).expectSuccess(LIMIT);
                expectDecodable(file);
                LiveStream stream = origin.server.registry().get(new StreamKey("live", "cam"));
                assertTrue(stream != null && stream.view().players() <= 1, "nginx pulled over one connection");
            } finally {
                nginx.stop(STOP);
                publisher.kill();
            }
        }
    }

    @Test
    void aStreamPushedToSrsPlaysFromIt() throws Exception {
        int port = Peers.freePort();
        Tools.Run srs = Peers.srs(dir.resolve("srs"), "push-srs", port);
        try (TestServer origin = new TestServer(ServerConfig.forTests().withPushes(new PushConfig(
                Map.of("live", List.of("rtmp://127.0.0.1:" + port + "/live/{name}")), Set.of())))) {
            Tools.Run publisher = Tools.publishTestStream("push-srs-publish", origin.url("live", "srs"), "320x240",
                    30, true, true);
            try {
                Await.until(() -> origin.server.pushes().of(new StreamKey("live", "srs")).stream()
                        .anyMatch(t -> t.status().state().equals("publishing")), "the push publishes on SRS");
                Thread.sleep(2000);
                Path file = dir.resolve("srs.flv");
                Tools.captureToFile("push-srs-play", rtmp(port, "srs"), file, 5).expectSuccess(LIMIT);
                expectDecodable(file);
            } finally {
                publisher.kill();
            }
        } finally {
            srs.stop(STOP);
        }
    }
}
