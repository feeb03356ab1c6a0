package dev.rtmpserver.http;

import dev.rtmpserver.stream.StreamKey;

import java.time.Duration;

/** What the API may do to a live stream; the server decides how, so the API holds no stream logic. */
@FunctionalInterface
public interface StreamControl {
    /**
     * Ends the publishing of {@code key}.
     *
     * @param ban how long the key then stays refused to publishers; {@link Duration#ZERO} for not at all
     * @return true if someone published {@code key} and was kicked
     */
    boolean end(StreamKey key, Duration ban);
}
