package dev.rtmpserver.it;

import com.sun.net.httpserver.HttpServer;
import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.relay.PushConfig;
import dev.rtmpserver.relay.PushTarget;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams pushed on to real servers: a second instance of ours, nginx-rtmp, one that is not there yet. */
@Timeout(180)
class PushRelayIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final List<String> H264_AAC = List.of("aac,audio", "h264,video,320,240");

    @TempDir
    Path dir;

    private static ServerConfig pushingTo(String... urls) {
        return ServerConfig.forTests().withPushes(new PushConfig(Map.of("live", List.of(urls)), Set.of()));
    }

    private static boolean published(TestServer server, String name) {
        LiveStream s = server.server.registry().get(new StreamKey("live", name));
        return s != null && s.isPublished();
    }


    private void expectDecodable(Path file) throws Exception {
        assertEquals(H264_AAC, Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file), "decodes without errors");
    }

    @Test
    void aStreamPushedToAnotherServerPlaysThereAndIsUnpublishedWhenThePublisherLeaves() throws Exception {
        try (TestServer target = new TestServer();
             TestServer origin = new TestServer(pushingTo(target.appUrl("live")))) {
            Tools.Run publisher = Tools.publishTestStream("push-publish", origin.url("live", "cam"), "320x240", 8,
                    true, true);
            Await.until(() -> published(target, "cam"), "the push publishes on the target");
            Path file = dir.resolve("pushed.flv");
            Tools.captureToFile("push-play", target.url("live", "cam"), file, 4).expectSuccess(LIMIT);
            publisher.expectSuccess(LIMIT);
            expectDecodable(file);

            Await.until(() -> !published(target, "cam"), "the push unpublishes when the publisher leaves");
            Await.until(() -> origin.server.pushes().of(new StreamKey("live", "cam")).isEmpty(), "the target stops");
        }
    }

    /** nginx-rtmp with one live application on {@code port}. */
    private Tools.Run nginx(int port) throws Exception {
        return Peers.nginx(dir, "push-nginx", port, "live on;");
    }

    @Test
    void aStreamPushedToNginxRtmpPlaysFromIt() throws Exception {
        int port = Peers.freePort();
        Tools.Run nginx = nginx(port);
        try (TestServer origin = new TestServer(pushingTo("rtmp://127.0.0.1:" + port + "/live/{name}"))) {
            Tools.Run publisher = Tools.publishTestStream("push-nginx-publish", origin.url("live", "ngx"), "320x240",
                    10, true, true);
            Await.until(() -> origin.server.pushes().of(new StreamKey("live", "ngx")).stream()
                    .anyMatch(t -> t.status().state().equals("publishing")), "the push publishes on nginx");
            Path file = dir.resolve("nginx.flv");
            Tools.captureToFile("push-nginx-play", "rtmp://127.0.0.1:" + port + "/live/ngx", file, 4)
                    .expectSuccess(LIMIT);
            publisher.expectSuccess(LIMIT);
            expectDecodable(file);
        } finally {
            nginx.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aTargetThatStopsReadingLosesFramesToKeyframesWhileLocalPlayersPlayOn() throws Exception {
        int port = Peers.freePort();
        Tools.Run nginx = nginx(port);
        StreamKey key = new StreamKey("live", "stalled");
        List<ProcessHandle> nginxProcesses = new ArrayList<>();
        try (TestServer origin = new TestServer(pushingTo("rtmp://127.0.0.1:" + port + "/live"))) {
            Tools.Run publisher = Tools.publishNoisyStream("stalled-publish", origin.url("live", "stalled"), 60);
            try {
                PushTarget target = Await.value(() -> origin.server.pushes().of(key).get(0), "the target");
                Await.until(() -> target.status().state().equals("publishing"), "the push publishes on nginx");
                // Only now: nginx forks its worker after it starts listening, and the worker is what reads.
                nginxProcesses.add(nginx.process().toHandle());
                nginxProcesses.addAll(nginx.process().descendants().toList());
                assertTrue(nginxProcesses.size() >= 2, "nginx has its worker: " + nginxProcesses);
                for (ProcessHandle p : nginxProcesses) {
                    Tools.output(Duration.ofSeconds(10), "kill", "-STOP", Long.toString(p.pid()));
                }
                Await.within(Duration.ofSeconds(40), () -> target.status().droppedFrames() > 0,
                        "the stalled target drops frames");
                Path local = dir.resolve("stalled-local.flv");
                Tools.captureToFile("stalled-local-play", origin.url("live", "stalled"), local, 4).expectSuccess(LIMIT);
                assertEquals(List.of("aac,audio", "h264,video,640,360"), Tools.probeStreams(local));
                assertEquals("", Tools.decodeErrors(local), "the local player is untouched");
                assertTrue(origin.server.counters().framesDroppedPushBehind.sum() >= target.status().droppedFrames());

                publisher.kill();
                Await.within(Duration.ofSeconds(20), () -> origin.server.pushes().of(key).isEmpty(),
                        "the stalled target is cut off once the publisher left");
            } finally {
                publisher.kill();
                for (ProcessHandle p : nginxProcesses) {
                    Tools.output(Duration.ofSeconds(10), "kill", "-CONT", Long.toString(p.pid()));
                }
                nginx.stop(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aDeadTargetIsRetriedWithBackoffWhileLocalPlayersPlayAndIsFedOnceAServerAppears() throws Exception {
        int port = Peers.freePort();
        StreamKey key = new StreamKey("live", "dead");
        try (TestServer origin = new TestServer(pushingTo("rtmp://127.0.0.1:" + port + "/live"))) {
            Tools.Run publisher = Tools.publishTestStream("dead-publish", origin.url("live", "dead"), "320x240", 30,
                    true, true);
            try {
                Path local = dir.resolve("local.flv");
                Tools.captureToFile("dead-local-play", origin.url("live", "dead"), local, 4).expectSuccess(LIMIT);
                expectDecodable(local);

                PushTarget target = origin.server.pushes().of(key).get(0);
                Await.until(() -> target.status().attempts() >= 2 && target.status().state().equals("waiting"),
                        "a second attempt failed");
                PushTarget.Status s = target.status();
                assertTrue(s.lastError() != null && !s.lastError().isEmpty(), s.toString());
                assertTrue(s.nextRetryMs() <= 30_000, s.toString());
                assertEquals(0, s.bytesSent(), s.toString());

                ServerConfig c = ServerConfig.forTests();
                try (TestServer late = new TestServer(new ServerConfig(c.bind(), port, c.recording(), c.session(),
                        c.streams(), c.appStreams(), c.http(), c.limits(), c.tls(), c.access(), c.hooks(),
                        c.pushes(), c.pulls(), c.cluster()))) {
                    Await.within(Duration.ofSeconds(20), () -> published(late, "dead"), "the target gets the stream");
                    Path pushed = dir.resolve("late.flv");
                    Tools.captureToFile("dead-late-play", late.url("live", "dead"), pushed, 3).expectSuccess(LIMIT);
                    expectDecodable(pushed);
                    assertEquals("publishing", target.status().state());
                    assertTrue(target.status().bytesSent() > 0);
                }
            } finally {
                publisher.kill();
            }
        }
    }

    @Test
    void pushesAreAddedAndRemovedThroughTheApiWithTheirStreamKeyRedacted() throws Exception {
        try (TestServer target = new TestServer();
             TestServer origin = new TestServer(ServerConfig.forTests()
                     .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())));
             HttpClient client = HttpClient.newHttpClient()) {
            String api = "http://127.0.0.1:" + origin.server.httpPort().orElseThrow() + "/api/streams";
            Tools.Run publisher = Tools.publishTestStream("api-publish", origin.url("live", "api"), "320x240", 20,
                    true, true);
            try {
                Await.until(() -> published(origin, "api"), "the publisher is on");
                HttpResponse<String> added = client.send(HttpRequest.newBuilder(URI.create(api + "/live/api/pushes"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + target.appUrl("live")
                                + "/copy?key=secret\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, added.statusCode(), added.body());
                Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(added.body());
                assertTrue(id.find(), added.body());

                Await.until(() -> published(target, "copy"), "the added push publishes on the target");
                String streams = client.send(HttpRequest.newBuilder(URI.create(api)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(streams.contains("\"pushes\":[{\"id\":\"" + id.group(1) + "\",\"url\":\"rtmp://127.0.0.1:"
                        + target.port() + "/live/REDACTED\",\"state\":\"publishing\""), streams);
                assertFalse(streams.contains("secret"), streams);
                try (Browser browser = Browser.open(dir.resolve("chromium"), "http://127.0.0.1:"
                        + origin.server.httpPort().orElseThrow() + "/", 1280, 900)) {
                    String card = browser.await("document.querySelector('[data-stream=\"live/api\"]')?.innerText ?? ''",
                            t -> t.contains("1 push to other servers"), "the dashboard lists the push");
                    assertTrue(card.contains("rtmp://127.0.0.1:" + target.port() + "/live/REDACTED")
                            && card.contains("publishing") && !card.contains("secret"), card);
                }

                Path file = dir.resolve("api.flv");
                Tools.captureToFile("api-play", target.url("live", "copy"), file, 3).expectSuccess(LIMIT);
                expectDecodable(file);

                HttpResponse<String> removed = client.send(HttpRequest.newBuilder(
                        URI.create(api + "/live/api/pushes/" + id.group(1))).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(204, removed.statusCode(), removed.body());
                Await.until(() -> !published(target, "copy"), "the removed push unpublishes");
                Await.until(() -> origin.server.pushes().of(new StreamKey("live", "api")).isEmpty(),
                        "the removed push is gone");
                assertTrue(published(origin, "api"), "the publisher goes on");
            } finally {
                publisher.kill();
            }
        }
    }

    @Test
    void rtmpsTargetsHaveTheirCertificateCheckedUnlessTheirApplicationTrustsAny() throws Exception {
        try (TestServer target = new TestServer(ServerConfig.forTests().withTls(Tools.selfSignedPem(dir)))) {
            String url = "rtmps://localhost:" + target.server.tlsPort().orElseThrow() + "/live";
            try (TestServer checking = new TestServer(pushingTo(url));
                 TestServer trusting = new TestServer(ServerConfig.forTests().withPushes(
                         new PushConfig(Map.of("live", List.of(url)), Set.of("live"))))) {
                Tools.Run refused = Tools.publishTestStream("rtmps-checked", checking.url("live", "checked"),
                        "320x240", 20, true, true);
                Tools.Run trusted = Tools.publishTestStream("rtmps-trusted", trusting.url("live", "trusted"),
                        "320x240", 20, true, true);
                try {
                    Await.until(() -> published(target, "trusted"), "the push-insecure target publishes");
                    PushTarget checked = Await.value(() -> checking.server.pushes()
                            .of(new StreamKey("live", "checked")).get(0), "the checked target");
                    Await.until(() -> checked.status().lastError() != null, "the checked target fails");
                    assertTrue(checked.status().lastError().contains("PKIX"), checked.status().toString());
                    assertFalse(published(target, "checked"));
                    Path file = dir.resolve("rtmps.flv");
                    Tools.captureToFile("rtmps-play", target.url("live", "trusted"), file, 3).expectSuccess(LIMIT);
                    expectDecodable(file);
                } finally {
                    refused.kill();
                    trusted.kill();
                }
            }
        }
    }

    @Test
    void theOnPublishCallbackMayAnswerWithPushTargets() throws Exception {
        try (TestServer target = new TestServer()) {
            HttpServer hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            hook.createContext("/on_publish", ex -> {
                ex.getRequestBody().readAllBytes();
                byte[] body = ("{\"push\": [\"" + target.appUrl("live") + "/{name}_copy\"]}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            hook.start();
            AccessConfig access = new AccessConfig(Map.of(), Map.of(), Optional.of(URI.create("http://127.0.0.1:"
                    + hook.getAddress().getPort() + "/on_publish")), Optional.empty(), Duration.ofSeconds(5));
            try (TestServer origin = new TestServer(ServerConfig.forTests().withAccess(access))) {
                Tools.Run publisher = Tools.publishTestStream("hook-publish", origin.url("live", "cam"), "320x240",
                        15, true, true);
                try {
                    Await.until(() -> published(target, "cam_copy"), "the callback's push publishes");
                    Path file = dir.resolve("hook.flv");
                    Tools.captureToFile("hook-play", target.url("live", "cam_copy"), file, 3).expectSuccess(LIMIT);
                    expectDecodable(file);
                } finally {
                    publisher.kill();
                }
            } finally {
                hook.stop(0);
            }
        }
    }
}
