package dev.rtmpserver.http;

import java.util.Map;

/** A request the HTTP side refuses: its status, a message for the JSON body, and headers to send with it. */
final class HttpError extends RuntimeException {
    final int status;
    final Map<String, String> headers;

    HttpError(int status, String message) {
        this(status, message, Map.of());
    }

    HttpError(int status, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.headers = headers;
    }
}
