package dev.rtmpserver.http;

import java.util.HashMap;
import java.util.Map;

/**
 * What a request gets back, built before anything is sent, so that HEAD can send the same status
 * and headers as GET without the body, and errors found late still get a clean answer.
 */
record Response(int status, Map<String, String> headers, String body) {
    static final String TEXT = "text/plain; charset=utf-8";

    static Response json(int status, Object value) {
        return new Response(status, Map.of("Content-Type", "application/json"), Json.write(value) + "\n");
    }

    static Response text(int status, String contentType, String body) {
        return new Response(status, Map.of("Content-Type", contentType), body);
    }

    static Response noContent() {
        return new Response(204, Map.of(), "");
    }

    Response withHeaders(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(headers);
        all.putAll(more);
        return new Response(status, Map.copyOf(all), body);
    }
}
