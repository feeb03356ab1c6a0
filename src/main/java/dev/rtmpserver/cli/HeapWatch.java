package dev.rtmpserver.cli;

import dev.rtmpserver.concurrent.Threads;
import org.tinylog.Logger;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Collects the old generation of the serial collector (the launcher's) once it has grown to
 * twice what was live after its last collection, and at least {@link #FLOOR_BYTES}.
 *
 * <p>The serial collector collects its old generation only when the heap cannot grow any more:
 * until then each young collection that promotes an object the old generation has no room for
 * grows it instead. A live server promotes garbage all the time (a GOP cache's frames live for a
 * GOP, longer than a young collection apart), so without this the heap, and the RSS with it, grew
 * for as long as the server ran: with 500 players, by about 6 MB a minute, towards a quarter of
 * the machine's memory. A full collection of a live set of 10-20 MB takes a few milliseconds.
 */
final class HeapWatch {
    /** Below this the old generation is left alone: collecting a few MB often would cost more than it frees. */
    static final long FLOOR_BYTES = 32L << 20;
    private static final long PERIOD_SECONDS = 2;
    /** The serial collector's old generation. */
    private static final String SERIAL_OLD = "Tenured Gen";

    /** The old generation as this watch sees it. */
    interface OldGeneration {
        long used();

        /** What was in use right after the last collection of this generation; 0 if none has run. */
        long usedAfterCollection();
    }

    private final OldGeneration old;
    private final Runnable collect;

    HeapWatch(OldGeneration old, Runnable collect) {
        this.old = old;
        this.collect = collect;
    }

    /** Collects if the old generation has passed its threshold; then sets the next one from what is live. */
    void check() {
        long used = old.used();
        if (used <= threshold()) {
            return;
        }
        collect.run();
        Logger.debug("old generation collected: {} MB in use, {} MB live, next at {} MB", used >> 20,
                old.usedAfterCollection() >> 20, threshold() >> 20);
    }

    /** Twice what was live after the last collection of the old generation, whoever ran it. */
    long threshold() {
        return nextThreshold(old.usedAfterCollection());
    }

    static long nextThreshold(long live) {
        return Math.max(FLOOR_BYTES, 2 * live);
    }

    /** Starts watching every {@value #PERIOD_SECONDS} s if this JVM runs the serial collector; otherwise nothing. */
    // The task runs for the life of the process; nothing ever waits for it.
    @SuppressWarnings("FutureReturnValueIgnored")
    static void startIfSerial() {
        Optional<MemoryPoolMXBean> pool = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getName().equals(SERIAL_OLD))
                .findFirst();
        // With explicit collections disabled, System.gc() would do nothing every time.
        boolean explicitGcDisabled = ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains("-XX:+DisableExplicitGC");
        if (pool.isEmpty() || explicitGcDisabled) {
            return;
        }
        MemoryPoolMXBean tenured = pool.get();
        HeapWatch watch = new HeapWatch(new OldGeneration() {
            @Override
            public long used() {
                return tenured.getUsage().getUsed();
            }

            @Override
            public long usedAfterCollection() {
                MemoryUsage after = tenured.getCollectionUsage();
                return after == null ? 0 : after.getUsed();
            }
        }, System::gc);
        ScheduledExecutorService timer = Threads.newTimer("heap-watch");
        timer.scheduleWithFixedDelay(watch::check, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    }
}
