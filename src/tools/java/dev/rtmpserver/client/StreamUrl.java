package dev.rtmpserver.client;

import java.net.URI;

/**
 * A stream's address, {@code rtmp://host[:port]/app/name}, split the way this project's tools
 * split it: the application is everything up to the last slash, the stream name what follows.
 */
public record StreamUrl(String host, int port, String app, String name) {
    public static final int DEFAULT_PORT = 1935;

    /** @throws IllegalArgumentException if {@code url} is not such an address */
    public static StreamUrl parse(String url) {
        URI uri = URI.create(url);
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        int slash = path.lastIndexOf('/');
        if (!"rtmp".equals(uri.getScheme()) || uri.getHost() == null || slash <= 0 || slash == path.length() - 1) {
            throw new IllegalArgumentException("expected rtmp://host[:port]/app/stream, got " + url);
        }
        return new StreamUrl(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), path.substring(0, slash),
                path.substring(slash + 1));
    }
}
