package dev.rtmpserver.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link System#nanoTime()} stand-in that moves only when a test says so. It starts just before
 * the signed wrap of a long, as nanoTime may, so code that compares absolute readings instead of
 * differences fails here.
 */
public final class FakeClock implements LongSupplier {
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());

    @Override
    public long getAsLong() {
        return now.get();
    }

    public void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }
}
