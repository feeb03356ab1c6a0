package dev.rtmpserver.stream;

/**
 * Identifies a live stream: the application from the connect URL and the stream name from
 * publish/play, without any query string.
 */
public record StreamKey(String app, String name) {

    /** Splits {@code "cam1?token=x"} into the name part and the query part. */
    public record NameAndQuery(String name, String query) {
        public static NameAndQuery parse(String raw) {
            int q = raw.indexOf('?');
            return q < 0 ? new NameAndQuery(raw, "") : new NameAndQuery(raw.substring(0, q), raw.substring(q + 1));
        }
    }

    @Override
    public String toString() {
        return app + "/" + name;
    }
}
