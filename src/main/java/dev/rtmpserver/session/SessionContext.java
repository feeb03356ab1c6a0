package dev.rtmpserver.session;

import dev.rtmpserver.stream.StreamRegistry;

/** What every connection shares: the stream registry and the configuration. */
public record SessionContext(StreamRegistry registry, SessionConfig config) {
}
