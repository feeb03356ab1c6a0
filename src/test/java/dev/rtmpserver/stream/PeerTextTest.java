package dev.rtmpserver.stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerTextTest {

    static Stream<Arguments> escapes() {
        return Stream.of(
                Arguments.of("cam1", "cam1"),
                Arguments.of("", ""),
                Arguments.of("a\nb", "a\\nb"),
                Arguments.of("a\rb", "a\\rb"),
                Arguments.of("a\tb", "a\\tb"),
                Arguments.of("a\0b", "a\\x00b"),
                Arguments.of("\u001f", "\\x1f"),
                Arguments.of(" ~", " ~"),
                Arguments.of("a\u007fb", "a\\x7fb"),
                Arguments.of("a\u0085b", "a\\x85b"),
                Arguments.of("\u0080\u009f", "\\x80\\x9f"),
                Arguments.of("\u00a0é", "\u00a0é"),
                Arguments.of("a\u2028b\u2029c", "a\\u2028b\\u2029c"),
                // A right-to-left override shows what follows it reversed: this one would read "cam" + "exe.jpg".
                Arguments.of("cam\u202egpj.exe", "cam\\u202egpj.exe"),
                Arguments.of("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
                Arguments.of("\u2066x\u2069\u2067\u2068", "\\u2066x\\u2069\\u2067\\u2068"),
                Arguments.of("\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"),
                Arguments.of("\u05e9\u05dc\u05d5\u05dd", "\u05e9\u05dc\u05d5\u05dd"),
                Arguments.of("a\\nb", "a\\\\nb"),
                // A forged log line stays on one line.
                Arguments.of("cam\n2026-01-01 INFO admin logged in", "cam\\n2026-01-01 INFO admin logged in"),
                Arguments.of("日本語 😀", "日本語 😀"));
    }

    @ParameterizedTest
    @MethodSource("escapes")
    void controlCharactersAndBackslashesAreEscaped(String peer, String shown) {
        assertEquals(shown, PeerText.escape(peer));
        assertEquals(shown, PeerText.of(peer));
    }

    @Test
    void plainTextIsReturnedAsItIs() {
        String s = "live/cam1";
        assertSame(s, PeerText.escape(s));
    }

    @Test
    void textIsCutAtMaxChars() {
        String exactly = "a".repeat(PeerText.MAX_CHARS);
        assertEquals(exactly, PeerText.escape(exactly));
        assertEquals(exactly + "...", PeerText.escape(exactly + "b"));
        assertEquals(exactly + "...", PeerText.escape("a".repeat(100_000)));
        // The cut counts the peer's characters, not the escaped ones.
        String escaped = PeerText.escape("\n".repeat(PeerText.MAX_CHARS + 1));
        assertEquals("\\n".repeat(PeerText.MAX_CHARS) + "...", escaped);
        assertEquals("a".repeat(PeerText.MAX_CHARS - 1) + "\\x00...",
                PeerText.escape("a".repeat(PeerText.MAX_CHARS - 1) + "\0\n\n"));
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        String s = "a".repeat(PeerText.MAX_CHARS - 1) + "😀b";
        String shown = PeerText.escape(s);
        assertTrue(shown.endsWith("..."), shown);
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(i + 1 < shown.length() && Character.isLowSurrogate(shown.charAt(i + 1)),
                        "lone high surrogate at " + i);
            }
        }
        assertEquals("a".repeat(PeerText.MAX_CHARS - 1) + "...", shown);
    }

    @Test
    void onlyStringsAreShown() {
        assertEquals("null", PeerText.of(null));
        assertEquals("(Double)", PeerText.of(1.0));
        assertEquals("(Boolean)", PeerText.of(true));
        Object nested = Map.of("app", List.of("x".repeat(1000)));
        String shown = PeerText.of(nested);
        assertTrue(shown.startsWith("(") && shown.endsWith(")"), shown);
        assertFalse(shown.contains("xxx"), shown);
    }
}
