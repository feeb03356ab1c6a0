package dev.rtmpserver.http;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What a request gets back, built before anything is sent, so that HEAD can send the same status
 * and headers as GET without the body, and errors found late still get a clean answer.
 *
 * @param body the body, encoded once, here: the page's scripts run to hundreds of kilobytes
 * @param file a file to send instead of {@code body}, or null
 */
record Response(int status, Map<String, String> headers, byte[] body, FileBody file) {
    private static final byte[] EMPTY = {};

    static final String TEXT = "text/plain; charset=utf-8";

    static Response json(int status, Object value) {
        return text(status, "application/json", Json.write(value) + "\n");
    }

    static Response text(int status, String contentType, String body) {
        return bytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code body} is shared, not copied: it must not change. */
    static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, Map.of("Content-Type", contentType), body, null);
    }

    static Response noContent() {
        return new Response(204, Map.of(), EMPTY, null);
    }

    /** {@code headers} must give the Content-Length, as HEAD answers send no body to count. */
    static Response file(int status, Map<String, String> headers, FileBody file) {
        return new Response(status, headers, EMPTY, file);
    }

    /** The body as text, for tests and messages. */
    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Bytes of the body. */
    long length() {
        return file != null ? file.length() : body.length;
    }

    Response withHeaders(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(headers);
        all.putAll(more);
        return new Response(status, Map.copyOf(all), body, file);
    }
}
