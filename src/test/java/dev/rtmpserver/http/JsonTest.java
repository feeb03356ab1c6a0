package dev.rtmpserver.http;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {

    @Test
    void everyControlCharacterIsEscaped() {
        StringBuilder in = new StringBuilder();
        StringBuilder out = new StringBuilder("\"");
        for (char c = 0; c < 0x20; c++) {
            in.append(c);
            out.append(switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> String.format("\\u%04x", (int) c);
            });
        }
        for (char c = 0x7f; c <= 0x9f; c++) {
            in.append(c);
            out.append(String.format("\\u%04x", (int) c));
        }
        assertEquals(out.append('"').toString(), Json.write(in.toString()));
    }

    @Test
    void lineAndParagraphSeparatorsAreEscaped() {
        assertEquals("\"a\\u2028b\\u2029c\"", Json.write("a\u2028b\u2029c"));
    }

    @Test
    void quotesBackslashesAndMarkupAreEscaped() {
        assertEquals("\"\\\"\\\\\\u003cb\\u003e\\u0026\"", Json.write("\"\\<b>&"));
    }

    @Test
    void surrogatePairsPassButLoneSurrogatesAreEscaped() {
        assertEquals("\"\uD83C\uDFA5\"", Json.write("\uD83C\uDFA5"));
        assertEquals("\"\\ud83c x \\udfa5\"", Json.write("\uD83C x \uDFA5"));
    }

    @Test
    void keysAreEscapedLikeValues() {
        assertEquals("{\"a\\u0000\":[\"\\u001b[31m\"]}", Json.write(Map.of("a\0", List.of("\u001b[31m"))));
    }

    @Test
    void ordinaryTextIsUntouched() {
        assertEquals("\"live/caméra 1 \u4e2d\"", Json.write("live/caméra 1 \u4e2d"));
    }
}
