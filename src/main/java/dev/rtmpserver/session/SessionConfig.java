package dev.rtmpserver.session;

import java.time.Duration;

/**
 * What a connection needs to know of the server's configuration.
 *
 * @param chunkSize         the chunk size this server sends with, announced at connect
 * @param windowAckSize     the Window Acknowledgement Size and peer bandwidth announced at connect
 * @param handshakeTimeout  a peer that has not finished the handshake by then is dropped
 * @param playerQueueBytes  media bytes queued for one player beyond which its frames are dropped
 */
public record SessionConfig(int chunkSize, int windowAckSize, Duration handshakeTimeout, long playerQueueBytes) {
    public static final int DEFAULT_CHUNK_SIZE = 4096;
    public static final int DEFAULT_WINDOW_ACK_SIZE = 2_500_000;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_PLAYER_QUEUE_BYTES = 4L * 1024 * 1024;
    /** The largest chunk size RTMP allows: the field is 31 bits. */
    public static final int MAX_CHUNK_SIZE = 0x7FFFFFFF;
    /** The spec's smallest chunk size. */
    public static final int MIN_CHUNK_SIZE = 128;

    public SessionConfig {
        if (chunkSize < MIN_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size must be at least " + MIN_CHUNK_SIZE + ": " + chunkSize);
        }
        if (windowAckSize <= 0) {
            throw new IllegalArgumentException("window acknowledgement size must be positive: " + windowAckSize);
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeout);
        }
        if (playerQueueBytes <= 0) {
            throw new IllegalArgumentException("player queue size must be positive: " + playerQueueBytes);
        }
    }

    public static SessionConfig defaults() {
        return new SessionConfig(DEFAULT_CHUNK_SIZE, DEFAULT_WINDOW_ACK_SIZE, DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_PLAYER_QUEUE_BYTES);
    }
}
