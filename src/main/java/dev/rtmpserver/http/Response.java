package dev.rtmpserver.http;

import java.util.HashMap;
import java.util.Map;

/**
 * What a request gets back, built before anything is sent, so that HEAD can send the same status
 * and headers as GET without the body, and errors found late still get a clean answer.
 *
 * @param file a file to send instead of {@code body}, or null
 */
record Response(int status, Map<String, String> headers, String body, FileBody file) {
    static final String TEXT = "text/plain; charset=utf-8";

    static Response json(int status, Object value) {
        return new Response(status, Map.of("Content-Type", "application/json"), Json.write(value) + "\n", null);
    }

    static Response text(int status, String contentType, String body) {
        return new Response(status, Map.of("Content-Type", contentType), body, null);
    }

    static Response noContent() {
        return new Response(204, Map.of(), "", null);
    }

    /** {@code headers} must give the Content-Length, as HEAD answers send no body to count. */
    static Response file(int status, Map<String, String> headers, FileBody file) {
        return new Response(status, headers, "", file);
    }

    /** Bytes of the body. */
    long length() {
        return file != null ? file.length() : body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    Response withHeaders(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(headers);
        all.putAll(more);
        return new Response(status, Map.copyOf(all), body, file);
    }
}
