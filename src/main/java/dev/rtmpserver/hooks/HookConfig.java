package dev.rtmpserver.hooks;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Who is told when publishes, plays and recordings end.
 *
 * @param onUnpublish    POSTed to when a publisher leaves
 * @param onDone         POSTed to when a player leaves
 * @param onRecordDone   POSTed to when a recording file is complete
 * @param execRecordDone a program and its arguments, run when a recording file is complete; empty for none
 * @param format         how the POSTs' bodies are written
 * @param timeout        how long one POST may take before it counts as failed and is retried
 */
public record HookConfig(Optional<URI> onUnpublish, Optional<URI> onDone, Optional<URI> onRecordDone,
                         List<String> execRecordDone, HookFormat format, Duration timeout) {
    public static final HookFormat DEFAULT_FORMAT = HookFormat.FORM;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public HookConfig {
        execRecordDone = List.copyOf(execRecordDone);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the hook timeout must be positive: " + timeout);
        }
    }

    /** Whether any hook is configured at all. */
    public boolean any() {
        return onUnpublish.isPresent() || onDone.isPresent() || onRecordDone.isPresent() || !execRecordDone.isEmpty();
    }

    public static HookConfig none() {
        return new HookConfig(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), DEFAULT_FORMAT,
                DEFAULT_TIMEOUT);
    }
}
