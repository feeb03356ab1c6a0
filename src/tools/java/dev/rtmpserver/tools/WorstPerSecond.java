package dev.rtmpserver.tools;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The longest delay in each second of the measured window, by send time: enough to tell one
 * stall (a GC pause, a descheduled process) from delays spread over the whole run.
 */
final class WorstPerSecond {
    private final AtomicLongArray maxNanos;

    WorstPerSecond(int seconds) {
        maxNanos = new AtomicLongArray(Math.max(1, seconds));
    }

    /** @param sinceStart how far into the window the frame was sent */
    void record(long sinceStart, long delayNanos) {
        int i = (int) Math.min(maxNanos.length() - 1, Math.max(0, sinceStart / 1_000_000_000L));
        maxNanos.accumulateAndGet(i, delayNanos, Math::max);
    }

    int seconds() {
        return maxNanos.length();
    }

    /** The second with the longest delay, or -1 when nothing was recorded. */
    int worstSecond() {
        int worst = -1;
        for (int i = 0; i < maxNanos.length(); i++) {
            if (maxNanos.get(i) > 0 && (worst < 0 || maxNanos.get(i) > maxNanos.get(worst))) {
                worst = i;
            }
        }
        return worst;
    }

    double maxMillis(int second) {
        return maxNanos.get(second) / 1e6;
    }

    int secondsAtLeast(double millis) {
        int n = 0;
        for (int i = 0; i < maxNanos.length(); i++) {
            if (maxNanos.get(i) >= millis * 1e6) {
                n++;
            }
        }
        return n;
    }
}
