package dev.rtmpserver.hooks;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A hook's fields as the body of its POST. Values are strings, which come from the network (stream
 * names may hold {@code &}, {@code =} or quotes) and are always escaped, or numbers.
 */
final class HookBody {
    private HookBody() {
    }

    static String encode(Map<String, ?> fields, HookFormat format) {
        return format == HookFormat.JSON ? json(fields) : form(fields);
    }

    /** {@code key=value&...}, each part percent-encoded as UTF-8. */
    static String form(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(text(e.getValue()), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** One flat JSON object; numbers are written as numbers. */
    static String json(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            string(sb, e.getKey());
            sb.append(':');
            if (e.getValue() instanceof Number) {
                sb.append(text(e.getValue()));
            } else {
                string(sb, text(e.getValue()));
            }
        }
        return sb.append('}').toString();
    }

    /** A value as text: {@link BigDecimal}s without an exponent, so that form and JSON agree. */
    static String text(Object value) {
        return value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    // JSON requires C0 controls escaped; DEL, C1 and the line separators are escaped as well,
                    // since some readers of the text take them for line ends.
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
