package dev.rtmpserver.http;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The HTTP listener for metrics, the API and the dashboard.
 *
 * @param bind     the address to listen on; by default loopback, so that only this machine reaches the API
 *                 and dashboard unless the operator opens them (to 0.0.0.0, say, with an API token)
 * @param port     0 picks a free port
 * @param apiToken required (as {@code Authorization: Bearer TOKEN}) for every {@code /api}
 *                 request; without one, only clients on this machine may use the API
 * @param required the operator asked for this listener: if its port is taken, the server does not
 *                 start; otherwise (the default port, not asked for) it starts without HTTP
 */
public record HttpConfig(InetAddress bind, int port, Optional<String> apiToken, boolean required) {
    public static final int DEFAULT_PORT = 8080;
    public static final InetAddress DEFAULT_BIND = InetAddress.getLoopbackAddress();

    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTP port must be 0..65535: " + port);
        }
        if (apiToken.isPresent() && apiToken.get().isBlank()) {
            throw new IllegalArgumentException("the API token must not be blank");
        }
    }

    /** A listener the server cannot start without. */
    public HttpConfig(InetAddress bind, int port, Optional<String> apiToken) {
        this(bind, port, apiToken, true);
    }
}
