package dev.rtmpserver.relay;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * How long a push target waits before reconnecting: 1 s after the first failure, doubling up to
 * 30 s. Each wait is somewhere in its upper half, at random, so that targets dropped together (one
 * remote server restarting) do not all knock again at the same moment, and no wait ever exceeds
 * the maximum.
 */
public final class Backoff {
    public static final Duration FIRST = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofSeconds(30);

    private Backoff() {
    }

    /**
     * @param failures failed attempts in a row since the target last published, at least 1
     * @param random   a number in [0, 1): {@code Math::random}, or a test's fixed value
     */
    public static Duration delay(int failures, DoubleSupplier random) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1: " + failures);
        }
        // Past 2^5 s the doubling is capped anyway; the shift must not overflow on a long outage.
        long nominal = Math.min(MAX.toNanos(), FIRST.toNanos() << Math.min(failures - 1, 5));
        double factor = 0.5 + 0.5 * random.getAsDouble();
        return Duration.ofNanos(Math.round(nominal * factor));
    }
}
