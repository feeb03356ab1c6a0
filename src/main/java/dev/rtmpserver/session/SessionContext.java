package dev.rtmpserver.session;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.StreamRegistry;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every connection shares: the stream registry, the configuration, and where recordings
 * are found for playback.
 *
 * @param recordings maps a playback name such as {@code live/cam1-20261124-120000.flv} to a file
 *                   inside the record directory, or empty (always empty when recording is off)
 * @param access     who may publish and play what
 * @param ends       told when a publish or a play ends
 * @param claims     which node of a cluster publishes what
 */
public record SessionContext(StreamRegistry registry, SessionConfig config,
                             Function<String, Optional<Path>> recordings, Counters counters,
                             AccessControl access, StreamEnds ends, PublishClaims claims) {
}
