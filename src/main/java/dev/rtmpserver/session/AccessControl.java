package dev.rtmpserver.session;

/** Decides whether a client may publish or play a stream. Called on the client's own thread. */
@FunctionalInterface
public interface AccessControl {
    AccessControl ALLOW_ALL = request -> null;

    enum Action { PUBLISH, PLAY }

    /**
     * @param query   the stream name's query string ({@code token=...}), never logged
     * @param tcUrl   the URL the client connected to, which may carry a query too, never logged
     * @param client  the client's address
     */
    record Request(Action action, String app, String name, String query, String tcUrl, String client) {
    }

    /** Null to allow; otherwise the reason, which is sent to the client and logged, so no secrets. */
    String deny(Request request);
}
