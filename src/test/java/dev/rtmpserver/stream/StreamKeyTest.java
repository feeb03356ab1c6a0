package dev.rtmpserver.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class StreamKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"cam1", "a..b", "...", "..a", "a..", "a/b/c", "live/cam-1_2.flv", "a/..b/c", "x y",
            "日本語", "😀", "?", "a\u00a0b", "."})
    void ordinaryNamesAreValid(String name) {
        assertNull(StreamKey.invalidName(name), name);
    }

    @Test
    void anEmptyNameIsInvalid() {
        assertEquals("the stream name is empty", StreamKey.invalidName(""));
    }

    @Test
    void aNameLongerThanTheLimitIsInvalid() {
        assertNull(StreamKey.invalidName("a".repeat(StreamKey.MAX_NAME_CHARS)));
        assertEquals("the stream name is longer than 256 characters",
                StreamKey.invalidName("a".repeat(StreamKey.MAX_NAME_CHARS + 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cam\n1", "cam\r", "\0", "a\tb", "a\u007f", "a\u0085", "a\u009fb", "a\u2028", "a\u2029"})
    void controlCharactersAreInvalid(String name) {
        assertEquals("the stream name contains control characters", StreamKey.invalidName(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../x", "a/..", "a/../b", "a/b/../../..", "/..", "../"})
    void aDotDotSegmentIsInvalid(String name) {
        assertEquals("the stream name contains '..'", StreamKey.invalidName(name));
    }

    @Test
    void aQueryIsSplitOffAtTheFirstQuestionMark() {
        assertEquals(new StreamKey.NameAndQuery("cam1", "token=x?y"), StreamKey.NameAndQuery.parse("cam1?token=x?y"));
        assertEquals(new StreamKey.NameAndQuery("cam1", ""), StreamKey.NameAndQuery.parse("cam1"));
        assertEquals(new StreamKey.NameAndQuery("", "token=x"), StreamKey.NameAndQuery.parse("?token=x"));
    }

    @Test
    void aKeyShowsItsPartsEscaped() {
        assertEquals("live/cam1", new StreamKey("live", "cam1").toString());
        assertEquals("li\\nve/cam\\x001", new StreamKey("li\nve", "cam\0" + "1").toString());
        assertNotNull(new StreamKey("live", "x".repeat(300)).toString());
        assertEquals("live/" + "x".repeat(PeerText.MAX_CHARS) + "...", new StreamKey("live", "x".repeat(300)).toString());
    }
}
