package dev.rtmpserver.stream;

/**
 * Text a peer sent (stream and application names, flashVer, URLs), made fit for a log line, a
 * reply or a page: control characters are escaped, so a name cannot forge log lines, and long
 * text is cut short.
 */
public final class PeerText {
    /** Longest peer-supplied text echoed back or logged. */
    public static final int MAX_CHARS = 200;

    private PeerText() {
    }

    /**
     * A value from the peer as printable text. Only strings are shown: never {@code toString()} of
     * decoded AMF, whose references can expand it without bound.
     */
    public static String of(Object value) {
        if (!(value instanceof String s)) {
            return value == null ? "null" : "(" + value.getClass().getSimpleName() + ")";
        }
        return escape(s);
    }

    /**
     * {@code s} with control characters and bidirectional controls as {@code \n}, {@code \xNN} or
     * {@code \}{@code uNNNN}, cut at {@link #MAX_CHARS}.
     */
    public static String escape(String s) {
        int end = Math.min(s.length(), MAX_CHARS);
        if (end < s.length() && Character.isHighSurrogate(s.charAt(end - 1))) {
            // Half a character is not text: encoders turn it into '?' or refuse it.
            end--;
        }
        StringBuilder b = null;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (!isControl(c) && !isBidiControl(c) && c != '\\') {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(end + 16).append(s, 0, i);
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\\' -> b.append("\\\\");
                default -> b.append(c < 0x100 ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
            }
        }
        String result = b == null ? s.substring(0, end) : b.toString();
        return s.length() > MAX_CHARS ? result + "..." : result;
    }

    /**
     * The invisible marks and overrides of bidirectional text: in a log line or a page they reorder
     * what follows them, so a name could make a line read as something else. A name may hold them
     * (scripts written right to left use the marks); they are shown escaped.
     */
    static boolean isBidiControl(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** C0 and C1 controls, DEL, and the line and paragraph separators some viewers break lines at. */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
