package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Metrics, the JSON API, kicking and the dashboard, against a live ffmpeg stream. */
@Timeout(180)
class ObservabilityIT {
    private static final String TOKEN = "test-token-123";
    /** Markup and a bidi override: control characters cannot reach a stream name, the server refuses them. */
    private static final String HOSTILE = "<b id=pwned>x<img src=x onerror=document.title=1>\u202e";
    /** One Prometheus text sample line: a name, optional labels, a number. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? (-?[0-9.eE+-]+|NaN)");
    /** The publisher's frame rate (see {@link Tools#publishTestStream}). */
    private static final double FPS = 25;
    /**
     * How far the measured rate may stray on a loaded test machine, where ffmpeg's pacing slips:
     * the unit test holds the computation itself to 0.5 with a fake clock.
     */
    private static final double FPS_TOLERANCE = 2;

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private static ServerConfig withHttp() {
        return ServerConfig.forTests().withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0,
                Optional.of(TOKEN)));
    }

    private HttpResponse<String> request(TestServer server, String method, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl(server) + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String httpUrl(TestServer server) {
        return "http://127.0.0.1:" + server.server.httpPort().orElseThrow();
    }

    /** Parses every sample of a scrape, failing on any line that is not valid exposition text. */
    static Map<String, Double> parsePrometheus(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not Prometheus text: " + line);
            String key = line.substring(0, line.lastIndexOf(' '));
            samples.put(key, Double.parseDouble(m.group(5)));
        }
        return samples;
    }

    private Map<String, Double> scrape(TestServer server) throws IOException, InterruptedException {
        HttpResponse<String> scrape = request(server, "GET", "/metrics", null);
        assertEquals(200, scrape.statusCode());
        return parsePrometheus(scrape.body());
    }

    @Test
    void metricsApiKickAndDashboardDuringALiveStream() throws Exception {
        try (TestServer server = new TestServer(withHttp())) {
            Tools.Run publisher = Tools.publishTestStream("obs-publish", server.url("live", "obs"), "640x360", 90,
                    true, true);
            try {
                LateJoinIT.awaitStreamTime(server, "obs", 2000);

                Map<String, Double> first = scrape(server);
                // A joiner gets up to a second of cached frames at once: this waits for new ones.
                LateJoinIT.awaitStreamTime(server, "obs", 2500);
                Map<String, Double> second = scrape(server);
                assertTrue(second.get("rtmp_received_bytes_total") > first.get("rtmp_received_bytes_total"),
                        "bytes in keep counting");
                assertTrue(second.get("rtmp_sent_bytes_total") > first.get("rtmp_sent_bytes_total"),
                        "bytes out keep counting");
                String obs = "{app=\"live\",stream=\"obs\"}";
                assertTrue(second.get("rtmp_stream_bytes_received_total" + obs)
                        > first.get("rtmp_stream_bytes_received_total" + obs), "the stream's bytes in keep counting");
                assertTrue(second.get("rtmp_stream_bytes_sent_total" + obs) > 0,
                        "what the watching players were sent counts, after they left too");
                assertTrue(second.get("rtmp_stream_bitrate_kbps" + obs) > 0, "stream bitrate");
                assertEquals(1.0, second.get("rtmp_connections{role=\"publisher\"}"));

                assertEquals(401, request(server, "GET", "/api/streams", null).statusCode(),
                        "reading the API needs the token too");
                String streams = request(server, "GET", "/api/streams", TOKEN).body();
                for (String expected : new String[] {"\"name\":\"obs\"", "\"codec\":\"H.264\"", "\"width\":640",
                        "\"height\":360", "\"codec\":\"AAC\""}) {
                    assertTrue(streams.contains(expected), expected + " in " + streams);
                }
                assertTrue(Pattern.compile("\"publisher\":\"conn-\\d+ 127\\.0\\.0\\.1:\\d+\"").matcher(streams).find(),
                        "the publisher as conn-ID HOST:PORT: " + streams);
                assertFalse(streams.contains("/127.0.0.1"), "addresses without Java's slash: " + streams);
                assertEquals(200, request(server, "GET", "/api/streams/live/obs", TOKEN).statusCode());
                assertEquals(404, request(server, "GET", "/api/streams/live/none", TOKEN).statusCode());
                assertTrue(request(server, "GET", "/api/connections", TOKEN).body().contains("\"role\":\"publisher\""));
                assertTrue(request(server, "GET", "/healthz", null).body().startsWith("ok\n"));

                dashboardNeedsTheToken(server);
                try (Browser browser = Browser.open(dir.resolve("chromium"), httpUrl(server) + "/#token=" + TOKEN,
                        1400, 900)) {
                    dashboardShowsTheStream(server, browser);
                    dashboardFitsAPhone(browser);
                    dashboardShowsHostileNamesAsText(server, browser);

                    assertEquals(401, request(server, "DELETE", "/api/streams/live/obs", null).statusCode(),
                            "a kick without the token is refused");
                    assertEquals(401, request(server, "DELETE", "/api/streams/live/obs", "wrong").statusCode());
                    dashboardKicks(server, browser, publisher);
                }
            } finally {
                publisher.kill();
            }
        }
    }

    /** Without the token the page loads but says what it needs, and shows no stream. */
    private void dashboardNeedsTheToken(TestServer server) throws Exception {
        String browser = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        String refused = Tools.output(Duration.ofSeconds(60), browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-no-token")),
                "--virtual-time-budget=4000", "--dump-dom", httpUrl(server) + "/");
        assertTrue(refused.contains("The API needs a token"), "the dashboard says it needs a token:\n" + refused);
        assertFalse(refused.contains("data-stream="), "no stream without the token:\n" + refused);
    }

    private void dashboardShowsTheStream(TestServer server, Browser browser) throws Exception {
        String totals = browser.await("document.getElementById('totals').textContent",
                t -> t.startsWith("1 stream · 0 players · "), "the dashboard counts one stream and no player");
        assertFalse(totals.contains("recorder"), "no recorder to count: " + totals);
        String card = "document.querySelector('[data-stream=\"live/obs\"]')";
        assertEquals("rtmp://127.0.0.1:" + server.port() + "/live/obs",
                browser.evaluate(card + ".querySelector('.url input').value"), "the play URL has the real port");
        String text = browser.evaluate(card + ".innerText");
        assertTrue(Pattern.compile("published by conn-\\d+ 127\\.0\\.0\\.1:\\d+ ").matcher(text).find(), text);
        assertFalse(browser.evaluate("document.body.innerText").contains("/127.0.0.1"), "plain addresses: " + text);
        assertTrue(text.contains("0\nplayers") && text.contains("0\nrecorders"), "players and recorders apart: " + text);
        assertEquals("false", browser.evaluate(card + ".querySelector('button.kick').hidden"),
                "a published stream can be ended");

        // By now the stream has run for the frame rate's whole window.
        LateJoinIT.awaitStreamTime(server, "obs", 3000);
        double metric = scrape(server).get("rtmp_stream_frame_rate{app=\"live\",stream=\"obs\"}");
        assertEquals(FPS, metric, FPS_TOLERANCE, "frame rate in /metrics");
        String fps = browser.await(card + ".querySelectorAll('.figure')[2].innerText", t -> t.endsWith("fps"),
                "the frame rate figure");
        assertEquals(FPS, Double.parseDouble(fps.replace("fps", "").strip()), FPS_TOLERANCE, "dashboard: " + fps);
        assertTrue(fps.matches("\\d+\\.\\d\\s+fps"), "one decimal: " + fps);

        Files.createDirectories(Tools.LOGS);
        browser.screenshot(Tools.LOGS.resolve("dashboard.png"));
        System.out.println("dashboard screenshot: " + Tools.LOGS.resolve("dashboard.png").toAbsolutePath());
    }

    /** At a phone's width nothing runs off the side of the page; the players table scrolls within itself if it must. */
    private void dashboardFitsAPhone(Browser browser) throws Exception {
        browser.resize(390, 844, true);
        browser.await("document.documentElement.scrollWidth <= document.documentElement.clientWidth", "true"::equals,
                "the page fits 390 pixels; it is " + browser.evaluate("document.documentElement.scrollWidth"));
        browser.await("[...document.querySelectorAll('canvas')].every(c => c.width === Math.round(c.clientWidth"
                + " * devicePixelRatio))", "true"::equals, "the chart is redrawn for the narrower page");
        browser.screenshot(Tools.LOGS.resolve("dashboard-phone.png"));
        browser.resize(1400, 900, false);
    }

    private void dashboardShowsHostileNamesAsText(TestServer server, Browser browser) throws Exception {
        try (RtmpClient hostile = RtmpClient.connect(server.appUrl("live"))) {
            hostile.publish(hostile.createStream(), HOSTILE);
            String all = request(server, "GET", "/api/streams", TOKEN).body();
            assertTrue(all.contains("\"name\":\"\\u003cb id=pwned\\u003ex\\u003cimg src=x"
                    + " onerror=document.title=1\\u003e\u202e\""), "peer text escaped in JSON: " + all);
            browser.await("document.getElementById('totals').textContent", t -> t.startsWith("2 streams · "),
                    "the dashboard counts two streams");
            String dom = browser.evaluate("document.documentElement.outerHTML");
            assertTrue(dom.contains("&lt;b id=pwned&gt;x&lt;img src=x onerror=document.title=1&gt;\\u202e"),
                    "the hostile name is shown as text:\n" + dom);
            assertFalse(dom.contains("id=\"pwned\""), "the hostile name became markup:\n" + dom);
            assertEquals("rtmp-server", browser.evaluate("document.title"), "the hostile name ran script");
        }
        browser.await("document.getElementById('totals').textContent", t -> t.startsWith("1 stream · "),
                "the hostile stream is gone");
    }

    /**
     * The end-stream button: refused with a wrong token, it says why; with the page's token it
     * asks first and then ends the stream. The refusal is driven through the button's handler
     * rather than a click, as the page itself reports the wrong token within a second and takes
     * the stream away.
     */
    private void dashboardKicks(TestServer server, Browser browser, Tools.Run publisher) throws Exception {
        String refused = browser.evaluate("(async () => { const real = token; token = 'wrong'; try {"
                + " window.confirm = () => true; const c = cards.get('live/obs'); await kick('live', 'obs', c);"
                + " return c.message.textContent; } finally { token = real; } })()");
        assertTrue(refused.contains("Could not end live/obs: the API token is missing or wrong"), refused);
        assertTrue(server.server.registry().get(new StreamKey("live", "obs")).isPublished());

        browser.await("document.querySelector('[data-stream=\"live/obs\"] button.kick') !== null", "true"::equals,
                "the stream is back on the page");
        browser.evaluate("(window.confirm = m => { window.asked = m; return true; },"
                + " document.querySelector('[data-stream=\"live/obs\"] button.kick').click(), 'clicked')");
        publisher.await(Duration.ofSeconds(20));
        Await.until(() -> server.server.connectionCount() == 0, "the kicked publisher is disconnected");
        assertTrue(browser.evaluate("window.asked").startsWith("End live/obs now?"), "the button asks first");
        String empty = browser.await("document.getElementById('status').innerText", t -> t.contains("No live streams"),
                "the dashboard shows no stream");
        assertTrue(empty.contains("Publish to rtmp://127.0.0.1:" + server.port() + "/live/KEY"), empty);
        assertTrue(browser.evaluate("document.getElementById('totals').textContent").startsWith("0 streams · 0 players"));
    }

    /**
     * promtool, Prometheus's own checker, accepts the whole scrape: with a stream, a player and a
     * recorder, so that every family has samples.
     */
    @Test
    void promtoolAcceptsTheMetrics() throws Exception {
        Optional<Path> promtool = onPath("promtool");
        assumeTrue(promtool.isPresent(), "promtool is not installed (Debian: apt-get install prometheus);"
                + " the exposition text is checked only by this project's own parser");
        ServerConfig config = withHttp().withRecording(RecordConfig.all(Files.createDirectories(dir.resolve("rec"))));
        try (TestServer server = new TestServer(config)) {
            Tools.Run publisher = Tools.publishTestStream("promtool-publish", server.url("live", "prom"), "320x240", 60,
                    true, true);
            Tools.Run player = Tools.captureToFile("promtool-play", server.url("live", "prom"), dir.resolve("play.flv"),
                    60);
            try {
                LateJoinIT.awaitStreamTime(server, "prom", 2000);
                Await.until(() -> server.server.connectionCount() == 2, "only the publisher and the player are left");
                Map<String, Double> first = scrape(server);
                LateJoinIT.awaitStreamTime(server, "prom", 2500);
                Map<String, Double> second = scrape(server);
                String prom = "{app=\"live\",stream=\"prom\"}";
                assertEquals(1.0, second.get("rtmp_stream_players" + prom), "the recorder is not a player");
                assertEquals(1.0, second.get("rtmp_stream_recorders" + prom));
                assertTrue(second.get("rtmp_stream_bytes_sent_total" + prom)
                        > first.get("rtmp_stream_bytes_sent_total" + prom), "the player's bytes keep counting");
                for (String name : new String[] {"process_cpu_seconds_total", "process_open_fds",
                        "process_resident_memory_bytes", "jvm_memory_used_bytes{area=\"heap\"}", "jvm_threads_current"}) {
                    assertTrue(second.get(name) > 0, name);
                }

                Path text = dir.resolve("metrics.txt");
                Files.writeString(text, request(server, "GET", "/metrics", null).body());
                ProcessBuilder check = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
                        .redirectInput(text.toFile());
                Tools.Run run = Tools.start(Tools.LOGS.resolve("promtool.log"), check);
                int code = run.await(Duration.ofSeconds(30));
                assertEquals(0, code, "promtool check metrics:\n" + run.output() + "\non\n" + Files.readString(text));
                assertEquals("", run.output().strip(), "no lint problems");
            } finally {
                player.kill();
                publisher.kill();
            }
        }
    }

    private static Optional<Path> onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, program)).filter(Files::isExecutable).findFirst();
    }
}
