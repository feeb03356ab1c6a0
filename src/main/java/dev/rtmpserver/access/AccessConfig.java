package dev.rtmpserver.access;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * @param publishTokens   per application, the tokens that allow publishing; none means anyone may
 * @param playTokens      per application, the tokens that allow playing; none means anyone may
 * @param onPublish       a URL asked before every publish
 * @param onPlay          a URL asked before every play
 * @param callbackTimeout a callback that has not answered by then denies
 */
public record AccessConfig(Map<String, Set<String>> publishTokens, Map<String, Set<String>> playTokens,
                           Optional<URI> onPublish, Optional<URI> onPlay, Duration callbackTimeout) {
    public static final Duration DEFAULT_CALLBACK_TIMEOUT = Duration.ofSeconds(5);

    public AccessConfig {
        publishTokens = Map.copyOf(publishTokens);
        playTokens = Map.copyOf(playTokens);
    }

    public static AccessConfig open() {
        return new AccessConfig(Map.of(), Map.of(), Optional.empty(), Optional.empty(), DEFAULT_CALLBACK_TIMEOUT);
    }
}
