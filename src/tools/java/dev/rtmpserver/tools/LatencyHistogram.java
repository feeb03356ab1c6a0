package dev.rtmpserver.tools;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Delays from 0 to 1 s in 0.1 ms buckets, plus one bucket for anything longer, shared by every
 * player: a fixed size whatever the number of players or frames, and one atomic increment per
 * sample.
 */
final class LatencyHistogram {
    private static final long BUCKET_NANOS = 100_000;
    private static final int BUCKETS = 10_000;

    /** The last slot counts samples of a second or more. */
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);
    private final LongAccumulator max = new LongAccumulator(Math::max, Long.MIN_VALUE);

    void record(long nanos) {
        long bucket = Math.max(0, nanos) / BUCKET_NANOS;
        counts.incrementAndGet((int) Math.min(bucket, BUCKETS));
        max.accumulate(nanos);
    }

    long count() {
        long n = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /**
     * The upper edge of the bucket holding quantile {@code q}, in ms, so a reported p99 is never
     * below the true one; NaN without samples, the maximum when it falls past 1 s.
     */
    double quantileMillis(double q) {
        long n = count();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(rank, 1)) {
                return Math.min((i + 1) * BUCKET_NANOS, Math.max(max.get(), 0)) / 1e6;
            }
        }
        return maxMillis();
    }

    double maxMillis() {
        return count() == 0 ? Double.NaN : max.get() / 1e6;
    }

    /** Samples of {@code millis} or more. */
    long countAtLeast(double millis) {
        int from = (int) Math.min(BUCKETS, Math.max(0, Math.round(millis * 1e6 / BUCKET_NANOS)));
        long n = 0;
        for (int i = from; i <= BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }
}
