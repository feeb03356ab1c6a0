package dev.rtmpserver.http;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP mapping of {@link HttpApi}, on a loopback port, with no RTMP side. */
@Timeout(30)
class HttpApiTest {
    private static final String TOKEN = "t0ken";

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(), timer, 100);
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        client.close();
        timer.shutdownNow();
    }

    private HttpApi start(Optional<String> token) throws IOException {
        api = new HttpApi(new HttpConfig(InetAddress.getLoopbackAddress(), 0, token), registry, List::of,
                new Counters()).start();
        return api;
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withATokenEveryApiRequestNeedsItButMetricsHealthAndDashboardStayOpen() throws Exception {
        start(Optional.of(TOKEN));
        for (String path : new String[] {"/api/streams", "/api/streams/live/x", "/api/connections",
                "/api/connections/1", "/api/nothing", "/api"}) {
            HttpResponse<String> r = send("GET", path, null);
            assertEquals(401, r.statusCode(), path);
            assertTrue(r.body().contains("\"error\""), r.body());
            assertEquals(401, send("GET", path, "wrong").statusCode(), path);
        }
        assertEquals(401, send("DELETE", "/api/streams/live/x", null).statusCode());
        HttpResponse<String> ok = send("GET", "/api/streams", TOKEN);
        assertEquals(200, ok.statusCode());
        assertEquals("{\"streams\":[]}\n", ok.body());
        assertEquals(200, send("GET", "/metrics", null).statusCode());
        assertEquals(200, send("GET", "/healthz", null).statusCode());
        assertEquals(200, send("GET", "/", null).statusCode());
    }

    @Test
    void withoutATokenThisMachineMayUseTheApi() throws Exception {
        start(Optional.empty());
        assertEquals(200, send("GET", "/api/streams", null).statusCode());
        assertEquals(200, send("GET", "/api/connections", null).statusCode());
    }
}
