package dev.rtmpserver.wire.amf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An object with an ActionScript class name (AMF0 typed object, or AMF3 object whose traits name a
 * class). The server never instantiates classes from these names: the name is data, nothing more.
 *
 * @param className the class alias the peer sent
 * @param properties the members in wire order (AMF3: sealed members first, then dynamic ones); the
 *     record keeps an unmodifiable ordered copy so the value cannot change under whoever holds it
 */
public record AmfTypedObject(String className, Map<String, Object> properties) {
    public AmfTypedObject {
        Objects.requireNonNull(className, "className");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(properties, "properties")));
    }
}
