package dev.rtmpserver.relay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two JSON bodies that name push targets: {@code {"url": "rtmp://..."}} posted to the API, and
 * {@code {"push": ["rtmp://...", ...]}} in an {@code --on-publish} callback's answer. Read by a
 * small strict parser for exactly that much JSON (objects, arrays, strings, numbers, true, false,
 * null), since the server has no JSON library and needs none for anything else.
 */
public final class PushJson {
    /** Bodies are a URL or a few; anything near this is not one of ours. */
    static final int MAX_CHARS = 64 * 1024;
    private static final int MAX_DEPTH = 8;

    private PushJson() {
    }

    /**
     * The URL of an API request.
     *
     * @throws IllegalArgumentException unless the body is an object whose only member is a string "url"
     */
    public static String url(String body) {
        if (!(parse(body) instanceof Map<?, ?> m) || m.size() != 1 || !(m.get("url") instanceof String url)) {
            throw new IllegalArgumentException("expected {\"url\": \"rtmp://...\"}");
        }
        return url;
    }

    /**
     * The push URLs of a callback's answer: its "push" member, an array of strings. An answer that is
     * not JSON, or has no "push", asks for none.
     *
     * @throws IllegalArgumentException if "push" is there but not an array of strings
     */
    public static List<String> pushes(String body) {
        Object value;
        try {
            value = parse(body);
        } catch (IllegalArgumentException notJson) {
            return List.of();
        }
        if (!(value instanceof Map<?, ?> m) || !m.containsKey("push")) {
            return List.of();
        }
        if (!(m.get("push") instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            throw new IllegalArgumentException("\"push\" must be an array of URL strings");
        }
        return list.stream().map(String.class::cast).toList();
    }

    static Object parse(String text) {
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("longer than " + MAX_CHARS + " characters");
        }
        Parser p = new Parser(text);
        Object value = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return value;
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested too deeply");
            }
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object(int depth) {
            pos++;
            Map<String, Object> m = new LinkedHashMap<>();
            skipSpace();
            if (peek('}')) {
                pos++;
                return m;
            }
            while (true) {
                skipSpace();
                if (!peek('"')) {
                    throw error("expected a member name");
                }
                String key = string();
                skipSpace();
                expect(':');
                if (m.containsKey(key)) {
                    throw error("member \"" + key + "\" given twice");
                }
                m.put(key, value(depth + 1));
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> list = new ArrayList<>();
            skipSpace();
            if (peek(']')) {
                pos++;
                return list;
            }
            while (true) {
                list.add(value(depth + 1));
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    break;
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
            throw error("unterminated string");
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected character");
            }
            pos += word.length();
            return value;
        }

        private Double number() {
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            try {
                return Double.valueOf(s.substring(start, pos));
            } catch (NumberFormatException e) {
                throw error("unexpected character");
            }
        }

        void skipSpace() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not valid JSON at character " + pos + ": " + what);
        }
    }
}
