package dev.rtmpserver.session;

import dev.rtmpserver.stream.StreamKey;

import java.time.Duration;

/**
 * Told when a publish or a play ends, for the hooks that report it. Called on the connection's own
 * thread, so an implementation only hands the news on and never waits.
 */
public interface StreamEnds {
    StreamEnds NONE = new StreamEnds() {
        @Override
        public void publishEnded(StreamKey key, String client, Duration duration, long bytes, String reason) {
        }

        @Override
        public void playEnded(StreamKey key, String client, Duration duration, long bytes) {
        }
    };

    /**
     * @param client the publisher's address
     * @param bytes  audio, video and data bytes it published
     * @param reason {@code unpublish} (the client stopped), {@code connection_lost} or {@code server_close}
     *               (a kick, a timeout, a takeover, shutdown)
     */
    void publishEnded(StreamKey key, String client, Duration duration, long bytes, String reason);

    /**
     * A live play or the playback of a recording ended, whether the player left, was closed or
     * stopped waiting for a publisher.
     *
     * @param client the player's address
     * @param bytes  what the player's connection was sent while it played
     */
    void playEnded(StreamKey key, String client, Duration duration, long bytes);
}
