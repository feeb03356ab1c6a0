package dev.rtmpserver.edge;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where each application's streams are pulled from when nobody publishes them here.
 *
 * @param origins per application, the origins' application URLs ({@code rtmp://origin-a/live}), best first
 * @param linger  how long a pull outlives its last player
 */
public record PullConfig(Map<String, List<String>> origins, Duration linger) {
    public PullConfig {
        origins = Map.copyOf(origins);
        if (linger.isNegative()) {
            throw new IllegalArgumentException("pull linger must not be negative: " + linger);
        }
    }

    public static PullConfig none() {
        return new PullConfig(Map.of(), Pulls.DEFAULT_LINGER);
    }

    public PullConfig withOrigins(String app, List<String> urls) {
        Map<String, List<String>> m = new java.util.HashMap<>(origins);
        m.put(app, List.copyOf(urls));
        return new PullConfig(m, linger);
    }

    public PullConfig withLinger(Duration newLinger) {
        return new PullConfig(origins, newLinger);
    }
}
