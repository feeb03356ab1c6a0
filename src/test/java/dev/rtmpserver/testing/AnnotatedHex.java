package dev.rtmpserver.testing;

import java.util.HexFormat;
import java.util.Locale;

/**
 * Hex fixtures with a {@code #} comment naming each field: everything from a {@code #} to the end
 * of its line is a comment and whitespace is layout, so a failing byte can be traced to its field.
 */
public final class AnnotatedHex {
    private AnnotatedHex() {
    }

    /** The fixture's digits alone, lower case, as {@link HexFormat#formatHex} writes them. */
    public static String hex(String annotated) {
        StringBuilder digits = new StringBuilder();
        for (String line : annotated.split("\n", -1)) {
            int comment = line.indexOf('#');
            digits.append((comment >= 0 ? line.substring(0, comment) : line).replaceAll("\\s+", ""));
        }
        return digits.toString().toLowerCase(Locale.ROOT);
    }

    public static byte[] bytes(String annotated) {
        return HexFormat.of().parseHex(hex(annotated));
    }

    /** Several fixtures joined, e.g. a message header followed by a codec configuration. */
    public static byte[] concat(String... annotatedParts) {
        return bytes(String.join("\n", annotatedParts));
    }

    /** Repeats a short pattern to fill a field too long to spell out, such as 1528 random bytes. */
    public static byte[] fill(byte[] pattern, int length) {
        byte[] filled = new byte[length];
        for (int i = 0; i < length; i++) {
            filled[i] = pattern[i % pattern.length];
        }
        return filled;
    }
}
