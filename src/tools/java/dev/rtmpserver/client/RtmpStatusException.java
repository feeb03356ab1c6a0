package dev.rtmpserver.client;

import java.io.IOException;
import java.util.Map;

/** The server answered a call with _error or an error-level onStatus. */
public final class RtmpStatusException extends IOException {
    private final String code;

    public RtmpStatusException(String request, Object info) {
        super(request + " failed: " + info);
        this.code = info instanceof Map<?, ?> m && m.get("code") instanceof String s ? s : "";
    }

    /** The status code, such as {@code NetStream.Publish.BadName}. */
    public String code() {
        return code;
    }
}
