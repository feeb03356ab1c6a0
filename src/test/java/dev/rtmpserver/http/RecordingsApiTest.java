package dev.rtmpserver.http;

import dev.rtmpserver.browser.FlvPlayback;
import dev.rtmpserver.hls.HlsConfig;
import dev.rtmpserver.hls.HlsRequests;
import dev.rtmpserver.hls.HlsStreams;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.record.RecordFiles;
import dev.rtmpserver.relay.PushConfig;
import dev.rtmpserver.relay.Pushes;
import dev.rtmpserver.session.AccessControl;
import dev.rtmpserver.stream.Scheduler;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /api/recordings} and {@code /recordings/FILE} through {@link HttpApi}'s handler and a
 * {@link FakeExchange}, over fake files in a temporary record directory. Successful deletes are
 * left to RecordingsHttpIT: they log, and tinylog must stay unconfigured here (see HttpApiTest).
 */
class RecordingsApiTest {
    private static final String TOKEN = "t0ken";
    private static final String CAM = "live/cam1-20261124-120000.flv";
    private static final byte[] CONTENT = new byte[1000];

    static {
        for (int i = 0; i < CONTENT.length; i++) {
            CONTENT[i] = (byte) (i * 7);
        }
    }

    @TempDir
    Path temp;
    private Path root;
    private RecordFiles files;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private HttpApi api;

    /** What the handler sent. */
    private record Answer(int status, Map<String, String> headers, byte[] bytes) {
        String header(String name) {
            return headers.get(name);
        }

        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(temp.resolve("records"));
        Files.writeString(temp.resolve("secret.flv"), "SECRET");
        Files.createDirectories(root.resolve("live"));
        Files.write(root.resolve(CAM), CONTENT);
        Files.setLastModifiedTime(root.resolve(CAM), FileTime.from(Instant.parse("2026-11-24T12:10:00Z")));
        Files.writeString(root.resolve("live/cam2-20261123-080000.flv"), "x");
        Files.writeString(root.resolve("live/notes.txt"), "x");
        Files.createSymbolicLink(root.resolve("live/out.flv"), temp.resolve("secret.flv"));
        files = new RecordFiles(root);
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        timer.shutdownNow();
    }

    private void create(Optional<String> token, Optional<RecordFiles> recordings) {
        StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(),
                dev.rtmpserver.stream.Scheduler.of(timer), System::nanoTime, 100);
        api = new HttpApi(new HttpConfig(InetAddress.getLoopbackAddress(), 0, token), registry, List::of,
                new Counters(), (key, ban) -> false, List::of, recordings,
                () -> new ConfigReload.Result(false, List.of()), List::of, new FlvPlayback(registry,
                        () -> AccessControl.ALLOW_ALL, new Counters(), new FlvPlayback.Limits(1 << 20, Duration.ofSeconds(10), 100, 10)),
                new HlsRequests(new HlsStreams(registry, HlsConfig.defaults(), Scheduler.of(timer))),
                new Pushes(registry, PushConfig::none, new Counters()));
    }

    private void create() {
        create(Optional.of(TOKEN), Optional.of(files));
    }

    private Answer send(String method, String path, String... headers) throws IOException {
        return send(method, path, TOKEN, InetAddress.getLoopbackAddress(), headers);
    }

    private Answer send(String method, String path, String token, InetAddress from, String... headers)
            throws IOException {
        FakeExchange ex = new FakeExchange(method, path, from);
        if (token != null) {
            ex.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            ex.header(headers[i], headers[i + 1]);
        }
        FakeExchange.Sent sent = ex.send(api);
        return new Answer(sent.status(), sent.headers(), sent.body());
    }

    @Test
    void listsEveryRecordingNewestFirstWithItsDownloadUrl() throws IOException {
        create();
        Answer r = send("GET", "/api/recordings");
        assertEquals(200, r.status());
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("{\"total\":2,\"offset\":0,\"limit\":100,\"recordings\":["
                + "{\"file\":\"live/cam1-20261124-120000.flv\",\"app\":\"live\",\"stream\":\"cam1\","
                + "\"startedAt\":\"2026-11-24T12:00:00Z\",\"size\":1000,\"recording\":false,"
                + "\"url\":\"/recordings/live/cam1-20261124-120000.flv\"},"
                + "{\"file\":\"live/cam2-20261123-080000.flv\",\"app\":\"live\",\"stream\":\"cam2\","
                + "\"startedAt\":\"2026-11-23T08:00:00Z\",\"size\":1,\"recording\":false,"
                + "\"url\":\"/recordings/live/cam2-20261123-080000.flv\"}]}\n", r.body());
    }

    @Test
    void aFileStillBeingWrittenIsListedAsRecordingAndCannotBeDeleted() throws IOException {
        create();
        RecordFiles.Created created = files.create("live", "cam3", ZonedDateTime.of(2026, 11, 25, 0, 0, 0, 0,
                ZoneOffset.UTC));
        try {
            String body = send("GET", "/api/recordings?limit=1").body();
            assertTrue(body.contains("\"file\":\"live/cam3-20261125-000000.flv\""), body);
            assertTrue(body.contains("\"recording\":true"), body);
            Answer delete = send("DELETE", "/recordings/live/cam3-20261125-000000.flv");
            assertEquals(409, delete.status());
            assertTrue(delete.body().contains("still being recorded"), delete.body());
            assertEquals(200, send("GET", "/recordings/live/cam3-20261125-000000.flv").status(),
                    "it may be downloaded as far as it is written");
        } finally {
            created.channel().close();
            files.closed(created.path());
        }
        assertTrue(Files.exists(created.path()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "|", textBlock = """
            ?app=live&stream=cam2                                  | live/cam2-20261123-080000.flv
            ?app=other                                             |
            ?stream=cam1                                           | live/cam1-20261124-120000.flv
            ?from=2026-11-24                                       | live/cam1-20261124-120000.flv
            ?to=2026-11-23                                         | live/cam2-20261123-080000.flv
            ?to=2026-11-24T12:00:00Z                               | live/cam2-20261123-080000.flv
            ?from=2026-11-24T13:00:00%2B01:00                      | live/cam1-20261124-120000.flv
            ?from=2026-11-24T13:00:01+01:00                        |
            ?from=2026-11-23&to=2026-11-24&limit=1000&offset=0     | live/cam1-20261124-120000.flv live/cam2-20261123-080000.flv
            ?limit=1&offset=1                                      | live/cam2-20261123-080000.flv
            ?offset=2                                              |
            ?limit=0                                               |
            """)
    void filtersAndPages(String query, String expected) throws IOException {
        create();
        Answer r = send("GET", "/api/recordings" + query);
        assertEquals(200, r.status(), r.body());
        List<String> want = expected == null ? List.of() : Arrays.asList(expected.split(" "));
        List<String> got = Arrays.stream(r.body().split("\"file\":\"")).skip(1)
                .map(s -> s.substring(0, s.indexOf('"'))).toList();
        assertEquals(want, got, r.body());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "|", textBlock = """
            limit=abc          | limit
            limit=1001         | limit
            limit=-1           | limit
            limit=             | limit
            offset=1.5         | offset
            offset=9999999999  | offset
            from=yesterday     | from
            from=2026-11-24T12 | from
            to=2026-13-01      | to
            app=               | app
            stream=            | stream
            sort=newest        | sort
            app=a&app=b        | app
            """)
    void aBadParameterIs400NamingIt(String query, String parameter) throws IOException {
        create();
        Answer r = send("GET", "/api/recordings?" + query);
        assertEquals(400, r.status(), query);
        assertTrue(r.body().startsWith("{\"error\":\"") && r.body().contains(parameter), r.body());
    }

    @Test
    void withoutRecordingBothPathsSay404() throws IOException {
        create(Optional.of(TOKEN), Optional.empty());
        for (String path : new String[] {"/api/recordings", "/recordings/" + CAM}) {
            Answer r = send("GET", path);
            assertEquals(404, r.status(), path);
            assertTrue(r.body().contains("--record-dir"), r.body());
        }
    }

    @Test
    void downloadsTheWholeFileWithItsValidators() throws IOException {
        create();
        Answer r = send("GET", "/recordings/" + CAM);
        assertEquals(200, r.status());
        assertArrayEquals(CONTENT, r.bytes());
        assertEquals("video/x-flv", r.header("Content-Type"));
        assertEquals("1000", r.header("Content-Length"));
        assertEquals("bytes", r.header("Accept-Ranges"));
        assertEquals("Tue, 24 Nov 2026 12:10:00 GMT", r.header("Last-Modified"));
        assertTrue(r.header("ETag").matches("\"3e8-[0-9a-f]+\""), r.header("ETag"));
        assertNull(r.header("Content-Range"));

        Answer head = send("HEAD", "/recordings/" + CAM);
        assertEquals(200, head.status());
        assertEquals(0, head.bytes().length);
        for (String name : new String[] {"Content-Type", "Content-Length", "Accept-Ranges", "Last-Modified", "ETag"}) {
            assertEquals(r.header(name), head.header(name), name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "|", textBlock = """
            bytes=0-99     | 0   | 99
            bytes=500-     | 500 | 999
            bytes=-10      | 990 | 999
            bytes=990-5000 | 990 | 999
            """)
    void sendsTheRangeAskedFor(String range, int first, int last) throws IOException {
        create();
        for (String method : new String[] {"GET", "HEAD"}) {
            Answer r = send(method, "/recordings/" + CAM, "Range", range);
            assertEquals(206, r.status(), method);
            assertEquals("bytes " + first + "-" + last + "/1000", r.header("Content-Range"));
            assertEquals(Integer.toString(last - first + 1), r.header("Content-Length"));
            byte[] expected = method.equals("GET") ? Arrays.copyOfRange(CONTENT, first, last + 1) : new byte[0];
            assertArrayEquals(expected, r.bytes(), method);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=1000-", "bytes=5-3", "bytes=abc", "bytes=-0"})
    void anUnsatisfiableRangeIs416WithTheSize(String range) throws IOException {
        create();
        Answer r = send("GET", "/recordings/" + CAM, "Range", range);
        assertEquals(416, r.status());
        assertEquals("bytes */1000", r.header("Content-Range"));
        assertTrue(r.body().startsWith("{\"error\":"), r.body());
    }

    @Test
    void severalRangesOrAStaleIfRangeGetTheWholeFile() throws IOException {
        create();
        Answer several = send("GET", "/recordings/" + CAM, "Range", "bytes=0-1,5-6");
        assertEquals(200, several.status());
        assertArrayEquals(CONTENT, several.bytes());
        String etag = several.header("ETag");
        assertEquals(206, send("GET", "/recordings/" + CAM, "Range", "bytes=0-1", "If-Range", etag).status());
        assertEquals(206, send("GET", "/recordings/" + CAM, "Range", "bytes=0-1", "If-Range",
                several.header("Last-Modified")).status());
        Answer stale = send("GET", "/recordings/" + CAM, "Range", "bytes=0-1", "If-Range", "\"1-2\"");
        assertEquals(200, stale.status());
        assertArrayEquals(CONTENT, stale.bytes());
    }

    /** Every way out of the record dir, raw and percent-encoded: refused, and never the file outside. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = "|", textBlock = """
            /recordings/../secret.flv                  | 400
            /recordings/live/../../secret.flv          | 400
            /recordings/%2e%2e/secret.flv              | 400
            /recordings/%2E%2E%2Fsecret.flv            | 400
            /recordings/live/%2e%2e/%2e%2e/secret.flv  | 400
            /recordings/%252e%252e/secret.flv          | 404
            /recordings/./live/cam1-20261124-120000.flv| 400
            /recordings//etc/passwd.flv                | 400
            /recordings/%2Fetc%2Fpasswd.flv            | 400
            /recordings/live%5C..%5C..%5Csecret.flv    | 400
            /recordings/live/cam1%00.flv               | 400
            /recordings/live/cam1-20261124-120000.flv%00.txt | 400
            /recordings/live/a%0Ab.flv                 | 400
            /recordings/live/out.flv                   | 404
            /recordings/live/notes.txt                 | 400
            /recordings/live                           | 400
            /recordings/                               | 400
            /recordings/live/none.flv                  | 404
            /recordings/live/%C3%28.flv                | 400
            """)
    void pathsOutsideTheRecordDirAreRefused(String path, int status) throws IOException {
        create();
        for (String method : new String[] {"GET", "DELETE"}) {
            Answer r = send(method, path);
            assertEquals(status, r.status(), method + " " + path + ": " + r.body());
            assertTrue(r.body().startsWith("{\"error\":"), r.body());
            assertFalse(r.body().contains("SECRET"));
        }
        assertTrue(Files.exists(temp.resolve("secret.flv")));
        assertTrue(Files.exists(root.resolve("live/out.flv"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aRecordingPathTakesGetHeadAndDeleteOnly() throws IOException {
        create();
        Answer r = send("PUT", "/recordings/" + CAM);
        assertEquals(405, r.status());
        assertEquals("GET, HEAD, DELETE", r.header("Allow"));
        assertEquals(405, send("DELETE", "/api/recordings").status());
    }

    @Test
    void theTokenGuardsRecordingsAsItGuardsTheApi() throws IOException {
        create();
        for (String path : new String[] {"/api/recordings", "/recordings/" + CAM, "/recordings/live/none.flv"}) {
            for (String method : new String[] {"GET", "HEAD", "DELETE"}) {
                assertEquals(401, send(method, path, null, InetAddress.getLoopbackAddress()).status(), path);
                assertEquals(401, send(method, path, "wrong", InetAddress.getLoopbackAddress()).status(), path);
            }
        }
        api.close();
        create(Optional.empty(), Optional.of(files));
        InetAddress other = InetAddress.getByName("203.0.113.7");
        assertEquals(200, send("GET", "/recordings/" + CAM, null, InetAddress.getLoopbackAddress()).status());
        assertEquals(403, send("GET", "/recordings/" + CAM, null, other).status());
        assertEquals(403, send("DELETE", "/recordings/" + CAM, "any", other).status());
        assertEquals(403, send("GET", "/api/recordings", null, other).status());
        assertTrue(Files.exists(root.resolve(CAM)));
    }

    @Test
    void urlsEscapeWhatIsNotPlain() {
        assertEquals("/recordings/live/cam1-20261124-120000.flv", RecordingsApi.url(CAM));
        assertEquals("/recordings/a%20b/%C3%A9%25%3F%23.flv", RecordingsApi.url("a b/é%?#.flv"));
    }
}
