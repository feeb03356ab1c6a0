package dev.rtmpserver.http;

import dev.rtmpserver.browser.FlvPlayback;
import dev.rtmpserver.hls.HlsConfig;
import dev.rtmpserver.hls.HlsRequests;
import dev.rtmpserver.hls.HlsStreams;
import dev.rtmpserver.metrics.BuildInfo;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.relay.PushConfig;
import dev.rtmpserver.relay.Pushes;
import dev.rtmpserver.session.AccessControl;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.Scheduler;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP mapping of {@link HttpApi}: requests go straight to its handler through a
 * {@link FakeExchange}, with a fake {@link StreamControl} and no RTMP side. No listener is
 * started, so nothing is logged: tinylog must stay unconfigured for MainTest in the same JVM.
 */
class HttpApiTest {
    private static final String TOKEN = "t0ken";
    private static final StreamKey PUBLISHED = new StreamKey("live", "on air");

    /** One call of the fake {@link StreamControl}. */
    private record Ended(StreamKey key, Duration ban) {
    }

    /** What the handler sent. */
    private record Answer(int statusCode, Map<String, String> headers, String body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name));
        }
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(),
            dev.rtmpserver.stream.Scheduler.of(timer), System::nanoTime, 100);
    private final Counters counters = new Counters();
    private final List<Ended> ended = new CopyOnWriteArrayList<>();
    private volatile List<ListenerState> listeners = List.of(new ListenerState("rtmp 127.0.0.1:1935", true, null));
    /** What the fake {@link ConfigReload} answers next. */
    private final AtomicReference<Supplier<ConfigReload.Result>> reloads = new AtomicReference<>(
            () -> new ConfigReload.Result(true, List.of()));
    private volatile List<ListenAddress> rtmpListeners = List.of();
    private HttpApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        timer.shutdownNow();
    }

    private void create(Optional<String> token) {
        api = new HttpApi(new HttpConfig(InetAddress.getLoopbackAddress(), 0, token), registry, List::of,
                counters, (key, ban) -> {
                    ended.add(new Ended(key, ban));
                    return key.equals(PUBLISHED);
                }, () -> listeners, Optional.empty(), () -> reloads.get().get(), () -> rtmpListeners,
                new FlvPlayback(registry, () -> AccessControl.ALLOW_ALL, counters,
                        new FlvPlayback.Limits(1 << 20, Duration.ofSeconds(10), 100, 10)),
                new HlsRequests(new HlsStreams(registry, HlsConfig.defaults(), Scheduler.of(timer))),
                new Pushes(registry, PushConfig::none, counters));
    }

    private Answer send(String method, String path, String token) throws IOException {
        return send(method, path, token, InetAddress.getLoopbackAddress());
    }

    private Answer send(String method, String path, String token, InetAddress from) throws IOException {
        return send(method, path, token, from, null);
    }

    private Answer send(String method, String path, String token, InetAddress from, String host) throws IOException {
        FakeExchange ex = new FakeExchange(method, path, from);
        if (token != null) {
            ex.header("Authorization", "Bearer " + token);
        }
        if (host != null) {
            ex.header("Host", host);
        }
        FakeExchange.Sent sent = ex.send(api);
        return new Answer(sent.status(), sent.headers(), sent.text());
    }

    @Test
    void withATokenEveryApiRequestNeedsItButMetricsHealthAndDashboardStayOpen() throws Exception {
        create(Optional.of(TOKEN));
        for (String path : new String[] {"/api/streams", "/api/streams/live/x", "/api/connections",
                "/api/connections/1", "/api/server", "/api/nothing", "/api"}) {
            Answer r = send("GET", path, null);
            assertEquals(401, r.statusCode(), path);
            assertTrue(r.body().contains("\"error\""), r.body());
            assertEquals(401, send("GET", path, "wrong").statusCode(), path);
        }
        assertEquals(401, send("DELETE", "/api/streams/live/x", null).statusCode());
        Answer ok = send("GET", "/api/streams", TOKEN);
        assertEquals(200, ok.statusCode());
        assertEquals("{\"streams\":[]}\n", ok.body());
        assertEquals(200, send("GET", "/metrics", null).statusCode());
        assertEquals(200, send("GET", "/healthz", null).statusCode());
        assertEquals(200, send("GET", "/", null).statusCode());
    }

    @Test
    void pushesAreAddedWithAStrictJsonBodyToPublishedStreamsOnly() throws Exception {
        create(Optional.empty());
        String path = "/api/streams/live/cam/pushes";
        assertEquals(404, post(path, "{\"url\": \"rtmp://127.0.0.1:9/live\"}").statusCode(), "nobody publishes");
        registry.publish(new StreamKey("live", "cam"), new PrometheusTest.FakePublisher("conn-1 /203.0.113.9:5000"));
        for (String body : new String[] {"", "rtmp://127.0.0.1:9/live", "{\"url\": 1}", "{\"url\": \"http://x/y\"}",
                "{\"url\": \"rtmp://h/live\", \"extra\": true}"}) {
            Answer r = post(path, body);
            assertEquals(400, r.statusCode(), body);
            assertTrue(r.body().contains("\"error\""), r.body());
        }
        assertEquals(405, send("GET", path, null).statusCode());
        assertEquals(404, send("DELETE", path + "/999", null).statusCode());
    }

    private Answer post(String path, String body) throws IOException {
        FakeExchange.Sent sent = new FakeExchange("POST", path, InetAddress.getLoopbackAddress()).body(body).send(api);
        return new Answer(sent.status(), sent.headers(), sent.text());
    }

    @Test
    void withoutATokenOnlyThisMachineMayUseTheApi() throws Exception {
        create(Optional.empty());
        assertEquals(200, send("GET", "/api/streams", null).statusCode());
        assertEquals(200, send("GET", "/api/connections", null).statusCode());
        InetAddress other = InetAddress.getByName("203.0.113.7");
        for (String method : new String[] {"GET", "DELETE"}) {
            Answer r = send(method, "/api/streams/live/on%20air", "anything", other);
            assertEquals(403, r.statusCode(), method);
            assertTrue(r.body().contains("--api-token"), r.body());
        }
        assertEquals(List.of(), ended);
        assertEquals(200, send("GET", "/metrics", null, other).statusCode());
        assertEquals(200, send("GET", "/", null, other).statusCode());
    }

    @Test
    void headAnswersLikeGetWithoutABody() throws Exception {
        create(Optional.of(TOKEN));
        for (String path : new String[] {"/", "/index.html", "/metrics", "/healthz", "/api/streams",
                "/api/connections", "/api/streams/live/none", "/api/connections/7", "/nope"}) {
            Answer get = send("GET", path, TOKEN);
            Answer head = send("HEAD", path, TOKEN);
            assertEquals(get.statusCode(), head.statusCode(), path);
            assertEquals(get.header("Content-Type"), head.header("Content-Type"), path);
            assertEquals(get.header("Content-Security-Policy"), head.header("Content-Security-Policy"), path);
            assertEquals("", head.body(), path);
        }
        assertEquals(401, send("HEAD", "/api/streams", null).statusCode());
    }

    @Test
    void wrongMethodsGet405WithAllow() throws Exception {
        create(Optional.of(TOKEN));
        String[][] cases = {
                {"POST", "/healthz", "GET, HEAD"},
                {"DELETE", "/metrics", "GET, HEAD"},
                {"PUT", "/", "GET, HEAD"},
                {"DELETE", "/api/streams", "GET, HEAD"},
                {"POST", "/api/connections", "GET, HEAD"},
                {"PUT", "/api/streams/live/x", "GET, HEAD, DELETE"},
                {"POST", "/api/connections/1", "GET, HEAD, DELETE"},
                {"GET", "/api/reload", "POST"},
        };
        for (String[] c : cases) {
            Answer r = send(c[0], c[1], TOKEN);
            assertEquals(405, r.statusCode(), c[0] + " " + c[1]);
            assertEquals(c[2], r.header("Allow").orElse(null), c[0] + " " + c[1]);
            assertTrue(r.body().startsWith("{\"error\":"), r.body());
        }
    }

    @Test
    void unknownPathsGet404() throws Exception {
        create(Optional.of(TOKEN));
        for (String path : new String[] {"/nope", "/healthz/x", "/api", "/api/nope", "/api/streams/live",
                "/api/streams/live/", "/api/streams//x", "/api/connections/abc", "/api/connections/7"}) {
            Answer r = send("GET", path, TOKEN);
            assertEquals(404, r.statusCode(), path);
            assertTrue(r.body().startsWith("{\"error\":"), path + ": " + r.body());
        }
    }

    @Test
    void malformedEscapesGet400NotAStackTrace() throws Exception {
        create(Optional.of(TOKEN));
        for (String path : new String[] {"/api/streams/live/%C3%28", "/api/streams/%FF/x",
                "/api/streams/live/%ED%A0%80"}) {
            for (String method : new String[] {"GET", "DELETE"}) {
                Answer r = send(method, path, TOKEN);
                assertEquals(400, r.statusCode(), method + " " + path);
                assertEquals("application/json", r.header("Content-Type").orElse(null));
                assertTrue(r.body().startsWith("{\"error\":"), r.body());
            }
        }
    }

    @Test
    void decodingIsStrict() {
        assertEquals("a+b c/é", HttpApi.decode("a+b%20c%2F%C3%a9"));
        assertEquals("cam1", HttpApi.decode("cam1"));
        for (String bad : new String[] {"%", "%4", "%zz", "a%C3", "%C3%28", "%80", "%C0%AF"}) {
            HttpError e = assertThrows(HttpError.class, () -> HttpApi.decode(bad), bad);
            assertEquals(400, e.status, bad);
        }
    }

    @Test
    void healthzFollowsTheListeners() throws Exception {
        create(Optional.of(TOKEN));
        Answer up = send("GET", "/healthz", null);
        assertEquals(200, up.statusCode());
        assertEquals("ok\nrtmp 127.0.0.1:1935 up\n", up.body());
        listeners = List.of(new ListenerState("rtmp 127.0.0.1:1935", false, "listening socket closed"));
        Answer down = send("GET", "/healthz", null);
        assertEquals(503, down.statusCode());
        assertEquals("down\nrtmp 127.0.0.1:1935 down: listening socket closed\n", down.body());
        assertEquals(503, send("HEAD", "/healthz", null).statusCode());
    }

    @Test
    void deleteEndsTheStreamThroughStreamControl() throws Exception {
        create(Optional.of(TOKEN));
        assertEquals(204, send("DELETE", "/api/streams/live/on%20air", TOKEN).statusCode());
        assertEquals(List.of(new Ended(PUBLISHED, Duration.ZERO)), ended);
        assertEquals(1, counters.kicks.sum());

        Answer none = send("DELETE", "/api/streams/live/nobody", TOKEN);
        assertEquals(404, none.statusCode());
        assertTrue(none.body().contains("nobody publishes live/nobody"), none.body());
        assertEquals(1, counters.kicks.sum(), "only a kick counts");
    }

    @Test
    void banDurations() throws Exception {
        create(Optional.of(TOKEN));
        String[][] cases = {{"500ms", "PT0.5S"}, {"10s", "PT10S"}, {"2m", "PT2M"}, {"1h", "PT1H"}, {"60", "PT1M"},
                {"0", "PT0S"}, {"999999999h", "PT999999999H"}};
        for (String[] c : cases) {
            ended.clear();
            assertEquals(204, send("DELETE", "/api/streams/live/on%20air?ban=" + c[0], TOKEN).statusCode(), c[0]);
            assertEquals(List.of(new Ended(PUBLISHED, Duration.parse(c[1]))), ended, c[0]);
        }
    }

    @Test
    void badBansAndUnknownParametersGet400WithoutEndingAnything() throws Exception {
        create(Optional.of(TOKEN));
        for (String query : new String[] {"ban=", "ban", "ban=abc", "ban=-5", "ban=1d", "ban=1.5s", "ban=10S",
                "ban=%2010s", "ban=1000000000", "ban=10s&ban=20s", "bna=10s", "ban=10s&x=1", "ban=%C3%28"}) {
            Answer r = send("DELETE", "/api/streams/live/on%20air?" + query, TOKEN);
            assertEquals(400, r.statusCode(), query);
            assertTrue(r.body().startsWith("{\"error\":"), r.body());
        }
        assertEquals(400, send("DELETE", "/api/connections/1?ban=10s", TOKEN).statusCode());
        assertEquals(401, send("DELETE", "/api/streams/live/on%20air?ban=10s", null).statusCode());
        assertEquals(List.of(), ended);
        assertEquals(0, counters.kicks.sum());
    }

    @Test
    void reloadAnswersWhatNeedsARestartOrWhyTheFileWasRejected() throws Exception {
        create(Optional.of(TOKEN));
        reloads.set(() -> new ConfigReload.Result(true, List.of("--port", "--tls-cert")));
        Answer ok = send("POST", "/api/reload", TOKEN);
        assertEquals(200, ok.statusCode());
        assertEquals("{\"reloaded\":true,\"needsRestart\":[\"--port\",\"--tls-cert\"]}\n", ok.body());

        reloads.set(() -> new ConfigReload.Result(false, List.of()));
        assertEquals("{\"reloaded\":false,\"needsRestart\":[]}\n", send("POST", "/api/reload", TOKEN).body());

        reloads.set(() -> {
            throw new ConfigReload.Rejected("Invalid value for option '--max-streams': '0' must be at least 1");
        });
        Answer bad = send("POST", "/api/reload", TOKEN);
        assertEquals(400, bad.statusCode());
        assertEquals("{\"error\":\"Invalid value for option '--max-streams': '0' must be at least 1\"}\n", bad.body());
    }

    @Test
    void reloadIsGuardedLikeEveryApiRequest() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        reloads.set(() -> {
            calls.incrementAndGet();
            return new ConfigReload.Result(true, List.of());
        });
        create(Optional.of(TOKEN));
        assertEquals(401, send("POST", "/api/reload", null).statusCode());
        assertEquals(401, send("POST", "/api/reload", "wrong").statusCode());
        assertEquals(400, send("POST", "/api/reload?force=1", TOKEN).statusCode());
        api.close();
        create(Optional.empty());
        assertEquals(403, send("POST", "/api/reload", null, InetAddress.getByName("203.0.113.7")).statusCode());
        assertEquals(0, calls.get());
    }

    @Test
    void theDashboardRunsOnlyItsOwnScriptAndNeverInsertsMarkup() throws Exception {
        create(Optional.of(TOKEN));
        Answer page = send("GET", "/", null);
        String policy = page.header("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'")
                && policy.contains("connect-src 'self'"), policy);
        assertFalse(page.body().contains("<script>"), "no inline script, which the policy would block");
        Answer script = send("GET", "/dashboard.js", null);
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.header("Content-Type").orElse(null));
        for (String sink : new String[] {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("}) {
            assertFalse(script.body().contains(sink), sink + " in dashboard.js");
        }
        assertTrue(script.body().contains("sessionStorage") && !script.body().contains("?token="),
                "the token is kept in sessionStorage, never put in a URL");
    }

    @Test
    void serverGivesTheUrlsToPublishToAndTheVersion() throws Exception {
        create(Optional.of(TOKEN));
        InetAddress any = InetAddress.getByName("0.0.0.0");
        rtmpListeners = List.of(new ListenAddress("rtmp", any, 1935), new ListenAddress("rtmps", any, 1936));
        String version = ",\"version\":\"" + BuildInfo.version() + "\"}\n";
        assertEquals("{\"rtmp\":[\"rtmp://media.example:1935/\"],\"rtmps\":[\"rtmps://media.example:1936/\"]" + version,
                server("media.example:8080").body(), "on every interface, the host the browser reached");
        assertEquals("{\"rtmp\":[\"rtmp://[::1]:1935/\"],\"rtmps\":[\"rtmps://[::1]:1936/\"]" + version,
                server("[::1]:8080").body());
        for (String odd : new String[] {null, "", "a b", "x\"<b>", "[::1]]", "host:port"}) {
            assertTrue(server(odd).body().startsWith("{\"rtmp\":[\"rtmp://127.0.0.1:1935/\"]"),
                    "without a usable Host header, the address the request came in on: " + odd);
        }

        rtmpListeners = List.of(new ListenAddress("rtmp", InetAddress.getByName("192.0.2.10"), 19350));
        assertEquals("{\"rtmp\":[\"rtmp://192.0.2.10:19350/\"],\"rtmps\":[]" + version,
                server("media.example").body(), "bound to one address, that address");
        rtmpListeners = List.of(new ListenAddress("rtmp", InetAddress.getByName("2001:db8:0:0:0:0:0:7"), 1935));
        assertTrue(server(null).body().contains("\"rtmp://[2001:db8::7]:1935/\""));
        rtmpListeners = List.of();
        assertEquals("{\"rtmp\":[],\"rtmps\":[]" + version, server(null).body(), "nothing bound yet");
    }

    private Answer server(String host) throws IOException {
        Answer r = send("GET", "/api/server", TOKEN, InetAddress.getLoopbackAddress(), host);
        assertEquals(200, r.statusCode());
        return r;
    }

    @Test
    void onlyTheGuardedApiShowsClients() throws Exception {
        registry.publish(new StreamKey("live", "cam"), new PrometheusTest.FakePublisher("conn-77 /203.0.113.9:5000"));
        create(Optional.of(TOKEN));
        for (String path : new String[] {"/", "/dashboard.js", "/metrics", "/healthz", "/nope", "/api/streams",
                "/api/streams/live/cam", "/api/connections"}) {
            for (String method : new String[] {"GET", "DELETE"}) {
                Answer r = send(method, path, null);
                String all = r.headers() + r.body();
                assertFalse(all.contains("203.0.113.9") || all.contains("conn-77"), method + " " + path + ": " + all);
            }
        }
        assertTrue(send("GET", "/api/streams/live/cam", TOKEN).body().contains("\"publisher\":\"conn-77 /203.0.113.9:5000\""),
                "operators see who publishes");
    }
}
