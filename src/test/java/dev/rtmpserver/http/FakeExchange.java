package dev.rtmpserver.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request put to {@link HttpApi#respond} without a socket, and the answer as the server sends
 * it: the same headers (Content-Length included) and, but for HEAD, the body.
 */
final class FakeExchange {
    private final String method;
    private final URI uri;
    private final InetAddress remote;
    private String body = "";
    private final Map<String, String> requestHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    /** What was sent back; header names match ignoring case. */
    record Sent(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    FakeExchange(String method, String pathAndQuery, InetAddress remote) {
        this.method = method;
        this.uri = URI.create(pathAndQuery);
        this.remote = remote;
    }

    FakeExchange body(String text) {
        body = text;
        return this;
    }

    FakeExchange header(String name, String value) {
        requestHeaders.put(name, value);
        return this;
    }

    Sent send(HttpApi api) throws IOException {
        HttpRequest request = new HttpRequest(method, uri.getRawPath(), uri.getRawQuery(), requestHeaders,
                new InetSocketAddress(remote, 40000), InetAddress.getLoopbackAddress(), body);
        Response r = api.respond(request);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(HttpApi.responseHeaders(r));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (!method.equals("HEAD")) {
            if (r.file() != null) {
                r.file().copyTo(body);
            } else {
                body.writeBytes(r.body());
            }
        }
        return new Sent(r.status(), headers, body.toByteArray());
    }
}
