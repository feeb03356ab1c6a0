package dev.rtmpserver.relay;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each application's streams are pushed.
 *
 * @param targets  per application, URL templates every stream of it is pushed to (see {@link PushUrl#of})
 * @param insecure applications whose rtmps targets are trusted without checking their certificate
 */
public record PushConfig(Map<String, List<String>> targets, Set<String> insecure) {
    public PushConfig {
        targets = Map.copyOf(targets);
        insecure = Set.copyOf(insecure);
    }

    public static PushConfig none() {
        return new PushConfig(Map.of(), Set.of());
    }
}
