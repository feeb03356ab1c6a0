package dev.rtmpserver.stream;

/** A publish or play would create a stream beyond the server's stream limit. */
public final class StreamLimitException extends RuntimeException {
    public StreamLimitException(String message) {
        super(message);
    }
}
