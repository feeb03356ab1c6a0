package dev.rtmpserver.it;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.edge.PullConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Edges pulling from origins: all instances of this server, with ffmpeg publishing and playing. */
@Timeout(180)
class EdgePullIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final List<String> H264_AAC = List.of("aac,audio", "h264,video,320,240");
    private static final StreamKey CAM = new StreamKey("live", "cam");

    @TempDir
    Path dir;

    private static ServerConfig edgeOf(Duration linger, String... origins) {
        return ServerConfig.forTests().withPulls(PullConfig.none().withOrigins("live", List.of(origins))
                .withLinger(linger));
    }

    private static ServerConfig withHttp(ServerConfig config) {
        return config.withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty()));
    }

    /** ffmpeg copies {@code seconds} of {@code path} on the server's HTTP port into {@code file}. */
    private static void captureOverHttp(String name, TestServer server, String path, int seconds, Path file)
            throws Exception {
        Tools.start(name, "ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-i",
                "http://127.0.0.1:" + server.server.httpPort().orElseThrow() + path, "-t", String.valueOf(seconds),
                "-c", "copy", "-y", file.toString()).expectSuccess(LIMIT);
    }

    private static LiveStream.View view(TestServer server) {
        LiveStream s = server.server.registry().get(CAM);
        return s == null ? null : s.view();
    }

    private static int players(TestServer server) {
        LiveStream.View v = view(server);
        return v == null ? 0 : v.players();
    }


    /** What the origin's /metrics says of its player connections. */
    private static int playerConnections(TestServer server) {
        try {
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.server.httpPort().orElseThrow() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^rtmp_connections\\{role=\"player\"} (\\d+)").matcher(metrics);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void expectDecodable(Path file) throws Exception {
        assertEquals(H264_AAC, Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file), file + " decodes without errors");
    }

    /** Plays {@code url} with a plain RTMP client; returns the milliseconds until its first video keyframe. */
    private static long millisToFirstKeyframe(String app, int port, String name) throws Exception {
        long start = System.nanoTime();
        try (RtmpClient c = RtmpClient.connect("127.0.0.1", port, app, false)) {
            c.setReadTimeout(Duration.ofSeconds(20));
            int id = c.createStream();
            c.play(id, name);
            while (true) {
                RawMessage m = c.readMedia();
                // A keyframe that is not a sequence header: frame type 1, AVC packet type 1.
                if (m.typeId() == MessageType.VIDEO && m.payload().length > 1 && (m.payload()[0] & 0xf0) == 0x10
                        && m.payload()[1] == 1) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
        }
    }

    @Test
    void twoEdgesEachPullOnceAndTheirPlayersDecode() throws Exception {
        try (TestServer origin = new TestServer(withHttp(ServerConfig.forTests()));
             TestServer edgeA = new TestServer(edgeOf(Duration.ofSeconds(10), origin.appUrl("live")));
             TestServer edgeB = new TestServer(edgeOf(Duration.ofSeconds(10), origin.appUrl("live")))) {
            Tools.Run publisher = Tools.publishTestStream("edge-publish", origin.url("live", "cam"), "320x240", 30,
                    true, true);
            origin.awaitPublishedAWhile("live", "cam");

            long first = millisToFirstKeyframe("live", edgeA.port(), "cam");
            long later = millisToFirstKeyframe("live", edgeA.port(), "cam");
            long direct = millisToFirstKeyframe("live", origin.port(), "cam");
            System.out.printf("edge first frame: first viewer %d ms, later joiner %d ms, on the origin %d ms%n",
                    first, later, direct);

            List<Tools.Run> captures = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            int n = 0;
            for (TestServer edge : List.of(edgeA, edgeB, edgeA, edgeB)) {
                Path file = dir.resolve("edge-" + n + ".flv");
                files.add(file);
                captures.add(Tools.captureToFile("edge-play-" + n++, edge.url("live", "cam"), file, 5));
            }
            Await.within(LIMIT, () -> players(edgeA) == 2 && players(edgeB) == 2, "both edges have their players");
            // An edge counts its players as they connect, before its pull's play reaches the origin.
            Await.within(LIMIT, () -> players(origin) == 2, "one upstream connection per edge");
            Await.within(LIMIT, () -> playerConnections(origin) == 2, "the origin's /metrics has two players");
            assertTrue(view(edgeA).publisher().startsWith("pull rtmp://127.0.0.1:" + origin.port() + "/live/cam"),
                    view(edgeA).publisher());
            for (Tools.Run capture : captures) {
                capture.expectSuccess(LIMIT);
            }
            assertEquals(2, players(origin), "still one upstream connection per edge");
            assertEquals(1, edgeA.server.counters().pullsStarted.sum());
            assertEquals(1, edgeB.server.counters().pullsStarted.sum());
            for (Path file : files) {
                expectDecodable(file);
            }
            publisher.kill();
        }
    }

    @Test
    void anEdgeOfAnEdgePullsThroughIt() throws Exception {
        try (TestServer origin = new TestServer();
             TestServer edge = new TestServer(edgeOf(Duration.ofSeconds(10), origin.appUrl("live")));
             TestServer outer = new TestServer(edgeOf(Duration.ofSeconds(10), edge.appUrl("live")))) {
            Tools.Run publisher = Tools.publishTestStream("edge2-publish", origin.url("live", "cam"), "320x240", 20,
                    true, true);
            origin.awaitPublishedAWhile("live", "cam");
            Path file = dir.resolve("two-hops.flv");
            Tools.captureToFile("edge2-play", outer.url("live", "cam"), file, 4).expectSuccess(LIMIT);
            expectDecodable(file);
            assertEquals(1, players(origin));
            publisher.kill();
        }
    }

    @Test
    void aBrowserViewerOfAnEdgeStartsAPullToo() throws Exception {
        try (TestServer origin = new TestServer();
             TestServer edge = new TestServer(withHttp(edgeOf(Duration.ofSeconds(10), origin.appUrl("live"))))) {
            Tools.Run publisher = Tools.publishTestStream("edge-flv-publish", origin.url("live", "cam"), "320x240",
                    20, true, true);
            origin.awaitPublishedAWhile("live", "cam");
            Path file = dir.resolve("edge-flv.flv");
            captureOverHttp("edge-flv-play", edge, "/live/cam.flv", 4, file);
            expectDecodable(file);
            assertEquals(1, edge.server.counters().pullsStarted.sum());
            publisher.kill();
        }
    }

    @Test
    void anHlsViewerOfAnEdgeStartsAPullAndItsRequestsKeepIt() throws Exception {
        try (TestServer origin = new TestServer();
             TestServer edge = new TestServer(withHttp(edgeOf(Duration.ofSeconds(2), origin.appUrl("live"))))) {
            Tools.Run publisher = Tools.publishTestStream("edge-hls-publish", origin.url("live", "cam"), "320x240",
                    60, true, true);
            origin.awaitPublishedAWhile("live", "cam");
            // Nobody else watches on the edge: the first playlist request starts the pull and waits for
            // its first segment, and the player's reloads keep it going well past the 2 s linger.
            Path file = dir.resolve("edge-hls.mp4");
            captureOverHttp("edge-hls-play", edge, "/live/cam/index.m3u8", 14, file);
            expectDecodable(file);
            assertTrue(Tools.durationSeconds(file) > 12, "the player got the whole 14 s: "
                    + Tools.durationSeconds(file));
            assertEquals(1, edge.server.counters().pullsStarted.sum(), "one pull throughout");
            assertEquals(0, players(edge), "an HLS player is no connection");

            Await.within(LIMIT, () -> players(origin) == 0, "the pull ends once the requests stop");
            Await.within(LIMIT, () -> edge.server.pulls().size() == 0, "the edge forgets the pull");
            publisher.kill();
        }
    }

    @Test
    void playersStayWhenTheOriginGoesAndAnotherHasTheStream() throws Exception {
        try (TestServer second = new TestServer()) {
            TestServer first = new TestServer();
            try (TestServer edge = new TestServer(edgeOf(Duration.ofSeconds(10), first.appUrl("live"),
                    second.appUrl("live")))) {
                Tools.Run toFirst = Tools.publishTestStream("failover-publish-1", first.url("live", "cam"),
                        "320x240", 40, true, true);
                Tools.Run toSecond = Tools.publishTestStream("failover-publish-2", second.url("live", "cam"),
                        "320x240", 40, true, true);
                first.awaitPublishedAWhile("live", "cam");
                second.awaitPublishedAWhile("live", "cam");

                Path file = dir.resolve("failover.flv");
                Tools.Run capture = Tools.captureToFile("failover-play", edge.url("live", "cam"), file, 12);
                Await.within(LIMIT, () -> players(first) == 1, "the edge pulls from the first origin");
                Thread.sleep(4000);
                first.close();
                Await.within(LIMIT, () -> players(second) == 1, "the edge pulls from the second origin");
                assertEquals(1, players(edge), "the player stayed connected");
                capture.expectSuccess(LIMIT);
                assertTrue(Tools.durationSeconds(file) > 10, "the player got the whole 12 s: "
                        + Tools.durationSeconds(file));
                expectDecodable(file);
                assertEquals(1, edge.server.counters().pullFailovers.sum());
                assertTrue(view(edge).publisher().contains(":" + second.port() + "/"), view(edge).publisher());
                toFirst.kill();
                toSecond.kill();
            } finally {
                first.close();
            }
        }
    }

    @Test
    void thePullLingersAfterTheLastPlayerThenGoes() throws Exception {
        try (TestServer origin = new TestServer();
             TestServer edge = new TestServer(edgeOf(Duration.ofSeconds(3), origin.appUrl("live")))) {
            Tools.Run publisher = Tools.publishTestStream("linger-publish", origin.url("live", "cam"), "320x240", 40,
                    true, true);
            origin.awaitPublishedAWhile("live", "cam");

            millisToFirstKeyframe("live", edge.port(), "cam");
            assertEquals(1, players(origin), "the upstream lingers after its last player left");
            Thread.sleep(1000);
            // Back within the linger: the same upstream serves it.
            millisToFirstKeyframe("live", edge.port(), "cam");
            assertEquals(1, players(origin));
            assertEquals(1, edge.server.counters().pullsStarted.sum());

            long left = System.nanoTime();
            Await.within(LIMIT, () -> players(origin) == 0, "the upstream goes after the linger");
            long lingered = (System.nanoTime() - left) / 1_000_000;
            assertTrue(lingered > 2000, "lingered " + lingered + " ms");
            Await.within(LIMIT, () -> edge.server.pulls().size() == 0, "the edge forgets the pull");
            publisher.kill();
        }
    }

    @Test
    void aPlayersTokenGoesOnToTheOrigin() throws Exception {
        AccessConfig viewersOnly = new AccessConfig(Map.of(), Map.of("live", Set.of("view")), Optional.empty(),
                Optional.empty(), AccessConfig.DEFAULT_CALLBACK_TIMEOUT);
        try (TestServer origin = new TestServer(ServerConfig.forTests().withAccess(viewersOnly));
             TestServer edge = new TestServer(edgeOf(Duration.ofSeconds(10), origin.appUrl("live")));
             TestServer tokenless = new TestServer(edgeOf(Duration.ofSeconds(10), origin.appUrl("live")))) {
            Tools.Run publisher = Tools.publishTestStream("edge-token-publish", origin.url("live", "cam"),
                    "320x240", 20, true, true);
            origin.awaitPublishedAWhile("live", "cam");
            millisToFirstKeyframe("live", edge.port(), "cam?token=view");
            assertEquals(0, edge.server.counters().pullsFailed.sum());
            try (RtmpClient c = RtmpClient.connect("127.0.0.1", tokenless.port(), "live", false)) {
                c.setReadTimeout(Duration.ofSeconds(30));
                c.play(c.createStream(), "cam");
                Await.status(c, "NetStream.Play.StreamNotFound");
            }
            assertEquals(1, tokenless.server.counters().pullsFailed.sum(), "the origin refused the play");
            publisher.kill();
        }
    }

    @Test
    void anRtmpsOriginWithASelfSignedCertificateIsPulledOnlyWhereTrusted() throws Exception {
        try (TestServer origin = new TestServer(ServerConfig.forTests().withTls(Tools.selfSignedPem(dir)))) {
            String url = "rtmps://127.0.0.1:" + origin.server.tlsPort().orElseThrow() + "/live";
            try (TestServer checking = new TestServer(edgeOf(Duration.ofSeconds(10), url));
                 TestServer trusting = new TestServer(ServerConfig.forTests().withPulls(PullConfig.none()
                         .withOrigins("live", List.of(url)).withInsecure("live")))) {
                Tools.Run publisher = Tools.publishTestStream("edge-rtmps-publish", origin.url("live", "cam"),
                        "320x240", 20, true, true);
                origin.awaitPublishedAWhile("live", "cam");
                Path file = dir.resolve("edge-rtmps.flv");
                Tools.captureToFile("edge-rtmps-play", trusting.url("live", "cam"), file, 3).expectSuccess(LIMIT);
                expectDecodable(file);
                try (RtmpClient c = RtmpClient.connect("127.0.0.1", checking.port(), "live", false)) {
                    c.setReadTimeout(Duration.ofSeconds(30));
                    c.play(c.createStream(), "cam");
                    Await.status(c, "NetStream.Play.StreamNotFound");
                }
                assertEquals(1, checking.server.counters().pullsFailed.sum(), "the certificate was refused");
                publisher.kill();
            }
        }
    }

    @Test
    void aStreamNoOriginHasIsNotFound() throws Exception {
        try (TestServer origin = new TestServer();
             TestServer edge = new TestServer(edgeOf(Duration.ofSeconds(3), "rtmp://127.0.0.1:1/live",
                     origin.appUrl("live")))) {
            try (RtmpClient c = RtmpClient.connect("127.0.0.1", edge.port(), "live", false)) {
                c.setReadTimeout(Duration.ofSeconds(30));
                int id = c.createStream();
                c.play(id, "nobody");
                Await.status(c, "NetStream.Play.StreamNotFound");
            }
            assertEquals(1, edge.server.counters().pullsFailed.sum());
            Await.within(LIMIT, () -> players(origin) == 0 && edge.server.pulls().size() == 0, "nothing is left");
        }
    }
}
