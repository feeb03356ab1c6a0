package dev.rtmpserver.wire;

/**
 * Input that may be well formed but goes beyond one of our limits. It is still the one protocol
 * exception to callers that only care that the peer misbehaved; {@link #limit()} names the limit
 * so that refusals can be counted by cause.
 */
public final class LimitExceededException extends ProtocolException {
    private final String limit;

    /**
     * @param limit a short snake_case name of the limit, stable because it becomes a metric label
     */
    public LimitExceededException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    public String limit() {
        return limit;
    }
}
