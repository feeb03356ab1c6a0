package dev.rtmpserver.wire.amf;

import dev.rtmpserver.wire.ProtocolException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One-call helpers over {@link Amf0Reader} and {@link Amf0Writer}. */
public final class Amf0 {
    /** The ActionScript {@code undefined} value, as decoded and as accepted by the encoder. */
    public static final AmfUndefined UNDEFINED = AmfUndefined.INSTANCE;
    /**
     * How deeply decoded containers may nest unless a reader is told otherwise. A hostile peer
     * could nest containers to exhaust the stack; real RTMP commands nest two or three levels.
     */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private Amf0() {}

    /**
     * Encodes the values one after another, as in a command message body. A bare {@code encode(null)}
     * reaches us as a null array; it writes a single AMF null, which is what such a call means.
     */
    public static byte[] encode(Object... values) {
        Amf0Writer writer = new Amf0Writer();
        if (values == null) {
            writer.writeValue(null);
        } else {
            for (Object value : values) {
                writer.writeValue(value);
            }
        }
        return writer.toByteArray();
    }

    public static List<Object> decodeAll(byte[] data) throws ProtocolException {
        return new Amf0Reader(data).readAll();
    }

    /**
     * @throws IndexOutOfBoundsException if the slice does not lie within {@code data}
     */
    public static List<Object> decodeAll(byte[] data, int off, int len) throws ProtocolException {
        return decodeAll(data, off, len, DEFAULT_MAX_DEPTH);
    }

    /**
     * @throws IndexOutOfBoundsException if the slice does not lie within {@code data}
     */
    public static List<Object> decodeAll(byte[] data, int off, int len, int maxDepth) throws ProtocolException {
        return new Amf0Reader(data, off, len, maxDepth).readAll();
    }

    /**
     * Builds an ordered map from alternating names and values, e.g.
     * {@code Amf0.object("level", "status", "code", "NetStream.Play.Start")}. Order matters because
     * the encoder writes entries in iteration order and some clients read status objects by position.
     *
     * @throws IllegalArgumentException if the count is odd or a name is not a String
     */
    public static Map<String, Object> object(Object... keyValuePairs) {
        Objects.requireNonNull(keyValuePairs, "keyValuePairs");
        if (keyValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("object() needs name/value pairs, got " + keyValuePairs.length + " arguments");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValuePairs.length; i += 2) {
            if (!(keyValuePairs[i] instanceof String name)) {
                throw new IllegalArgumentException("object() names must be strings, got " + keyValuePairs[i]);
            }
            map.put(name, keyValuePairs[i + 1]);
        }
        return map;
    }

    /**
     * Decodes the body of an RTMP AMF3 command (type 17) or AMF3 data (type 15) message. Such a body
     * is one format byte, 0x00, followed by ordinary AMF0 values that switch to AMF3 with the AVM+
     * marker where they need to.
     *
     * <p>Some clients omit the format byte and start directly with the first value. The first value
     * of a command or data message is its name, a string, so a first byte other than 0x00 can only
     * mean the byte was left out, and the whole body is then decoded as AMF0 so that those clients
     * still work. A body that does start with 0x00 is always read as having the format byte.
     *
     * @throws IndexOutOfBoundsException if the slice does not lie within {@code payload}
     */
    public static List<Object> decodeAmf3Command(byte[] payload, int off, int len) throws ProtocolException {
        return decodeAmf3Command(payload, off, len, DEFAULT_MAX_DEPTH);
    }

    /** As {@link #decodeAmf3Command(byte[], int, int)}, with containers nested at most {@code maxDepth} deep. */
    public static List<Object> decodeAmf3Command(byte[] payload, int off, int len, int maxDepth)
            throws ProtocolException {
        Objects.requireNonNull(payload, "payload");
        Objects.checkFromIndexSize(off, len, payload.length);
        if (len > 0 && payload[off] == 0x00) {
            return decodeAll(payload, off + 1, len - 1, maxDepth);
        }
        return decodeAll(payload, off, len, maxDepth);
    }
}
