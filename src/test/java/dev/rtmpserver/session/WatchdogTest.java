package dev.rtmpserver.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule of {@link Watchdog#check}, each case run at several clock origins: nanoTime may be
 * negative, and may wrap between two readings, so only differences of readings may be compared.
 */
class WatchdogTest {
    /** Handshake 10 s, idle 60 s, media 20 s, write 20 s. */
    private static final SessionConfig CONFIG = SessionConfig.defaults();
    /** The last two put the wrap between times of one case: 5 s and 40 s before "now". */
    private static final long[] ORIGINS = {1_000_000_000_007L, -7_000_000_000_000L,
            Long.MIN_VALUE + 5_000_000_007L, Long.MIN_VALUE + 40_000_000_007L};
    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;

    /**
     * One connection's state, every time as how long before "now" it was, in nanoseconds; null for
     * the fields whose 0 means "none".
     */
    record Case(String name, boolean handshakeDone, boolean connected, long acceptedAgo, Long idleAgo,
                        Long mediaAgo, long stalled, long activityAgo, long pingAgo, String close, boolean ping) {
        Watchdog.State at(long now) {
            return new Watchdog.State(now - acceptedAgo, handshakeDone, connected,
                    idleAgo == null ? 0 : now - idleAgo, mediaAgo == null ? 0 : now - mediaAgo, stalled,
                    now - activityAgo, now - pingAgo);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A connected player of a stream, all quiet for {@code silent}, last pinged {@code pingAgo} ago. */
    private static Case player(String name, long silent, long pingAgo, String close, boolean ping) {
        return new Case(name, true, true, 3600 * S, null, null, 0, silent, pingAgo, close, ping);
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                new Case("handshake still within its timeout", false, false, 10 * S, 10 * S, null, 0, 10 * S,
                        10 * S, null, false),
                new Case("handshake not completed", false, false, 10 * S + 1, 10 * S + 1, null, 0, 10 * S + 1,
                        10 * S + 1, "handshake not completed within 10 s", false),
                new Case("handshake done but no connect", true, false, 10 * S + 1, 10 * S + 1, null, 0, 1 * S,
                        10 * S + 1, "no connect within 10 s", false),
                new Case("before connect no other rule applies", true, false, 5 * S, 5 * S, 5 * S, 30 * S, 5 * S,
                        5 * S, null, false),
                new Case("connected: the handshake timeout is over", true, true, 50 * S, 50 * S, null, 0, 1 * S,
                        50 * S, null, false),
                new Case("connected and idle, within the idle timeout", true, true, 60 * S, 60 * S, null, 0, 1 * S,
                        60 * S, null, false),
                new Case("connected and idle too long", true, true, 61 * S, 60 * S + 1, null, 0, 1 * S, 61 * S,
                        "neither published nor played for 60 s", false),
                new Case("publisher within the media timeout", true, true, 3600 * S, null, 20 * S, 0, 1 * S,
                        3600 * S, null, false),
                new Case("publisher sent no media", true, true, 3600 * S, null, 20 * S + 1, 0, 1 * S, 3600 * S,
                        "publisher sent no media for 20 s", false),
                new Case("socket stalled up to the write timeout", true, true, 3600 * S, null, null, 20 * S, 1 * S,
                        3600 * S, null, false),
                new Case("socket stalled too long", true, true, 3600 * S, null, null, 20 * S + 1, 1 * S, 3600 * S,
                        "socket accepted no bytes for 20 s", false),
                new Case("the idle rule comes first", true, true, 3600 * S, 61 * S, 21 * S, 21 * S, 61 * S, 3600 * S,
                        "neither published nor played for 60 s", false),
                player("quiet for half the idle timeout", 30 * S, 3600 * S, null, false),
                player("quiet for more than half: ping", 30 * S + 1, 3600 * S, null, true),
                player("pinged since the peer last spoke", 45 * S, 10 * S, null, false),
                player("pinged at the very moment it last spoke", 45 * S, 45 * S, null, false),
                player("quiet up to the idle timeout", 60 * S, 10 * S, null, false),
                player("quiet past the idle timeout, even pinged", 60 * S + 1, 10 * S,
                        "sent nothing, not even a ping response, for 60 s", false),
                player("quiet past the idle timeout, never pinged", 60 * S + 1, 3600 * S,
                        "sent nothing, not even a ping response, for 60 s", false)));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void check(Case c) {
        for (long now : ORIGINS) {
            Watchdog.Verdict v = Watchdog.check(c.at(now), now, CONFIG);
            assertEquals(c.close(), v.close(), "close, now = " + now);
            assertEquals(c.ping(), v.ping(), "ping, now = " + now);
        }
    }

    @Test
    void durationsThatAreNotWholeSecondsAreShownInMilliseconds() {
        SessionConfig config = CONFIG.withTimeouts(Duration.ofMillis(1500), CONFIG.idleTimeout(),
                CONFIG.mediaTimeout(), CONFIG.writeTimeout());
        long now = ORIGINS[0];
        Watchdog.State s = new Watchdog.State(now - 2 * S, true, false, now - 2 * S, 0, 0, now - 2 * S, now - 2 * S);
        assertEquals("no connect within 1500 ms", Watchdog.check(s, now, config).close());
    }

    @Test
    void aPlayerWaitsForAPublisherUpToThePlayWaitAndZeroWaitsForEver() {
        Duration wait = Duration.ofSeconds(30);
        for (long now : ORIGINS) {
            assertFalse(Watchdog.waitedTooLong(0, now, wait), "0: not waiting");
            assertFalse(Watchdog.waitedTooLong(now - 30 * S, now, wait));
            assertTrue(Watchdog.waitedTooLong(now - 30 * S - 1, now, wait));
            assertFalse(Watchdog.waitedTooLong(now - 100_000 * S, now, Duration.ZERO));
        }
    }
}
