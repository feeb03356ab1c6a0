package dev.rtmpserver.concurrent;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every thread of the server is made here, named after what it serves ({@code rtmp-accept-1935},
 * {@code conn-42}, {@code conn-42-writer}), so a thread dump or a log line tells whose it is. It
 * also counts the virtual threads still running, so tests can prove none outlives its connection.
 */
public final class Threads {
    private static final AtomicInteger LIVE_VIRTUAL = new AtomicInteger();

    private Threads() {
    }

    /** A virtual thread for blocking work of one connection or sink. */
    public static Thread startVirtual(String name, Runnable task) {
        LIVE_VIRTUAL.incrementAndGet();
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                task.run();
            } finally {
                LIVE_VIRTUAL.decrementAndGet();
            }
        });
    }

    /** Runs each task on a virtual thread of its own, named {@code name}, for a service's blocking calls. */
    public static ExecutorService newVirtualExecutor(String name) {
        return Executors.newThreadPerTaskExecutor(task -> Thread.ofVirtual().name(name).unstarted(() -> {
            LIVE_VIRTUAL.incrementAndGet();
            try {
                task.run();
            } finally {
                LIVE_VIRTUAL.decrementAndGet();
            }
        }));
    }

    /** Virtual threads started here that have not finished yet. */
    public static int liveVirtualThreads() {
        return LIVE_VIRTUAL.get();
    }

    /**
     * A platform thread for the accept loops: few, long-lived, and they keep accepting even if
     * virtual threads' carriers are all busy.
     */
    public static Thread startPlatform(String name, Runnable task) {
        return Thread.ofPlatform().name(name).daemon(false).start(task);
    }

    /** One timer thread for short periodic or delayed tasks; they must never block. */
    public static ScheduledExecutorService newTimer(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name(name).daemon(true).unstarted(r));
    }
}
