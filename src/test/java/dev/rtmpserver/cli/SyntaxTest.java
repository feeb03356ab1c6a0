package dev.rtmpserver.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntaxTest {
    @Test
    void durationsAreReadInTheirUnitsAndABareNumberIsSeconds() {
        assertEquals(Duration.ofMillis(500), Syntax.duration("500ms"));
        assertEquals(Duration.ofSeconds(10), Syntax.duration(" 10s "));
        assertEquals(Duration.ofMinutes(2), Syntax.duration("2m"));
        assertEquals(Duration.ofHours(1), Syntax.duration("1h"));
        assertEquals(Duration.ofSeconds(7), Syntax.duration("7"));
        for (String bad : new String[] {"5x", "-1s", "1.5s", "", "s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Syntax.duration(bad));
            assertTrue(e.getMessage().contains("such as 500ms, 10s, 2m or 1h"), e.getMessage());
        }
    }

    @Test
    void durationsAreWrittenSoTheyReadBackTheSame() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(500), Duration.ofMillis(1500),
                Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofHours(2)}) {
            assertEquals(d, Syntax.duration(Syntax.format(d)), Syntax.format(d));
        }
        assertEquals("0", Syntax.format(Duration.ZERO));
        assertEquals("1500ms", Syntax.format(Duration.ofMillis(1500)));
        assertEquals("60s", Syntax.format(Duration.ofMinutes(1)));
    }

    @Test
    void switchesAreOnOrOff() {
        assertTrue(Syntax.onOff("on"));
        assertTrue(Syntax.onOff("TRUE"));
        assertFalse(Syntax.onOff(" off "));
        assertFalse(Syntax.onOff("no"));
        assertEquals("on", Syntax.format(true));
        assertEquals("off", Syntax.format(false));
        assertThrows(IllegalArgumentException.class, () -> Syntax.onOff("maybe"));
    }

    @Test
    void addressesAreWrittenAsLiterals() {
        assertEquals("127.0.0.1", Syntax.format(InetAddress.getLoopbackAddress()));
    }
}
