package dev.rtmpserver.stream;

/**
 * The connection that owns a live stream's key while it publishes. Publishers are compared by
 * identity: an equal one from another connection is still another publisher.
 */
public interface Publisher {
    /** A short description for log lines, such as {@code conn-7 127.0.0.1:51234}. */
    String describe();

    /** {@link System#nanoTime()} when the publisher last sent anything. */
    long lastActivityNanos();

    /**
     * Closes the publisher's connection because another publisher took its key over. Called
     * outside any lock; must not block for long.
     */
    void evict(String reason);
}
