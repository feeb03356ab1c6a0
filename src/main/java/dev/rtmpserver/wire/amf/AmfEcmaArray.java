package dev.rtmpserver.wire.amf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An AMF0 ECMA (associative) array, such as the body of {@code onMetaData}. It is a separate type
 * from an anonymous object, a plain {@link Map}, because some peers (FLV demuxers in particular)
 * only accept metadata sent with the ECMA array marker.
 *
 * @param entries the entries in wire order; the record keeps an unmodifiable ordered copy so that
 *     the value cannot change under whoever holds it, and so that the encoder writes the same order
 */
public record AmfEcmaArray(Map<String, Object> entries) {
    public AmfEcmaArray {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(entries, "entries")));
    }
}
