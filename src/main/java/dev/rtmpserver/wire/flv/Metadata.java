package dev.rtmpserver.wire.flv;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.amf.Amf0Reader;
import dev.rtmpserver.wire.amf.AmfEcmaArray;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The onMetaData script tag (FLV spec v10.1, Annex E.5): the AMF0 string "onMetaData" followed by
 * an ECMA array of properties such as duration, width and videocodecid. The same bytes are the
 * body of the RTMP data message a player receives, so the recorder and the VOD player share this.
 *
 * <p>Maps keep their order: players read the properties by name, but people compare files by eye,
 * and the writer's padding must stay last.
 */
public final class Metadata {
    public static final String ON_METADATA = "onMetaData";
    /**
     * The property that holds the writer's padding. It is our own layout, not information, so
     * {@link #decodeOnMetaData} leaves it out.
     *
     * <p>Its value is an AMF0 strict array of nulls, one byte per null after a 5-byte array header,
     * so it can take any size, and players step over it without reading anything into memory.
     * Strings would not do: FFmpeg's FLV demuxer reports an error for strings of 1024 bytes or
     * more and for long strings in onMetaData, and lists shorter ones among the file's tags.
     */
    public static final String PADDING_KEY = "padding";

    private static final byte[] PREFIX = Amf0.encode(ON_METADATA);

    private Metadata() {}

    /**
     * Encodes the payload of an onMetaData tag. Values follow the AMF0 type mapping of
     * {@link dev.rtmpserver.wire.amf}; numbers become AMF0 numbers whatever their Java type.
     *
     * @throws IllegalArgumentException if a value has no AMF0 form
     */
    public static byte[] encodeOnMetaData(Map<String, Object> properties) {
        Objects.requireNonNull(properties, "properties");
        return Amf0.encode(ON_METADATA, new AmfEcmaArray(properties));
    }

    /**
     * Decodes an onMetaData payload into a new, modifiable map in wire order, without the writer's
     * padding. An anonymous object is accepted in place of the ECMA array, because some encoders
     * write one and players accept it. Values after the properties are ignored: they mean nothing,
     * and some old muxers wrote a stray object-end marker there.
     *
     * @throws ProtocolException if the payload is not AMF0 naming onMetaData followed by properties
     */
    public static Map<String, Object> decodeOnMetaData(byte[] payload) throws ProtocolException {
        Objects.requireNonNull(payload, "payload");
        Amf0Reader reader = new Amf0Reader(payload);
        if (!reader.hasRemaining() || !ON_METADATA.equals(reader.readValue())) {
            throw new ProtocolException("script data does not start with the string " + ON_METADATA);
        }
        if (!reader.hasRemaining()) {
            throw new ProtocolException(ON_METADATA + " without properties");
        }
        Map<String, Object> properties = switch (reader.readValue()) {
            case AmfEcmaArray array -> new LinkedHashMap<>(array.entries());
            case Map<?, ?> object -> copyObject(object);
            case null -> throw new ProtocolException(ON_METADATA + " properties must be an ECMA array or an object, not null");
            case Object other -> throw new ProtocolException(ON_METADATA + " properties must be an ECMA array or an object, not "
                    + other.getClass().getSimpleName());
        };
        properties.remove(PADDING_KEY);
        return properties;
    }

    /** Whether a script tag payload is onMetaData, judged from its first value alone. */
    public static boolean isOnMetaData(byte[] payload) {
        return payload.length >= PREFIX.length && Arrays.equals(payload, 0, PREFIX.length, PREFIX, 0, PREFIX.length);
    }

    /**
     * Encodes {@code properties} followed by the padding property, sized so that the payload is
     * exactly {@code payloadBytes} long.
     *
     * @return the payload, or null if the properties alone take more than {@code payloadBytes}
     * @throws IllegalArgumentException if {@code properties} already has the padding key
     */
    static byte[] encodePadded(Map<String, Object> properties, int payloadBytes) {
        if (properties.containsKey(PADDING_KEY)) {
            throw new IllegalArgumentException("metadata must not use the writer's own key '" + PADDING_KEY + "'");
        }
        long padding = (long) payloadBytes - unpaddedBytes(properties);
        if (padding < 0) {
            return null;
        }
        byte[] payload = encodeOnMetaData(withPadding(properties, (int) padding));
        if (payload.length != payloadBytes) {
            throw new IllegalStateException("padded onMetaData is " + payload.length + " bytes, meant to be " + payloadBytes);
        }
        return payload;
    }

    /** The size of the payload {@link #encodePadded} makes with empty padding: the smallest it can be. */
    static int unpaddedBytes(Map<String, Object> properties) {
        return encodeOnMetaData(withPadding(properties, 0)).length;
    }

    private static Map<String, Object> withPadding(Map<String, Object> properties, int padding) {
        Map<String, Object> padded = new LinkedHashMap<>(properties);
        padded.put(PADDING_KEY, Collections.nCopies(padding, null));
        return padded;
    }

    private static Map<String, Object> copyObject(Map<?, ?> object) {
        Map<String, Object> properties = new LinkedHashMap<>();
        // The AMF0 decoder only produces string names.
        object.forEach((name, value) -> properties.put((String) name, value));
        return properties;
    }
}
