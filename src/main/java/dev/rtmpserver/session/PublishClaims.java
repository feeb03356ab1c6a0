package dev.rtmpserver.session;

import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;

/**
 * Which node of a cluster publishes each stream. A publish is claimed before it is admitted here,
 * and each claim is released exactly once: when the local publish is refused after all, or when it
 * ends. A single server claims nothing ({@link #NONE}).
 */
public interface PublishClaims {
    PublishClaims NONE = new PublishClaims() {
        @Override
        public void claim(StreamKey key) {
        }

        @Override
        public void release(StreamKey key) {
        }
    };

    /**
     * Called on the publisher's thread, outside any lock, before the registry is asked; may wait
     * briefly for the shared store. A store that cannot be reached admits the publish.
     *
     * @throws StreamBusyException if another node publishes {@code key}; then nothing is to be released
     */
    void claim(StreamKey key);

    /** Ends a claim; never waits. */
    void release(StreamKey key);
}
