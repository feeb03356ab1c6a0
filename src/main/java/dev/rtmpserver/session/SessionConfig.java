package dev.rtmpserver.session;

import java.time.Duration;
import java.util.Objects;

/**
 * What a connection needs to know of the server's configuration.
 *
 * @param chunkSize          the chunk size this server sends with, announced at connect
 * @param windowAckSize      the Window Acknowledgement Size and peer bandwidth announced at connect
 * @param handshakeTimeout   a peer that has not finished the handshake by then is dropped
 * @param idleTimeout        a connection that neither publishes nor plays for this long is dropped
 * @param mediaTimeout       a publisher that sends nothing for this long is dropped
 * @param writeTimeout       a connection whose socket accepts no bytes for this long is dropped
 * @param playerQueueBytes   media bytes queued for one player beyond which its frames are dropped
 * @param playerQueueWait    how long live media may wait in a player's queue before its frames are dropped
 * @param playerMaxLag       a player that keeps losing frames for this long is disconnected
 * @param protocolLimits     what one peer may send before it is cut off
 * @param playWait           how long a player may wait for a stream nobody publishes before it is
 *                           told {@code NetStream.Play.StreamNotFound}; zero waits for ever
 */
public record SessionConfig(int chunkSize, int windowAckSize, Duration handshakeTimeout, Duration idleTimeout,
                            Duration mediaTimeout, Duration writeTimeout, long playerQueueBytes,
                            Duration playerQueueWait, Duration playerMaxLag, ProtocolLimits protocolLimits,
                            Duration playWait) {
    public static final int DEFAULT_CHUNK_SIZE = 4096;
    public static final int DEFAULT_WINDOW_ACK_SIZE = 2_500_000;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MEDIA_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(20);
    public static final long DEFAULT_PLAYER_QUEUE_BYTES = 4L * 1024 * 1024;
    public static final Duration DEFAULT_PLAYER_QUEUE_WAIT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PLAYER_MAX_LAG = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PLAY_WAIT = Duration.ofSeconds(30);
    /** The spec's smallest chunk size. */
    public static final int MIN_CHUNK_SIZE = 128;

    public SessionConfig {
        if (chunkSize < MIN_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size must be at least " + MIN_CHUNK_SIZE + ": " + chunkSize);
        }
        if (windowAckSize <= 0) {
            throw new IllegalArgumentException("window acknowledgement size must be positive: " + windowAckSize);
        }
        for (Duration d : new Duration[] {handshakeTimeout, idleTimeout, mediaTimeout, writeTimeout,
                playerQueueWait, playerMaxLag}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("durations must be positive: " + d);
            }
        }
        Objects.requireNonNull(protocolLimits, "protocolLimits");
        if (playWait.isNegative()) {
            throw new IllegalArgumentException("play wait must not be negative: " + playWait);
        }
        if (playerQueueBytes <= 0) {
            throw new IllegalArgumentException("player queue size must be positive: " + playerQueueBytes);
        }
    }

    public static SessionConfig defaults() {
        return new SessionConfig(DEFAULT_CHUNK_SIZE, DEFAULT_WINDOW_ACK_SIZE, DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_MEDIA_TIMEOUT, DEFAULT_WRITE_TIMEOUT, DEFAULT_PLAYER_QUEUE_BYTES,
                DEFAULT_PLAYER_QUEUE_WAIT, DEFAULT_PLAYER_MAX_LAG, ProtocolLimits.defaults(), DEFAULT_PLAY_WAIT);
    }

    public SessionConfig withTimeouts(Duration handshake, Duration idle, Duration media, Duration write) {
        return new SessionConfig(chunkSize, windowAckSize, handshake, idle, media, write, playerQueueBytes,
                playerQueueWait, playerMaxLag, protocolLimits, playWait);
    }

    public SessionConfig withPlayerQueue(long bytes, Duration length, Duration maxLag) {
        return new SessionConfig(chunkSize, windowAckSize, handshakeTimeout, idleTimeout, mediaTimeout,
                writeTimeout, bytes, length, maxLag, protocolLimits, playWait);
    }

    public SessionConfig withProtocolLimits(ProtocolLimits limits) {
        return new SessionConfig(chunkSize, windowAckSize, handshakeTimeout, idleTimeout, mediaTimeout, writeTimeout,
                playerQueueBytes, playerQueueWait, playerMaxLag, limits, playWait);
    }

    public SessionConfig withPlayWait(Duration wait) {
        return new SessionConfig(chunkSize, windowAckSize, handshakeTimeout, idleTimeout, mediaTimeout, writeTimeout,
                playerQueueBytes, playerQueueWait, playerMaxLag, protocolLimits, wait);
    }
}
