package dev.rtmpserver.concurrent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TickTimerTest {
    private static final long MS = 1_000_000L;

    @Test
    void ticksAreTheMultiplesOfTheDelayOnTheClocksScale() {
        assertEquals(50 * MS, TickTimer.nextTick(0, 50 * MS), "a writer woken on a tick waits a whole delay");
        assertEquals(50 * MS, TickTimer.nextTick(1, 50 * MS));
        assertEquals(50 * MS, TickTimer.nextTick(50 * MS - 1, 50 * MS));
        assertEquals(100 * MS, TickTimer.nextTick(50 * MS, 50 * MS));
        assertEquals(0, TickTimer.nextTick(-1, 50 * MS), "nanoTime may be negative");
        assertEquals(-50 * MS, TickTimer.nextTick(-50 * MS - 1, 50 * MS));
        long nearWrap = Long.MAX_VALUE - 10;
        long wait = TickTimer.nextTick(nearWrap, 50 * MS) - nearWrap;
        assertTrue(wait > 0 && wait <= 50 * MS, "past the wrap of a long the wait is still at most the delay: " + wait);
    }

    /** Sleeps until the deadline as a writer does: again after an early return, until it has passed or an interrupt. */
    private static void sleepOut(TickTimer timer, long deadline) {
        while (deadline - System.nanoTime() > 0 && !Thread.currentThread().isInterrupted()) {
            timer.sleepUntil(timer, deadline);
        }
    }

    @Test
    void everySleeperOfATickWakesAtItAndNoneBefore() throws Exception {
        TickTimer timer = new TickTimer("test-ticks");
        int sleepers = 200;
        long tick = TickTimer.nextTick(System.nanoTime() + 100 * MS, 50 * MS);
        long later = tick + 50 * MS;
        CountDownLatch done = new CountDownLatch(sleepers);
        AtomicInteger early = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sleepers; i++) {
            long deadline = i % 2 == 0 ? tick : later;
            threads.add(Thread.ofVirtual().start(() -> {
                timer.sleepUntil(this, deadline);
                // One return without the deadline passed is allowed (a spurious wake-up); the
                // timer itself never wakes a sleeper early, so the loop ends at the deadline.
                sleepOut(timer, deadline);
                if (System.nanoTime() - deadline < 0) {
                    early.incrementAndGet();
                }
                done.countDown();
            }));
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "every sleeper woke: " + done.getCount() + " still sleep");
        assertEquals(0, early.get());
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void aDeadlineThatPassedReturnsAtOnceAndAnUnparkEndsASleep() throws Exception {
        TickTimer timer = new TickTimer("test-ticks");
        long start = System.nanoTime();
        timer.sleepUntil(this, start - MS);
        timer.sleepUntil(this, start);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());

        long farAway = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        CountDownLatch woke = new CountDownLatch(1);
        Thread sleeper = Thread.ofVirtual().start(() -> {
            timer.sleepUntil(this, farAway);
            woke.countDown();
        });
        while (sleeper.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        java.util.concurrent.locks.LockSupport.unpark(sleeper);
        assertTrue(woke.await(10, TimeUnit.SECONDS), "an unpark ends the sleep long before its deadline");
    }

    @Test
    void aSleeperWithAnEarlierDeadlineWakesTheTimerSleepingForALaterOne() throws Exception {
        TickTimer timer = new TickTimer("test-ticks");
        Thread late = Thread.ofVirtual().start(() -> sleepOut(timer, System.nanoTime() + Duration.ofMinutes(10).toNanos()));
        while (late.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        long start = System.nanoTime();
        sleepOut(timer, start + 20 * MS);
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(),
                "the 20 ms sleep did not wait for the 10-minute one");
        late.interrupt();
        late.join();
    }

    @Test
    void anInterruptedThreadIsNotListedAgainAndAgain() {
        TickTimer timer = new TickTimer("test-ticks");
        long farAway = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        Thread.currentThread().interrupt();
        try {
            for (int i = 0; i < 1_000; i++) {
                timer.sleepUntil(this, farAway);
            }
            assertEquals(0, timer.listedSleeps(), "a park returns at once when interrupted; each call would list one more sleep");
        } finally {
            Thread.interrupted();
        }
    }
}
