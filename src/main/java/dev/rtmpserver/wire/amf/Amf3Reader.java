package dev.rtmpserver.wire.amf;

import dev.rtmpserver.wire.ProtocolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes AMF3 values, either as a standalone stream or on behalf of an {@link Amf0Reader} that met
 * the AVM+ marker. See the package documentation for the Java types values decode to; in addition,
 * AMF3 integers come back as {@link Double} so that callers only ever see one numeric type.
 *
 * <p>The string, object and traits tables live as long as the reader, so one reader must be used for
 * exactly one message. Vectors, dictionaries and externalizable objects are rejected as unsupported:
 * they only occur in Flash remoting payloads, never in the RTMP commands a streaming server handles.
 * After a {@link ProtocolException} the reader's position is unspecified; discard it.
 */
public final class Amf3Reader {
    private static final int UNDEFINED = 0x00;
    private static final int NULL = 0x01;
    private static final int FALSE = 0x02;
    private static final int TRUE = 0x03;
    private static final int INTEGER = 0x04;
    private static final int DOUBLE = 0x05;
    private static final int STRING = 0x06;
    private static final int XML_DOC = 0x07;
    private static final int DATE = 0x08;
    private static final int ARRAY = 0x09;
    private static final int OBJECT = 0x0A;
    private static final int XML = 0x0B;
    private static final int BYTE_ARRAY = 0x0C;
    private static final int VECTOR_INT = 0x0D;
    private static final int DICTIONARY = 0x11;

    private record Traits(String className, boolean dynamic, List<String> sealedNames) {}

    private final AmfCursor in;
    private final List<String> strings = new ArrayList<>();
    private final ReferenceTable objects = new ReferenceTable("AMF3 object");
    private final List<Traits> traits = new ArrayList<>();

    public Amf3Reader(byte[] data) {
        this(data, 0, data.length);
    }

    /**
     * @throws IndexOutOfBoundsException if the slice does not lie within {@code data}
     */
    public Amf3Reader(byte[] data, int offset, int length) {
        this(new AmfCursor(data, offset, length, Amf0.DEFAULT_MAX_DEPTH));
    }

    /** Reads from, and advances, a cursor shared with an AMF0 reader. */
    Amf3Reader(AmfCursor in) {
        this.in = in;
    }

    public boolean hasRemaining() {
        return in.hasRemaining();
    }

    /** Bytes consumed so far, counted from the start of the slice the cursor was built on. */
    public int position() {
        return in.position();
    }

    /** Reads values until the data is used up; an empty slice gives an empty list. */
    public List<Object> readAll() throws ProtocolException {
        List<Object> values = new ArrayList<>();
        while (in.hasRemaining()) {
            values.add(readValue());
        }
        return values;
    }

    public Object readValue() throws ProtocolException {
        int marker = in.readU8("AMF3 type marker");
        in.countValue();
        return switch (marker) {
            case UNDEFINED -> Amf0.UNDEFINED;
            case NULL -> null;
            case FALSE -> false;
            case TRUE -> true;
            // Shifting the 29-bit value to the top of the int and back sign-extends it.
            case INTEGER -> (double) ((readU29("AMF3 integer") << 3) >> 3);
            case DOUBLE -> in.readDouble("AMF3 double");
            case STRING -> readString("AMF3 string");
            case XML_DOC, XML -> readXml();
            case DATE -> readDate();
            case ARRAY -> readArray();
            case OBJECT -> readObject();
            case BYTE_ARRAY -> readByteArray();
            default -> {
                if (marker >= VECTOR_INT && marker <= DICTIONARY) {
                    throw in.fail(String.format("unsupported AMF3 type 0x%02x", marker));
                }
                throw in.fail(String.format("unknown AMF3 type marker 0x%02x", marker));
            }
        };
    }

    /**
     * Reads a U29: up to three bytes carrying 7 bits each with the high bit meaning "more follows",
     * then, if needed, a fourth byte carrying a full 8 bits.
     */
    private int readU29(String what) throws ProtocolException {
        int value = 0;
        for (int i = 0; i < 3; i++) {
            int b = in.readU8(what);
            if ((b & 0x80) == 0) {
                return (value << 7) | b;
            }
            value = (value << 7) | (b & 0x7F);
        }
        return (value << 8) | in.readU8(what);
    }

    /**
     * Reads UTF-8-vr, the form used for string values and also for member and class names. The
     * empty string is never added to the table, as the specification requires, so that its
     * one-byte inline form and the table indices of other strings stay in step with the encoder.
     */
    private String readString(String what) throws ProtocolException {
        int header = readU29(what + " header");
        if ((header & 1) == 0) {
            int index = header >>> 1;
            if (index >= strings.size()) {
                throw in.fail("AMF3 string reference " + index + " out of range, " + strings.size() + " entries so far");
            }
            return strings.get(index);
        }
        int length = header >>> 1;
        if (length == 0) {
            return "";
        }
        String value = in.readUtf8(length, what);
        strings.add(value);
        return value;
    }

    private Object readXml() throws ProtocolException {
        int header = readU29("AMF3 XML header");
        if ((header & 1) == 0) {
            return objects.resolve(header >>> 1, in);
        }
        String xml = in.readUtf8(header >>> 1, "AMF3 XML");
        objects.addLeaf(xml);
        return xml;
    }

    private Object readDate() throws ProtocolException {
        int header = readU29("AMF3 date header");
        if ((header & 1) == 0) {
            return objects.resolve(header >>> 1, in);
        }
        // The remaining header bits are unused by the specification, so their value does not matter.
        AmfDate date = new AmfDate(in.readDouble("AMF3 date"), (short) 0);
        objects.addLeaf(date);
        return date;
    }

    private Object readByteArray() throws ProtocolException {
        int header = readU29("AMF3 byte array header");
        if ((header & 1) == 0) {
            return objects.resolve(header >>> 1, in);
        }
        byte[] bytes = in.readBytes(header >>> 1, "AMF3 byte array");
        objects.addLeaf(bytes);
        return bytes;
    }

    /**
     * An AMF3 array has an associative part (name/value pairs ended by an empty name) followed by a
     * dense part. Without names it is a List; with names it becomes an ECMA array whose dense
     * elements follow the named ones under the keys "0", "1", ..., which is how ActionScript itself
     * enumerates such an array's properties.
     */
    private Object readArray() throws ProtocolException {
        int header = readU29("AMF3 array header");
        if ((header & 1) == 0) {
            return objects.resolve(header >>> 1, in);
        }
        int denseCount = header >>> 1;
        int slot = objects.reserve();
        long first = in.valueCount();
        in.enter();
        Map<String, Object> named = null;
        while (true) {
            String name = readString("AMF3 array entry name");
            if (name.isEmpty()) {
                break;
            }
            if (named == null) {
                named = new LinkedHashMap<>();
            }
            named.put(name, readValue());
        }
        in.require(denseCount, "AMF3 array of " + denseCount + " elements");
        List<Object> dense = new ArrayList<>(denseCount);
        for (int i = 0; i < denseCount; i++) {
            dense.add(readValue());
        }
        in.exit();
        Object array;
        if (named == null) {
            array = dense;
        } else {
            for (int i = 0; i < denseCount; i++) {
                named.put(Integer.toString(i), dense.get(i));
            }
            array = new AmfEcmaArray(named);
        }
        objects.complete(slot, array, in.valueCount() - first + 1);
        return array;
    }

    private Object readObject() throws ProtocolException {
        int header = readU29("AMF3 object header");
        if ((header & 1) == 0) {
            return objects.resolve(header >>> 1, in);
        }
        Traits objectTraits = readTraits(header);
        int slot = objects.reserve();
        long first = in.valueCount();
        in.enter();
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String name : objectTraits.sealedNames()) {
            properties.put(name, readValue());
        }
        if (objectTraits.dynamic()) {
            while (true) {
                String name = readString("AMF3 dynamic member name");
                if (name.isEmpty()) {
                    break;
                }
                properties.put(name, readValue());
            }
        }
        in.exit();
        Object object = objectTraits.className().isEmpty()
                ? properties
                : new AmfTypedObject(objectTraits.className(), properties);
        objects.complete(slot, object, in.valueCount() - first + 1);
        return object;
    }

    /** Decodes the traits part of an object header whose lowest bit (inline object) is already known to be set. */
    private Traits readTraits(int header) throws ProtocolException {
        if ((header & 0b10) == 0) {
            int index = header >>> 2;
            if (index >= traits.size()) {
                throw in.fail("AMF3 traits reference " + index + " out of range, " + traits.size() + " entries so far");
            }
            return traits.get(index);
        }
        if ((header & 0b100) != 0) {
            // Its members are in a format only the named ActionScript class knows, so it cannot be skipped.
            String className = readString("AMF3 class name");
            throw in.fail("unsupported AMF3 externalizable object of class \"" + className + "\"");
        }
        boolean dynamic = (header & 0b1000) != 0;
        int sealedCount = header >>> 4;
        String className = readString("AMF3 class name");
        in.require(sealedCount, "AMF3 traits with " + sealedCount + " sealed members");
        List<String> names = new ArrayList<>(sealedCount);
        for (int i = 0; i < sealedCount; i++) {
            names.add(readString("AMF3 sealed member name"));
        }
        Traits result = new Traits(className, dynamic, List.copyOf(names));
        traits.add(result);
        return result;
    }
}
