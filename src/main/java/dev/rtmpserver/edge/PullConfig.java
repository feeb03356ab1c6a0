package dev.rtmpserver.edge;

import dev.rtmpserver.stream.StreamKey;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each application's streams are pulled from when nobody publishes them here.
 *
 * @param origins per application, the origins' application URLs ({@code rtmp://origin-a/live}), best first
 * @param linger   how long a pull outlives its last player
 * @param insecure applications whose rtmps origins are trusted without checking their certificate
 * @param timeout  how long an origin may take to connect, to answer each command and to send a
 *                 stream's first media (else it does not have the stream), and how long it may
 *                 then be silent before the edge reconnects
 */
public record PullConfig(Map<String, List<String>> origins, Duration linger, Set<String> insecure, Duration timeout) {
    public PullConfig {
        origins = Map.copyOf(origins);
        insecure = Set.copyOf(insecure);
        if (linger.isNegative()) {
            throw new IllegalArgumentException("pull linger must not be negative: " + linger);
        }
        if (!timeout.isPositive()) {
            throw new IllegalArgumentException("pull timeout must be positive: " + timeout);
        }
    }

    public static PullConfig none() {
        return new PullConfig(Map.of(), Pulls.DEFAULT_LINGER, Set.of(), Pulls.DEFAULT_TIMEOUT);
    }

    public PullConfig withOrigins(String app, List<String> urls) {
        Map<String, List<String>> m = new java.util.HashMap<>(origins);
        m.put(app, List.copyOf(urls));
        return new PullConfig(m, linger, insecure, timeout);
    }

    public PullConfig withLinger(Duration newLinger) {
        return new PullConfig(origins, newLinger, insecure, timeout);
    }

    /** This configuration with {@code app}'s rtmps origins trusted whatever their certificate. */
    public PullConfig withInsecure(String app) {
        Set<String> s = new java.util.HashSet<>(insecure);
        s.add(app);
        return new PullConfig(origins, linger, s, timeout);
    }

    public PullConfig withTimeout(Duration newTimeout) {
        return new PullConfig(origins, linger, insecure, newTimeout);
    }

    /** Whether {@code key}'s rtmps origins are trusted whatever their certificate. */
    boolean insecure(StreamKey key) {
        return insecure.contains(key.app());
    }
}
