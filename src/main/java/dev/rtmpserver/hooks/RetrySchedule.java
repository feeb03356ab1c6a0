package dev.rtmpserver.hooks;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long a failed hook waits before each retry: 1 s, 2 s, 4 s, each stretched or shortened at
 * random by up to a quarter, so that the many hooks a restarting receiver missed at the same moment
 * do not all come back at the same moment too.
 */
final class RetrySchedule {
    /** Retries after the first attempt; then the hook is given up. */
    static final int RETRIES = 3;
    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final double JITTER = 0.25;

    private RetrySchedule() {
    }

    /**
     * @param retry  1 for the first retry, up to {@link #RETRIES}
     * @param random a number in [0, 1): {@code Math::random}, or a test's fixed value
     */
    static Duration delay(int retry, DoubleSupplier random) {
        if (retry < 1 || retry > RETRIES) {
            throw new IllegalArgumentException("retry " + retry + " is not 1.." + RETRIES);
        }
        long nominal = FIRST.toNanos() << (retry - 1);
        double factor = 1 - JITTER + 2 * JITTER * random.getAsDouble();
        return Duration.ofNanos(Math.round(nominal * factor));
    }
}
