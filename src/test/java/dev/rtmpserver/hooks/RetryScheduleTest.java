package dev.rtmpserver.hooks;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetryScheduleTest {
    @Test
    void doublesFromOneSecondWithoutJitterInTheMiddle() {
        assertEquals(Duration.ofSeconds(1), RetrySchedule.delay(1, () -> 0.5));
        assertEquals(Duration.ofSeconds(2), RetrySchedule.delay(2, () -> 0.5));
        assertEquals(Duration.ofSeconds(4), RetrySchedule.delay(3, () -> 0.5));
    }

    @Test
    void jitterStaysWithinAQuarterEitherWay() {
        assertEquals(Duration.ofMillis(750), RetrySchedule.delay(1, () -> 0));
        assertEquals(Duration.ofSeconds(3), RetrySchedule.delay(3, () -> 0));
        double almostOne = Math.nextDown(1.0);
        for (int retry = 1; retry <= RetrySchedule.RETRIES; retry++) {
            Duration nominal = Duration.ofSeconds(1L << (retry - 1));
            Duration longest = RetrySchedule.delay(retry, () -> almostOne);
            assertTrue(longest.compareTo(nominal.multipliedBy(5).dividedBy(4)) <= 0, longest.toString());
            assertTrue(longest.compareTo(nominal.multipliedBy(6).dividedBy(5)) > 0, longest.toString());
        }
    }

    @Test
    void onlyThreeRetries() {
        assertThrows(IllegalArgumentException.class, () -> RetrySchedule.delay(0, () -> 0.5));
        assertThrows(IllegalArgumentException.class, () -> RetrySchedule.delay(RetrySchedule.RETRIES + 1, () -> 0.5));
    }
}
