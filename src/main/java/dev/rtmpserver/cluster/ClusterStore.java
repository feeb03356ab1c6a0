package dev.rtmpserver.cluster;

import java.time.Duration;
import java.util.Optional;

/**
 * The few operations of the shared store that the cluster map needs, each atomic in the store, so
 * that the map's logic is tested without a Redis ({@link RedisStore} is the real one). Every call
 * may block for up to the store's timeout and throws {@link StoreException} when the store cannot
 * be reached.
 */
interface ClusterStore extends AutoCloseable {
    /** What a claim found. */
    enum Outcome {
        /** The key was free, or held by a previous life of this node: it is now the claimant's. */
        CREATED,
        /** The claimant held it already; its expiry starts again. */
        RENEWED,
        /** Another node holds it; nothing changed. */
        HELD
    }

    /** @param holder the key's value after the claim: the claimant's own unless {@link Outcome#HELD} */
    record Claim(Outcome outcome, String holder) {
    }

    /**
     * Makes {@code key} {@code owner}'s for {@code ttl}: set if absent (or written by a previous
     * life of the owner's node), renewed if the owner holds it, left alone otherwise.
     */
    Claim claim(String key, Owner owner, Duration ttl);

    /** Deletes {@code key} if, and only if, {@code owner} holds it; true if it did. */
    boolean release(String key, Owner owner);

    /** The key's value, if it has one. */
    Optional<String> get(String key);

    @Override
    void close();

    /** The store could not be reached, or did not answer in time. */
    final class StoreException extends RuntimeException {
        StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
