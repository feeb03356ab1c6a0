package dev.rtmpserver.server;

import java.time.Duration;

/**
 * Caps that keep one client, or a flood of them, from taking the server down for everyone.
 *
 * @param maxConnections           open RTMP connections in all; a scanner or a reconnect storm
 *                                 must not exhaust file descriptors
 * @param maxConnectionsPerAddress open connections from one client address; a single host never
 *                                 needs many, and a misbehaving one cannot crowd out the rest
 * @param maxStreams               published streams (including those awaiting their publisher's return);
 *                                 players waiting for a first publisher do not count
 * @param shutdownGrace            how long a shutdown waits for players to receive their
 *                                 end-of-stream notices and for recordings to close
 */
public record Limits(int maxConnections, int maxConnectionsPerAddress, int maxStreams, Duration shutdownGrace) {
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
    public static final int DEFAULT_MAX_STREAMS = 10_000;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

    public Limits {
        if (maxConnections <= 0 || maxConnectionsPerAddress <= 0 || maxStreams <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown grace must not be negative: " + shutdownGrace);
        }
    }

    public static Limits defaults() {
        return new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_STREAMS,
                DEFAULT_SHUTDOWN_GRACE);
    }
}
