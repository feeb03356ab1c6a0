package dev.rtmpserver.wire.amf;

/**
 * The ActionScript {@code undefined} value. It needs its own type because Java's {@code null} is
 * already taken by AMF {@code null}, and peers do distinguish the two.
 */
public enum AmfUndefined {
    INSTANCE;

    @Override
    public String toString() {
        return "undefined";
    }
}
