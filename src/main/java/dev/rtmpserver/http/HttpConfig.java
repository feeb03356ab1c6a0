package dev.rtmpserver.http;

import dev.rtmpserver.hls.HlsConfig;
import dev.rtmpserver.net.TlsConfig;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP listener for metrics, the API, the dashboard and browser playback.
 *
 * @param bind         the address to listen on; by default loopback, so that only this machine reaches the API
 *                     and dashboard unless the operator opens them (to 0.0.0.0, say, with an API token)
 * @param port         0 picks a free port
 * @param apiToken     required (as {@code Authorization: Bearer TOKEN}) for every {@code /api}
 *                     request; without one, only clients on this machine may use the API
 * @param required     the operator asked for this listener: if its port is taken, the server does not
 *                     start; otherwise (the default port, not asked for) it starts without HTTP
 * @param https        a second listener serving the same over TLS: its port and certificate (the RTMPS one)
 * @param allowOrigins the web origins whose scripts may read the media (Access-Control-Allow-Origin);
 *                     {@link #ANY_ORIGIN} for every one
 * @param hls          how streams are packaged for LL-HLS
 */
public record HttpConfig(InetAddress bind, int port, Optional<String> apiToken, boolean required,
                         Optional<TlsConfig> https, List<String> allowOrigins, HlsConfig hls) {
    public static final int DEFAULT_PORT = 8080;
    public static final InetAddress DEFAULT_BIND = InetAddress.getLoopbackAddress();
    public static final String ANY_ORIGIN = "*";

    public HttpConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTP port must be 0..65535: " + port);
        }
        if (apiToken.isPresent() && apiToken.get().isBlank()) {
            throw new IllegalArgumentException("the API token must not be blank");
        }
        allowOrigins = List.copyOf(allowOrigins);
        if (allowOrigins.isEmpty()) {
            throw new IllegalArgumentException("name at least one origin, or * for any");
        }
    }

    /** A listener, with HLS at its defaults, any origin and no HTTPS. */
    public HttpConfig(InetAddress bind, int port, Optional<String> apiToken, boolean required) {
        this(bind, port, apiToken, required, Optional.empty(), List.of(ANY_ORIGIN), HlsConfig.defaults());
    }

    /** A listener the server cannot start without. */
    public HttpConfig(InetAddress bind, int port, Optional<String> apiToken) {
        this(bind, port, apiToken, true);
    }

    public HttpConfig withHttps(TlsConfig tls) {
        return new HttpConfig(bind, port, apiToken, required, Optional.of(tls), allowOrigins, hls);
    }

    public HttpConfig withAllowOrigins(List<String> origins) {
        return new HttpConfig(bind, port, apiToken, required, https, origins, hls);
    }

    public HttpConfig withHls(HlsConfig newHls) {
        return new HttpConfig(bind, port, apiToken, required, https, allowOrigins, newHls);
    }

    /**
     * The Access-Control-Allow-Origin to answer a request from {@code origin} (its Origin header,
     * or null) with, or null for none: the wildcard, or the origin itself when it is allowed.
     */
    public String allowOrigin(String origin) {
        if (allowOrigins.contains(ANY_ORIGIN)) {
            return ANY_ORIGIN;
        }
        return origin != null && allowOrigins.contains(origin) ? origin : null;
    }
}
