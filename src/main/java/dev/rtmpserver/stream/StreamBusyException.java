package dev.rtmpserver.stream;

/** A publish was refused because another publisher already owns the key. */
public final class StreamBusyException extends RuntimeException {
    public StreamBusyException(StreamKey key, Publisher owner) {
        super("stream " + key + " is already published by " + owner.describe());
    }
}
