package dev.rtmpserver.it;

import com.sun.net.httpserver.HttpServer;
import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.hooks.HookFormat;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.wire.chunk.RawMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hooks against a real receiver: what arrives, when, in either format, after retries, and the program. */
@Timeout(120)
class HooksIT {
    private static final Duration UNPUBLISH_GRACE = Duration.ofMillis(300);

    @TempDir
    Path dir;

    /** A hook receiver on loopback that keeps every request and answers as {@code status} says for the n-th. */
    private static final class Receiver implements AutoCloseable {
        record Request(String path, String contentType, String body) {
            Map<String, String> form() {
                Map<String, String> fields = new LinkedHashMap<>();
                for (String pair : body.split("&", -1)) {
                    String[] kv = pair.split("=", 2);
                    fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                            URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
                }
                return fields;
            }
        }

        private final HttpServer server;
        final List<Request> requests = new CopyOnWriteArrayList<>();

        Receiver(IntUnaryOperator status) throws IOException {
            AtomicInteger count = new AtomicInteger();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Content-Type"),
                        body));
                ex.sendResponseHeaders(status.applyAsInt(count.incrementAndGet()), -1);
                ex.close();
            });
            server.start();
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        }

        Request await(String path) {
            return Await.value(() -> requests.stream().filter(r -> r.path().equals(path)).findFirst().orElse(null),
                    "a request to " + path);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static ServerConfig config(HookConfig hooks) {
        return ServerConfig.forTests().withHooks(hooks).withStreams(
                StreamPolicy.defaults().withGraces(StreamPolicy.DEFAULT_RECONNECT_GRACE, UNPUBLISH_GRACE), Map.of());
    }

    private static long count(TestServer server, String hook, String result) {
        return server.server.counters().hooks().get(hook).get(result);
    }

    /** A publish with the Java client: a sequence header and a second of frames, then deleteStream. */
    private static void publishBriefly(TestServer server, String name) throws IOException {
        try (RtmpClient c = RtmpClient.connect(server.appUrl("live"))) {
            int id = c.createStream();
            c.publish(id, name);
            c.sendVideo(id, 0, JavaClientRelayIT.AVC_HEADER);
            for (int n = 0; n < 25; n++) {
                c.sendVideo(id, n * 40, JavaClientRelayIT.videoFrame(n == 0, n));
            }
            c.deleteStream(id);
            c.call("getStreamLength", null, name);
        }
    }

    @Test
    void aPublishAPlayAndTheirRecordingAreReportedAndTheProgramRuns() throws Exception {
        Path records = dir.resolve("records");
        Path envFile = dir.resolve("env.txt");
        Path script = dir.resolve("on-record-done.sh");
        // Written to a temporary file and moved, so that the test never reads half of it.
        Files.writeString(script, "#!/bin/sh\n{ env | grep '^RTMP_' | sort; echo \"args: $*\"; } > " + envFile
                + ".tmp && mv " + envFile + ".tmp " + envFile + "\necho uploaded \"$RTMP_FILE\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        String name = "cam&id=1";
        try (Receiver receiver = new Receiver(n -> 200)) {
            HookConfig hooks = new HookConfig(Optional.of(receiver.url("/unpublish")),
                    Optional.of(receiver.url("/done")), Optional.of(receiver.url("/record_done")),
                    List.of(script.toString(), "--from", "$HOME"), HookFormat.FORM, HookConfig.DEFAULT_TIMEOUT);
            ServerConfig config = config(hooks).withRecording(RecordConfig.all(records))
                    .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty()));
            try (TestServer server = new TestServer(config)) {
                Tools.Run publisher;
                long playerBytes;
                try (RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
                    player.play(player.createStream(), name);
                    publisher = Tools.publishTestStream("hooks-publish", server.url("live", name), "320x240", 3,
                            true, true);
                    // A second of the stream, then the player leaves while the publish goes on.
                    RawMessage m;
                    do {
                        m = player.readMedia();
                    } while (m.timestamp() < 1000);
                    playerBytes = player.bytesRead();
                }
                Receiver.Request done = receiver.await("/done");
                assertTrue(receiver.requests.stream().noneMatch(r -> r.path().equals("/unpublish")),
                        "the player left first");
                publisher.expectSuccess(Duration.ofSeconds(40));

                Map<String, String> d = done.form();
                assertEquals("application/x-www-form-urlencoded", done.contentType());
                assertEquals(List.of("call", "app", "name", "addr", "duration", "bytes"), List.copyOf(d.keySet()));
                assertEquals("done", d.get("call"));
                assertEquals("live", d.get("app"));
                assertEquals(name, d.get("name"));
                assertEquals("127.0.0.1", d.get("addr"));
                assertTrue(Double.parseDouble(d.get("duration")) >= 1, d.toString());
                long sent = Long.parseLong(d.get("bytes"));
                assertTrue(sent > 10_000 && sent <= playerBytes + 1024 * 1024, sent + " bytes, player read "
                        + playerBytes);

                Map<String, String> u = receiver.await("/unpublish").form();
                assertEquals(List.of("call", "app", "name", "addr", "duration", "bytes", "reason"),
                        List.copyOf(u.keySet()));
                assertEquals("unpublish", u.get("call"));
                assertEquals("live", u.get("app"));
                assertEquals(name, u.get("name"));
                assertEquals("127.0.0.1", u.get("addr"));
                assertEquals("unpublish", u.get("reason"), "ffmpeg unpublishes before it disconnects");
                double published = Double.parseDouble(u.get("duration"));
                assertTrue(published >= 2.5 && published < 6, "a 3 s publish lasted " + published + " s");

                Receiver.Request recordDone = receiver.await("/record_done");
                assertTrue(receiver.requests.indexOf(recordDone) > receiver.requests.stream()
                        .filter(r -> r.path().equals("/unpublish")).findFirst().map(receiver.requests::indexOf)
                        .orElseThrow(), "the recording ends after the unpublish grace");
                Map<String, String> r = recordDone.form();
                assertEquals(List.of("call", "app", "name", "path", "file", "duration", "size", "video", "audio"),
                        List.copyOf(r.keySet()));
                assertEquals("record_done", r.get("call"));
                assertEquals("live", r.get("app"));
                assertEquals(name, r.get("name"));
                Path file = Path.of(r.get("path"));
                assertTrue(file.isAbsolute() && Files.isRegularFile(file), file.toString());
                assertEquals(records.toRealPath().resolve(r.get("file")), file);
                assertTrue(r.get("file").matches("live/cam_id_1-\\d{8}-\\d{6}\\.flv"), r.get("file"));
                assertEquals(Files.size(file), Long.parseLong(r.get("size")));
                double recorded = Double.parseDouble(r.get("duration"));
                assertEquals(3.0, recorded, 0.5, "duration from the recording");
                assertEquals(Tools.durationSeconds(file), recorded, 0.2, "as ffprobe measures it");
                assertEquals("H.264", r.get("video"));
                assertEquals("AAC", r.get("audio"));
                long publishedBytes = Long.parseLong(u.get("bytes"));
                assertTrue(Math.abs(publishedBytes - Long.parseLong(r.get("size"))) < publishedBytes / 10,
                        publishedBytes + " bytes published, recorded in " + r.get("size"));

                // The program got the same values, and its arguments untouched by any shell.
                String env = Await.value(() -> Files.readString(envFile), "the program's output");
                Map<String, String> expected = new LinkedHashMap<>();
                r.forEach((key, value) -> {
                    if (!key.equals("call")) {
                        expected.put("RTMP_" + key.toUpperCase(Locale.ROOT), value);
                    }
                });
                for (Map.Entry<String, String> e : expected.entrySet()) {
                    assertTrue(env.lines().anyMatch(l -> l.equals(e.getKey() + "=" + e.getValue())),
                            e + " in\n" + env);
                }
                assertTrue(env.lines().anyMatch(l -> l.equals("args: --from $HOME " + file)), env);

                Await.until(() -> count(server, "exec_record_done", Counters.HOOK_OK) == 1, "the program exited");
                for (String hook : new String[] {"unpublish", "done", "record_done"}) {
                    assertEquals(1, count(server, hook, Counters.HOOK_OK), hook);
                }
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.server.httpPort().orElseThrow() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(metrics.contains("rtmp_hooks_total{hook=\"record_done\",result=\"ok\"} 1\n"), metrics);
                assertTrue(metrics.contains("rtmp_hooks_total{hook=\"unpublish\",result=\"failed\"} 0\n"), metrics);
            }
        }
    }

    @Test
    void jsonBodiesCarryTheSameFieldsWithNumbersAsNumbers() throws Exception {
        try (Receiver receiver = new Receiver(n -> 204)) {
            HookConfig hooks = new HookConfig(Optional.of(receiver.url("/unpublish")), Optional.empty(),
                    Optional.empty(), List.of(), HookFormat.JSON, HookConfig.DEFAULT_TIMEOUT);
            try (TestServer server = new TestServer(config(hooks))) {
                publishBriefly(server, "a&b=\"c\"");
                Receiver.Request r = receiver.await("/unpublish");
                assertEquals("application/json", r.contentType());
                assertTrue(r.body().matches("\\{\"call\":\"unpublish\",\"app\":\"live\",\"name\":\"a&b=\\\\\"c\\\\\"\","
                        + "\"addr\":\"127\\.0\\.0\\.1\",\"duration\":[0-9.]+,\"bytes\":[1-9][0-9]*,"
                        + "\"reason\":\"unpublish\"}"), r.body());
            }
        }
    }

    @Test
    void aReceiverThatFailsTwiceGetsExactlyThreeRequests() throws Exception {
        try (Receiver receiver = new Receiver(n -> n <= 2 ? 503 : 200)) {
            HookConfig hooks = new HookConfig(Optional.of(receiver.url("/unpublish")), Optional.empty(),
                    Optional.empty(), List.of(), HookFormat.FORM, HookConfig.DEFAULT_TIMEOUT);
            try (TestServer server = new TestServer(config(hooks))) {
                long started = System.nanoTime();
                publishBriefly(server, "retried");
                // Retries come after about 1 and 2 s.
                Await.until(() -> count(server, "unpublish", Counters.HOOK_OK) == 1, "the third attempt succeeded");
                long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
                assertTrue(tookMillis >= 2000, "retries waited: " + tookMillis + " ms");
                // Long enough for a fourth attempt, were one ever made.
                LockSupport.parkNanos(Duration.ofSeconds(3).toNanos());
                assertEquals(3, receiver.requests.size(), receiver.requests.toString());
                assertTrue(receiver.requests.stream().allMatch(r -> r.body().equals(receiver.requests.get(0).body())),
                        "the same event each time");
                assertEquals(0, count(server, "unpublish", Counters.HOOK_FAILED));
            }
        }
    }
}
