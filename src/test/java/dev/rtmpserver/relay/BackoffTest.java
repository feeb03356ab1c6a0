package dev.rtmpserver.relay;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private static final double ALMOST_ONE = Math.nextDown(1.0);

    @Test
    void doublesFromOneSecondUpToThirtyAtTheTopOfTheJitter() {
        long[] seconds = {1, 2, 4, 8, 16, 30, 30};
        for (int failures = 1; failures <= seconds.length; failures++) {
            Duration longest = Backoff.delay(failures, () -> ALMOST_ONE);
            assertEquals(seconds[failures - 1], Math.round(longest.toMillis() / 1000.0), "after " + failures);
        }
    }

    @Test
    void jitterKeepsEachWaitInTheUpperHalfOfItsStep() {
        assertEquals(Duration.ofMillis(500), Backoff.delay(1, () -> 0));
        assertEquals(Duration.ofSeconds(15), Backoff.delay(10, () -> 0));
        assertEquals(Duration.ofSeconds(3), Backoff.delay(3, () -> 0.5));
    }

    @Test
    void neverExceedsTheMaximumHoweverLongTheOutage() {
        for (int failures : new int[] {6, 7, 63, 64, 1000, Integer.MAX_VALUE}) {
            Duration d = Backoff.delay(failures, () -> ALMOST_ONE);
            assertTrue(d.compareTo(Backoff.MAX) <= 0, failures + ": " + d);
            assertTrue(d.compareTo(Backoff.MAX.dividedBy(2)) >= 0, failures + ": " + d);
        }
    }

    @Test
    void needsAFailureToWaitFor() {
        assertThrows(IllegalArgumentException.class, () -> Backoff.delay(0, () -> 0.5));
    }
}
