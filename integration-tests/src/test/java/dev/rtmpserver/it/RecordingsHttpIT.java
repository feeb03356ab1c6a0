package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.record.Recordings;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.StreamPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recordings over HTTP against a real recording made by ffmpeg: listed while and after it is
 * written, downloaded whole and by range byte for byte, decodable, deleted; and what must be
 * refused on the wire (paths leaving the record dir, requests without the token).
 */
@Timeout(120)
class RecordingsHttpIT {
    private static final String TOKEN = "rec-token";

    @TempDir
    Path dir;

    private TestServer server(Path records) throws IOException {
        // A short unpublish grace: the recording ends soon after ffmpeg stops, not 3 s later.
        StreamPolicy policy = StreamPolicy.defaults().withGraces(StreamPolicy.DEFAULT_RECONNECT_GRACE,
                Duration.ofMillis(200));
        return new TestServer(ServerConfig.forTests().withRecording(RecordConfig.all(records))
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.of(TOKEN)))
                .withStreams(policy, Map.of()));
    }

    private static HttpResponse<byte[]> send(HttpClient client, TestServer server, String method, String path,
                                             String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.server.httpPort().orElseThrow() + path)).method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> authorized(HttpClient client, TestServer server, String method, String path,
                                                   String... headers) throws IOException, InterruptedException {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Authorization";
        all[headers.length + 1] = "Bearer " + TOKEN;
        return send(client, server, method, path, all);
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"[^\"]*\"|[^,}]*)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return m.group(1).replace("\"", "");
    }

    /** Sends a request line as is, for paths HttpClient would not send unchanged; returns the whole answer. */
    private static String raw(TestServer server, String method, String path) throws IOException {
        return RawHttp.exchange(server.server.httpPort().orElseThrow(), method + " " + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n");
    }

    @Test
    void aRecordingIsListedDownloadedWholeAndByRangeAndDeleted() throws Exception {
        Path records = dir.resolve("records");
        try (TestServer server = server(records); HttpClient client = HttpClient.newHttpClient()) {
            Tools.Run publisher = Tools.publishTestStream("rec-http-publish", server.url("live", "cam1"), "320x240", 4,
                    true, true);

            // While ffmpeg publishes: listed as recording, downloadable as far as written, not deletable.
            String live = Await.value(() -> {
                String body = text(authorized(client, server, "GET", "/api/recordings"));
                return body.contains("\"recording\":true") ? body : null;
            }, "the recording listed while it is written");
            String file = field(live, "file");
            assertTrue(file.matches("live/cam1-\\d{8}-\\d{6}\\.flv"), file);
            HttpResponse<byte[]> refused = authorized(client, server, "DELETE", "/recordings/" + file);
            assertEquals(409, refused.statusCode(), text(refused));
            HttpResponse<byte[]> partial = authorized(client, server, "GET", "/recordings/" + file);
            assertEquals(200, partial.statusCode());
            assertEquals(Long.toString(partial.body().length), partial.headers().firstValue("Content-Length")
                    .orElseThrow());

            publisher.expectSuccess(Duration.ofSeconds(40));
            Recordings recordings = server.server.recordings().orElseThrow();
            Await.until(() -> recordings.runningCount() == 0, "the recording is finished");
            Path onDisk = records.resolve(file);
            byte[] expected = Files.readAllBytes(onDisk);
            assertTrue(expected.length > 10_000, "a real recording: " + expected.length + " bytes");
            int metadataEnd = 13 + 11 + ((partial.body()[14] & 0xff) << 16 | (partial.body()[15] & 0xff) << 8
                    | (partial.body()[16] & 0xff)) + 4;
            assertArrayEquals(Arrays.copyOfRange(expected, metadataEnd, partial.body().length),
                    Arrays.copyOfRange(partial.body(), metadataEnd, partial.body().length),
                    "what was downloaded while recording is the start of the file, but for the rewritten metadata");

            // Listed as finished, with size and duration.
            HttpResponse<byte[]> list = authorized(client, server, "GET", "/api/recordings?app=live&stream=cam1");
            assertEquals(200, list.statusCode());
            String json = text(list);
            System.out.println("listing: " + json.strip());
            assertEquals("1", field(json, "total"));
            assertEquals(file, field(json, "file"));
            assertEquals("live", field(json, "app"));
            assertEquals("cam1", field(json, "stream"));
            assertTrue(field(json, "startedAt").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), json);
            assertEquals(Long.toString(expected.length), field(json, "size"));
            assertEquals(4.0, Double.parseDouble(field(json, "duration")), 0.5, json);
            assertEquals("false", field(json, "recording"));
            assertEquals("/recordings/" + file, field(json, "url"));

            // Whole, byte for byte, and it decodes.
            HttpResponse<byte[]> whole = authorized(client, server, "GET", "/recordings/" + file);
            assertEquals(200, whole.statusCode());
            assertArrayEquals(expected, whole.body());
            assertEquals("video/x-flv", whole.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElseThrow());
            assertTrue(whole.headers().firstValue("ETag").isPresent());
            assertTrue(whole.headers().firstValue("Last-Modified").isPresent());
            Path downloaded = Files.write(dir.resolve("downloaded.flv"), whole.body());
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(downloaded));
            assertEquals("", Tools.decodeErrors(downloaded));

            HttpResponse<byte[]> head = authorized(client, server, "HEAD", "/recordings/" + file);
            assertEquals(200, head.statusCode());
            assertEquals(0, head.body().length);
            assertEquals(Long.toString(expected.length), head.headers().firstValue("Content-Length").orElseThrow());
            assertEquals(whole.headers().firstValue("ETag"), head.headers().firstValue("ETag"));

            // By range: closed, open-ended, suffix, past the end.
            int n = expected.length;
            String[][] ranges = {{"bytes=100-1099", "100", "1099"}, {"bytes=" + (n - 700) + "-", n - 700 + "",
                    n - 1 + ""}, {"bytes=-500", n - 500 + "", n - 1 + ""}};
            for (String[] range : ranges) {
                HttpResponse<byte[]> r = authorized(client, server, "GET", "/recordings/" + file, "Range", range[0]);
                int first = Integer.parseInt(range[1]);
                int last = Integer.parseInt(range[2]);
                assertEquals(206, r.statusCode(), range[0]);
                assertEquals("bytes " + first + "-" + last + "/" + n, r.headers().firstValue("Content-Range")
                        .orElseThrow());
                assertArrayEquals(Arrays.copyOfRange(expected, first, last + 1), r.body(), range[0]);
            }
            HttpResponse<byte[]> beyond = authorized(client, server, "GET", "/recordings/" + file, "Range",
                    "bytes=" + n + "-");
            assertEquals(416, beyond.statusCode());
            assertEquals("bytes */" + n, beyond.headers().firstValue("Content-Range").orElseThrow());

            // Without the token nothing is shown or removed.
            assertEquals(401, send(client, server, "GET", "/api/recordings").statusCode());
            assertEquals(401, send(client, server, "GET", "/recordings/" + file).statusCode());
            assertEquals(401, send(client, server, "DELETE", "/recordings/" + file).statusCode());
            assertTrue(Files.exists(onDisk));

            HttpResponse<byte[]> deleted = authorized(client, server, "DELETE", "/recordings/" + file);
            assertEquals(204, deleted.statusCode(), text(deleted));
            assertFalse(Files.exists(onDisk));
            assertEquals(404, authorized(client, server, "GET", "/recordings/" + file).statusCode());
            assertEquals(404, authorized(client, server, "DELETE", "/recordings/" + file).statusCode());
            assertEquals("0", field(text(authorized(client, server, "GET", "/api/recordings")), "total"));
        }
    }

    @Test
    void pathsLeavingTheRecordDirAreRefusedOnTheWire() throws Exception {
        Path records = dir.resolve("records");
        Files.writeString(dir.resolve("secret.flv"), "SECRET");
        try (TestServer server = server(records)) {
            Files.createDirectories(records.resolve("live"));
            Files.writeString(records.resolve("live/ok-20261124-120000.flv"), "FLV");
            Files.createSymbolicLink(records.resolve("live/out.flv"), dir.resolve("secret.flv"));
            Files.createSymbolicLink(records.resolve("up"), dir);
            String[] paths = {"/recordings/../secret.flv", "/recordings/live/../../secret.flv",
                "/recordings/%2e%2e/secret.flv", "/recordings/%2E%2E%2Fsecret.flv",
                "/recordings/live/%2e%2e/%2e%2e/secret.flv", "/recordings/%2Fetc%2Fpasswd.flv",
                "/recordings//etc/passwd.flv", "/recordings/live%5C..%5C..%5Csecret.flv",
                "/recordings/live/ok-20261124-120000.flv%00", "/recordings/live/out.flv", "/recordings/up/secret.flv",
                "/recordings/%252e%252e/secret.flv", "/recordings/live/ok-20261124-120000.flv/../../../secret.flv"};
            for (String path : paths) {
                for (String method : new String[] {"GET", "DELETE"}) {
                    String answer = raw(server, method, path);
                    assertTrue(answer.startsWith("HTTP/1.1 400 ") || answer.startsWith("HTTP/1.1 404 "),
                            method + " " + path + ":\n" + answer);
                    assertFalse(answer.contains("SECRET"), answer);
                }
            }
            assertTrue(Files.exists(dir.resolve("secret.flv")));
            assertTrue(raw(server, "GET", "/recordings/live/ok-20261124-120000.flv").startsWith("HTTP/1.1 200 "));
        }
    }
}
