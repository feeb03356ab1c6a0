package dev.rtmpserver.cli;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeapWatchTest {
    private static final long MB = 1L << 20;

    /** An old generation that fills with garbage as the test says and keeps {@code live} through a collection. */
    private static final class FakeOld implements HeapWatch.OldGeneration {
        long used;
        long live;
        long afterCollection;

        @Override
        public long used() {
            return used;
        }

        @Override
        public long usedAfterCollection() {
            return afterCollection;
        }

        void collect() {
            used = live;
            afterCollection = live;
        }
    }

    @Test
    void collectsOnlyPastTheThresholdAndSetsTheNextFromWhatIsLive() {
        FakeOld old = new FakeOld();
        AtomicInteger collections = new AtomicInteger();
        HeapWatch watch = new HeapWatch(old, () -> {
            collections.incrementAndGet();
            old.collect();
        });

        old.used = HeapWatch.FLOOR_BYTES;
        watch.check();
        assertEquals(0, collections.get(), "at the floor nothing is collected");

        old.live = 10 * MB;
        old.used = HeapWatch.FLOOR_BYTES + 1;
        watch.check();
        assertEquals(1, collections.get());
        assertEquals(HeapWatch.FLOOR_BYTES, watch.threshold(), "twice 10 MB live is below the floor");

        old.live = 40 * MB;
        old.used = 60 * MB;
        watch.check();
        assertEquals(2, collections.get());
        assertEquals(80 * MB, watch.threshold(), "twice what is live");

        old.used = 80 * MB;
        watch.check();
        assertEquals(2, collections.get(), "up to twice what is live, garbage waits");
        old.used = 81 * MB;
        watch.check();
        assertEquals(3, collections.get());
    }

    @Test
    void thresholds() {
        assertEquals(HeapWatch.FLOOR_BYTES, HeapWatch.nextThreshold(0));
        assertEquals(HeapWatch.FLOOR_BYTES, HeapWatch.nextThreshold(HeapWatch.FLOOR_BYTES / 2));
        assertEquals(100 * MB, HeapWatch.nextThreshold(50 * MB));
    }
}
