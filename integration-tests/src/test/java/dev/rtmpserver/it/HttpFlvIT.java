package dev.rtmpserver.it;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.Limits;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live streams as FLV over HTTP and WebSocket at /APP/NAME.flv, read by real clients: ffmpeg
 * (5.1 for H.264, 8 for HEVC) and the JDK's WebSocket client, checked with ffprobe.
 */
@Timeout(120)
class HttpFlvIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static TestServer server;
    private static String http;

    @BeforeAll
    static void start() throws IOException {
        AccessConfig access = new AccessConfig(Map.of(), Map.of("private", Set.of("view")), Optional.empty(),
                Optional.empty(), AccessConfig.DEFAULT_CALLBACK_TIMEOUT);
        server = new TestServer(ServerConfig.forTests().withAccess(access)
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())));
        http = "http://127.0.0.1:" + server.server.httpPort().orElseThrow();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void ffmpegPlaysALiveStreamOverHttpFromACachedKeyframe() throws Exception {
        Tools.Run publisher = Tools.publishTestStream("hf-publish", server.url("live", "hf"), "320x240", 8, true, true);
        server.awaitPublishedAWhile("live", "hf");
        Path file = dir.resolve("hf.flv");
        Tools.start("hf-play", "ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-i",
                http + "/live/hf.flv", "-t", "3", "-c", "copy", "-y", file.toString()).expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);
        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file));
        assertEquals("K__", Ffmpeg8.firstVideoPacketFlags(file), "starts at the cached keyframe");
        assertTrue(Tools.durationSeconds(file) >= 2.5, "about 3 s");
    }

    @Test
    void aWebSocketGetsTheSameFlvInBinaryMessagesAndTheApiListsItsViewer() throws Exception {
        Tools.Run publisher = Tools.publishTestStream("ws-publish", server.url("live", "ws"), "320x240", 8, true, true);
        server.awaitPublishedAWhile("live", "ws");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        int[] messages = {0};
        try (HttpClient client = HttpClient.newHttpClient()) {
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:"
                    + server.server.httpPort().orElseThrow() + "/live/ws.flv"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
                            synchronized (received) {
                                byte[] b = new byte[data.remaining()];
                                data.get(b);
                                received.writeBytes(b);
                                messages[0]++;
                            }
                            socket.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                            closed.complete(status);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            Thread.sleep(1000);
            String streams = client.send(HttpRequest.newBuilder(URI.create(http + "/api/streams")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(streams.contains("\"protocol\":\"ws-flv\""), streams);
            Thread.sleep(2000);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "enough").get(10, TimeUnit.SECONDS);
        }
        publisher.expectSuccess(LIMIT);
        Path file = dir.resolve("ws.flv");
        synchronized (received) {
            Files.write(file, received.toByteArray());
        }
        assertTrue(messages[0] > 10, "a message per batch of frames: " + messages[0]);
        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file));
        assertTrue(Tools.durationSeconds(file) >= 2, "about 3 s");
    }

    @Test
    void hevcGoesToHttpFlvPlayersAsEnhancedFlv() throws Exception {
        Tools.Run publisher = Ffmpeg8.start("hf-hevc-publish", "ffmpeg", "-hide_banner", "-loglevel", "warning",
                "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "7", "-pix_fmt", "yuv420p", "-g", "25", "-c:v",
                "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-c:a", "libopus", "-f", "flv",
                server.url("live", "hevc"));
        server.awaitPublishedAWhile("live", "hevc");
        Path file = dir.resolve("hevc.flv");
        Ffmpeg8.start("hf-hevc-play", "ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-i",
                http + "/live/hevc.flv", "-t", "2", "-c", "copy", "-y", file.toString()).expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);
        assertEquals(List.of("hevc,320,240", "opus"), Ffmpeg8.probeStreams(file));
        assertEquals("", Ffmpeg8.decodeErrors(file));
    }

    @Test
    void theConnectionLimitsBoundViewersToo() throws Exception {
        Limits limits = new Limits(10, 2, Limits.DEFAULT_MAX_STREAMS, Limits.DEFAULT_SHUTDOWN_GRACE);
        try (TestServer limited = new TestServer(ServerConfig.forTests().withLimits(limits)
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())));
             HttpClient client = HttpClient.newHttpClient()) {
            String base = "http://127.0.0.1:" + limited.server.httpPort().orElseThrow();
            Tools.Run publisher = Tools.publishTestStream("hf-limits", limited.url("live", "lim"), "320x240", 6, true,
                    true);
            StreamKey key = new StreamKey("live", "lim");
            Await.until(() -> limited.server.registry().get(key) != null
                    && limited.server.registry().get(key).isPublished(), "published");
            List<HttpResponse<java.io.InputStream>> open = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                open.add(client.send(HttpRequest.newBuilder(URI.create(base + "/live/lim.flv")).build(),
                        HttpResponse.BodyHandlers.ofInputStream()));
                assertEquals(200, open.get(i).statusCode());
            }
            HttpResponse<String> third = client.send(HttpRequest.newBuilder(URI.create(base + "/live/lim.flv")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, third.statusCode());
            assertTrue(third.body().contains("maximum of 2 viewers"), third.body());
            for (HttpResponse<java.io.InputStream> r : open) {
                r.body().close();
            }
            publisher.expectSuccess(LIMIT);
        }
    }

    @Test
    void unknownStreamsGet404AndThePlayRulesApply() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create(http + "/live/none.flv")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(404, none.statusCode());
            assertTrue(none.body().contains("nobody publishes live/none"), none.body());

            Tools.Run publisher = Tools.publishTestStream("hf-private", server.url("private", "cam"), "320x240", 5,
                    true, true);
            server.awaitPublishedAWhile("private", "cam");
            HttpResponse<String> denied = client.send(HttpRequest.newBuilder(URI.create(http
                    + "/private/cam.flv?token=wrong")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, denied.statusCode());
            HttpResponse<java.io.InputStream> allowed = client.send(HttpRequest.newBuilder(URI.create(http
                    + "/private/cam.flv?token=view")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, allowed.statusCode());
            assertEquals(Optional.of("video/x-flv"), allowed.headers().firstValue("Content-Type"));
            try (java.io.InputStream in = allowed.body()) {
                byte[] header = in.readNBytes(3);
                assertEquals("FLV", new String(header, java.nio.charset.StandardCharsets.US_ASCII));
            }
            publisher.expectSuccess(LIMIT);
        }
    }
}
