package dev.rtmpserver.concurrent;

/**
 * Every thread of the server is made here, named after what it serves ({@code rtmp-accept-1935},
 * {@code conn-42}, {@code conn-42-writer}), so a thread dump or a log line tells whose it is.
 */
public final class Threads {
    private Threads() {
    }

    /** A virtual thread for blocking work of one connection or sink. */
    public static Thread startVirtual(String name, Runnable task) {
        return Thread.ofVirtual().name(name).start(task);
    }

    /**
     * A platform thread for the accept loops: few, long-lived, and they keep accepting even if
     * virtual threads' carriers are all busy.
     */
    public static Thread startPlatform(String name, Runnable task) {
        return Thread.ofPlatform().name(name).daemon(false).start(task);
    }
}
