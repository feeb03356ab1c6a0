package dev.rtmpserver.stream;

/**
 * A publish was refused because the key is taken: another publisher owns it, or it was kicked and
 * banned for a while. The message goes to the refused client, so it never names anyone else.
 */
public final class StreamBusyException extends RuntimeException {
    private final boolean banned;

    StreamBusyException(StreamKey key, boolean banned) {
        super(banned ? "stream " + key + " may not be published for a while" : "stream " + key
                + " is already being published");
        this.banned = banned;
    }

    /** Another node of a cluster publishes the key: the client is told what a local duplicate is told. */
    public StreamBusyException(StreamKey key) {
        this(key, false);
    }

    /** The key was kicked with a ban that has not run out, rather than published by someone else. */
    public boolean banned() {
        return banned;
    }
}
