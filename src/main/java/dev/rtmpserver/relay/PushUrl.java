package dev.rtmpserver.relay;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a push relay publishes: {@code rtmp[s]://host[:port]/app/streamName[?query]}. The first path
 * segment is the application, as every RTMP server and ffmpeg read it; the rest, with the query, is
 * the stream name, which for services such as YouTube or Twitch is the secret stream key.
 *
 * @param tls        rtmps: the connection is TLS
 * @param host       the host name, also sent as TLS SNI and checked against the certificate
 * @param port       1935 for rtmp and 443 for rtmps unless the URL names one
 * @param app        the application named in connect
 * @param streamName the name given to publish, with any query
 */
public record PushUrl(boolean tls, String host, int port, String app, String streamName) {
    static final int RTMP_PORT = 1935;
    static final int RTMPS_PORT = 443;
    /** What stands in the API, the dashboard and the log for a stream key. */
    static final String REDACTED = "REDACTED";
    private static final String NAME_PLACEHOLDER = "{name}";

    /**
     * The URL a stream is pushed to: {@code {name}} stands for the stream name; a URL with an
     * application only gets {@code /NAME} appended, as nginx-rtmp's push does.
     *
     * @throws IllegalArgumentException if the URL is not an rtmp:// or rtmps:// URL with a host and an application
     */
    public static PushUrl of(String template, String name) {
        String url = template.strip().replace(NAME_PLACEHOLDER, name);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + redact(url));
        }
        String scheme = uri.getScheme();
        boolean tls = "rtmps".equalsIgnoreCase(scheme);
        if (!tls && !"rtmp".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("not an rtmp:// or rtmps:// URL: " + redact(url));
        }
        if (uri.getHost() == null || uri.getRawPath() == null) {
            throw new IllegalArgumentException("no host in " + redact(url));
        }
        String path = uri.getRawPath().replaceFirst("^/+", "");
        int slash = path.indexOf('/');
        String app = slash < 0 ? path : path.substring(0, slash);
        String stream = slash < 0 ? "" : path.substring(slash + 1);
        if (app.isEmpty()) {
            throw new IllegalArgumentException("no application in " + redact(url));
        }
        if (stream.isEmpty()) {
            stream = name;
        }
        if (uri.getRawQuery() != null) {
            stream += "?" + uri.getRawQuery();
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? RTMPS_PORT : RTMP_PORT;
        return new PushUrl(tls, uri.getHost(), port, app, stream);
    }

    /** The application's URL, sent as connect's tcUrl. */
    public String tcUrl() {
        return (tls ? "rtmps" : "rtmp") + "://" + host + ":" + port + "/" + app;
    }

    /** The URL with the stream name and query left out, safe to show and log. */
    public String redacted() {
        return tcUrl() + "/" + REDACTED;
    }

    /** {@code url} up to its application, for error messages about URLs that did not parse. */
    private static String redact(String url) {
        int scheme = url.indexOf("://");
        int app = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        int name = app < 0 ? -1 : url.indexOf('/', app + 1);
        int query = url.indexOf('?');
        int cut = name >= 0 ? name : query;
        return cut < 0 ? url : url.substring(0, cut) + "/" + REDACTED;
    }

    @Override
    public String toString() {
        return redacted();
    }
}
