package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics, the JSON API, kicking and the dashboard, against a live ffmpeg stream. */
@Timeout(120)
class ObservabilityIT {
    private static final String TOKEN = "test-token-123";
    /** Markup and a bidi override: control characters cannot reach a stream name, the server refuses them. */
    private static final String HOSTILE = "<b id=pwned>x<img src=x onerror=document.title=1>\u202e";
    /** One Prometheus text sample line: a name, optional labels, a number. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? (-?[0-9.eE+-]+|NaN)");

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private static ServerConfig withHttp() {
        return ServerConfig.forTests().withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0,
                Optional.of(TOKEN)));
    }

    private HttpResponse<String> request(TestServer server, String method, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.server.httpPort().orElseThrow() + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
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

    @Test
    void metricsApiKickAndDashboardDuringALiveStream() throws Exception {
        try (TestServer server = new TestServer(withHttp())) {
            Tools.Run publisher = Tools.publishTestStream("obs-publish", server.url("live", "obs"), "640x360", 30,
                    true, true);
            try {
                LateJoinIT.awaitStreamTime(server, "obs", 2000);

                Map<String, Double> first = parsePrometheus(request(server, "GET", "/metrics", null).body());
                LateJoinIT.awaitStreamTime(server, "obs", 1500);
                HttpResponse<String> scrape = request(server, "GET", "/metrics", null);
                assertEquals(200, scrape.statusCode());
                Map<String, Double> second = parsePrometheus(scrape.body());
                assertTrue(second.get("rtmp_received_bytes_total") > first.get("rtmp_received_bytes_total"),
                        "bytes in keep counting");
                assertTrue(second.get("rtmp_sent_bytes_total") > first.get("rtmp_sent_bytes_total"),
                        "bytes out keep counting");
                assertTrue(second.get("rtmp_stream_bitrate_kbps{app=\"live\",stream=\"obs\"}") > 0, "stream bitrate");
                assertEquals(25.0, second.get("rtmp_stream_frame_rate{app=\"live\",stream=\"obs\"}"), 6.0, "frame rate");
                assertEquals(1.0, second.get("rtmp_connections{role=\"publisher\"}"));

                assertEquals(401, request(server, "GET", "/api/streams", null).statusCode(),
                        "reading the API needs the token too");
                String streams = request(server, "GET", "/api/streams", TOKEN).body();
                for (String expected : new String[] {"\"name\":\"obs\"", "\"codec\":\"H.264\"", "\"width\":640",
                        "\"height\":360", "\"codec\":\"AAC\""}) {
                    assertTrue(streams.contains(expected), expected + " in " + streams);
                }
                assertEquals(200, request(server, "GET", "/api/streams/live/obs", TOKEN).statusCode());
                assertEquals(404, request(server, "GET", "/api/streams/live/none", TOKEN).statusCode());
                assertTrue(request(server, "GET", "/api/connections", TOKEN).body().contains("\"role\":\"publisher\""));
                assertTrue(request(server, "GET", "/healthz", null).body().startsWith("ok\n"));

                try (RtmpClient hostile = RtmpClient.connect(server.appUrl("live"))) {
                    hostile.publish(hostile.createStream(), HOSTILE);
                    String all = request(server, "GET", "/api/streams", TOKEN).body();
                    assertTrue(all.contains("\"name\":\"\\u003cb id=pwned\\u003ex\\u003cimg src=x"
                            + " onerror=document.title=1\\u003e\u202e\""), "peer text escaped in JSON: " + all);
                    Path screenshot = dashboardScreenshot(server);
                    System.out.println("dashboard screenshot: " + screenshot.toAbsolutePath());
                }

                assertEquals(401, request(server, "DELETE", "/api/streams/live/obs", null).statusCode(),
                        "a kick without the token is refused");
                assertEquals(401, request(server, "DELETE", "/api/streams/live/obs", "wrong").statusCode());
                assertEquals(204, request(server, "DELETE", "/api/streams/live/obs", TOKEN).statusCode());
                publisher.await(Duration.ofSeconds(20));
                Await.until(() -> server.server.connectionCount() == 0,
                        "the kicked publisher is disconnected");
            } finally {
                publisher.kill();
            }
        }
    }

    /**
     * Loads the dashboard in headless Chromium, first without the token, then with it in the
     * fragment; returns the screenshot, after checking the page shows the stream.
     */
    private Path dashboardScreenshot(TestServer server) throws Exception {
        String page = "http://127.0.0.1:" + server.server.httpPort().orElseThrow() + "/";
        String url = page + "#token=" + TOKEN;
        String browser = Files.isExecutable(Path.of("/usr/bin/chromium")) ? "/usr/bin/chromium" : "chromium";
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        String[] common = {browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--virtual-time-budget=4000"};
        String refused = Tools.output(Duration.ofSeconds(60), concat(common, "--dump-dom", page));
        assertTrue(refused.contains("The API needs a token"), "the dashboard says it needs a token:\n" + refused);
        assertFalse(refused.contains("data-stream="), "no stream without the token:\n" + refused);
        String dom = Tools.output(Duration.ofSeconds(60), concat(common, "--dump-dom", url));
        assertTrue(dom.contains("data-stream=\"live/obs\""), "the dashboard lists the live stream:\n" + dom);
        assertTrue(dom.contains("&lt;b id=pwned&gt;x&lt;img src=x onerror=document.title=1&gt;\\u202e"),
                "the hostile name is shown as text:\n" + dom);
        assertFalse(dom.contains("id=\"pwned\""), "the hostile name became markup:\n" + dom);
        assertTrue(dom.contains("<title>rtmp-server</title>"), "the hostile name ran script:\n" + dom);
        Files.createDirectories(Tools.LOGS);
        Path png = Tools.LOGS.resolve("dashboard.png");
        Tools.output(Duration.ofSeconds(60), concat(common, "--window-size=1280,800", "--screenshot=" + png.toAbsolutePath(),
                url));
        assertTrue(Files.size(png) > 1000, "a screenshot was written");
        return png;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
