package dev.rtmpserver.stream;

/**
 * Identifies a live stream: the application from the connect URL and the stream name from
 * publish/play, without any query string.
 */
public record StreamKey(String app, String name) {
    /** Longer names are refused: no real client needs them, and they end up in logs and file names. */
    public static final int MAX_NAME_CHARS = 256;

    /** Splits {@code "cam1?token=x"} into the name part and the query part. */
    public record NameAndQuery(String name, String query) {
        public static NameAndQuery parse(String raw) {
            int q = raw.indexOf('?');
            return q < 0 ? new NameAndQuery(raw, "") : new NameAndQuery(raw.substring(0, q), raw.substring(q + 1));
        }
    }

    /**
     * Why {@code name} cannot name a stream, or null if it can: empty, too long, control characters
     * (which would forge log lines), or a {@code ..} path segment (which recordings and HTTP paths
     * would resolve upwards).
     */
    public static String invalidName(String name) {
        if (name.isEmpty()) {
            return "the stream name is empty";
        }
        if (name.length() > MAX_NAME_CHARS) {
            return "the stream name is longer than " + MAX_NAME_CHARS + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (PeerText.isControl(name.charAt(i))) {
                return "the stream name contains control characters";
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals("..")) {
                return "the stream name contains '..'";
            }
        }
        return null;
    }

    /** For logs and replies: peer text, escaped. */
    @Override
    public String toString() {
        return PeerText.escape(app) + "/" + PeerText.escape(name);
    }
}
