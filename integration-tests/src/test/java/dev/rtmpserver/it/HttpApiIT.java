package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the HTTP server itself adds to the API's answers: HEAD and HTTP/2 on the wire, and URIs it cannot parse. */
@Timeout(60)
class HttpApiIT {
    private static final String TOKEN = "it-token";

    private static TestServer server() throws IOException {
        return new TestServer(ServerConfig.forTests().withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0,
                Optional.of(TOKEN))));
    }

    private static HttpResponse<String> send(HttpClient client, TestServer server, String method, String path)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server.httpPort().orElseThrow()
                        + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request line as is, for what HttpClient refuses to send; returns the whole answer. */
    private static String raw(TestServer server, String requestLine) throws IOException {
        return RawHttp.exchange(server.server.httpPort().orElseThrow(), requestLine
                + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n");
    }

    @Test
    void headAnswersLikeGetOnTheWire() throws Exception {
        try (TestServer server = server(); HttpClient client = HttpClient.newHttpClient()) {
            for (String path : new String[] {"/", "/dashboard.js", "/metrics", "/healthz", "/api/streams",
                    "/api/connections", "/api/streams/live/none", "/nope"}) {
                HttpResponse<String> get = send(client, server, "GET", path);
                HttpResponse<String> head = send(client, server, "HEAD", path);
                assertEquals(get.statusCode(), head.statusCode(), path);
                assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"), path);
                assertEquals("", head.body(), path);
            }
            // The connection is kept alive across HEAD answers: a raw one must end right after the headers.
            String answer = raw(server, "HEAD /metrics HTTP/1.1");
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.endsWith("\r\n\r\n"), "no body after the headers: " + answer);
        }
    }

    @Test
    void http2IsSpokenToClientsThatAskForIt() throws Exception {
        try (TestServer server = server();
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()) {
            // Over cleartext, HttpClient asks with an Upgrade: h2c header; the answers after it are HTTP/2.
            send(client, server, "GET", "/healthz");
            HttpResponse<String> r = send(client, server, "GET", "/api/streams");
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertEquals(200, r.statusCode());
            assertEquals("{\"streams\":[]}\n", r.body());
        }
    }

    @Test
    void aUriTheServerCannotParseGets400NotAStackTrace() throws Exception {
        try (TestServer server = server(); HttpClient client = HttpClient.newHttpClient()) {
            // The server may refuse it before any handler runs, with a body of its own.
            String answer = raw(server, "GET /api/streams/live/%zz HTTP/1.1");
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertFalse(answer.contains("\tat "), answer);
            HttpResponse<String> notUtf8 = send(client, server, "GET", "/api/streams/live/%C3%28");
            assertEquals(400, notUtf8.statusCode());
            assertTrue(notUtf8.body().startsWith("{\"error\":"), notUtf8.body());
        }
    }
}
