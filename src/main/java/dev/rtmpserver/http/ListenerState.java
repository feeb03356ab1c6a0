package dev.rtmpserver.http;

/**
 * Whether one listening socket still accepts connections, for {@code /healthz}.
 *
 * @param name   protocol and address, such as {@code rtmp 0.0.0.0:1935}
 * @param reason why it is down; null exactly when it is up
 */
public record ListenerState(String name, boolean up, String reason) {
    public ListenerState {
        if (up != (reason == null)) {
            throw new IllegalArgumentException("a listener has a reason exactly when it is down");
        }
    }
}
