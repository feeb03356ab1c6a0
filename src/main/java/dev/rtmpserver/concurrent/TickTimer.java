package dev.rtmpserver.concurrent;

import org.tinylog.Logger;

import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes threads that sleep until an instant, all threads due at the same instant at once, from one
 * platform thread of its own.
 *
 * <p>Writers that hold media for a write delay sleep until a tick: the next multiple of their
 * delay. A virtual thread's timed park would instead hand every sleep to the JDK's scheduler
 * thread, which is woken for each one (with 500 players at 50 ms, 10,000 wake-ups of that thread a
 * second, each a futex call, and about a sixth of the server's CPU). Here the thread that sleeps
 * only adds itself to its tick's list; this timer's thread wakes once per tick for every sleeper
 * of that tick, and is woken by a sleeper only when no earlier tick is pending.
 *
 * <p>A sleeper may be woken early (by an unpark of its own, or spuriously) and must check its
 * condition and time, as with {@link LockSupport#park}. A sleep that ended early stays in its
 * instant's list until then, as an empty entry. Instants are {@link System#nanoTime()} readings.
 */
public final class TickTimer {
    /** {@link #sleepingUntil} while the timer's thread waits for a first sleeper, without a deadline. */
    private static final long IDLE = Long.MIN_VALUE;
    private static final long ERROR_PAUSE_NANOS = 10_000_000L;

    private static final class Holder {
        static final TickTimer SHARED = new TickTimer("write-ticks");
    }

    /** The sleepers due at one instant; once {@link #fired}, sleepers that find it wake themselves. */
    private static final class Due {
        final ConcurrentLinkedQueue<Sleeper> sleepers = new ConcurrentLinkedQueue<>();
        volatile boolean fired;
    }

    /** One sleep; its thread is cleared when the sleep ends, so the timer never wakes the thread later, elsewhere. */
    private static final class Sleeper {
        volatile Thread thread;

        Sleeper(Thread thread) {
            this.thread = thread;
        }
    }

    /** Instants in the order of nanoTime, whose readings may wrap: compared by their difference. */
    private final ConcurrentSkipListMap<Long, Due> due = new ConcurrentSkipListMap<>((a, b) -> Long.signum(a - b));
    private final Thread thread;
    /** The instant the timer's thread sleeps until, or {@link #IDLE}; a sleeper due earlier wakes it. */
    private volatile long sleepingUntil = IDLE;

    TickTimer(String name) {
        thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
    }

    /** The timer that every connection's writer shares. */
    public static TickTimer shared() {
        return Holder.SHARED;
    }

    /**
     * The first multiple of {@code delay} on the {@link System#nanoTime()} scale after {@code now}.
     * Every writer with the same delay ends its waits at the same instants, so the JVM's timer
     * wakes once per delay for all of them and its carrier threads write their batches in one
     * burst, instead of waking, and sleeping again, for each player (a thread's wake-up costs
     * about what a write does). A writer woken on such a tick takes its batch just after it, so it
     * still writes once per delay, and nothing it holds waits longer than the delay.
     */
    public static long nextTick(long now, long delay) {
        return now - Math.floorMod(now, delay) + delay;
    }

    /**
     * Parks the calling thread until about {@code deadline} (never before it because of this timer),
     * or until it is unparked, or spuriously. Returns at once if the deadline has passed or the
     * thread is interrupted: a park would return at once too, and a caller that slept again in a
     * loop would leave one entry per call in the deadline's list until the deadline.
     */
    public void sleepUntil(Object blocker, long deadline) {
        if (deadline - System.nanoTime() <= 0 || Thread.currentThread().isInterrupted()) {
            return;
        }
        Sleeper sleeper = new Sleeper(Thread.currentThread());
        Due d = due.computeIfAbsent(deadline, k -> new Due());
        d.sleepers.add(sleeper);
        try {
            if (d.fired) {
                // The timer took this instant's list before this thread joined it.
                return;
            }
            long until = sleepingUntil;
            if (until == IDLE || deadline - until < 0) {
                LockSupport.unpark(thread);
            }
            LockSupport.park(blocker);
        } finally {
            sleeper.thread = null;
        }
    }

    /** How many sleeps are listed, ended early or not; they leave the list at their instant. */
    int listedSleeps() {
        int n = 0;
        for (Due d : due.values()) {
            n += d.sleepers.size();
        }
        return n;
    }

    private void run() {
        while (true) {
            try {
                step();
            } catch (RuntimeException | Error e) {
                // Every delayed writer depends on this thread: it must outlive any failure.
                Logger.error(e, "tick timer");
                LockSupport.parkNanos(this, ERROR_PAUSE_NANOS);
            }
        }
    }

    private void step() {
        Map.Entry<Long, Due> first = due.firstEntry();
        if (first == null) {
            sleepingUntil = IDLE;
            // A sleeper adds itself before it reads sleepingUntil; this reads the map after writing
            // it, so either this sees the sleeper or the sleeper wakes this thread. The map's reads
            // are not volatile reads, so only a full fence keeps them after the write.
            VarHandle.fullFence();
            if (due.isEmpty()) {
                LockSupport.park(this);
            }
            return;
        }
        long deadline = first.getKey();
        long left = deadline - System.nanoTime();
        if (left > 0) {
            sleepingUntil = deadline;
            VarHandle.fullFence();
            Map.Entry<Long, Due> again = due.firstEntry();
            if (again != null && again.getKey() == deadline) {
                LockSupport.parkNanos(this, left);
            }
            return;
        }
        Due d = first.getValue();
        due.remove(deadline, d);
        d.fired = true;
        for (Sleeper s; (s = d.sleepers.poll()) != null; ) {
            Thread t = s.thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }
}
