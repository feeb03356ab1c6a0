package dev.rtmpserver.wire.amf;

import static dev.rtmpserver.wire.amf.Amf0Marker.*;

import dev.rtmpserver.wire.ProtocolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the AMF0 values of one message, in order. See the package documentation for the Java
 * types values decode to.
 *
 * <p>The reference table spans the whole message, as the AMF0 specification defines it, so a reader
 * must be used for exactly one message. After a {@link ProtocolException} the reader's position is
 * unspecified; discard it together with the message.
 */
public final class Amf0Reader {
    private final AmfCursor in;
    private final ReferenceTable references = new ReferenceTable("AMF0 object");
    /** Created on the first AVM+ switch; its reference tables then live for the rest of the message. */
    private Amf3Reader amf3;

    public Amf0Reader(byte[] data) {
        this(data, 0, data.length);
    }

    /**
     * @throws IndexOutOfBoundsException if the slice does not lie within {@code data}
     */
    public Amf0Reader(byte[] data, int offset, int length) {
        this(data, offset, length, Amf0.DEFAULT_MAX_DEPTH);
    }

    /**
     * @param maxDepth how deeply containers may nest, counting AMF3 values inside AMF0 ones
     * @throws IndexOutOfBoundsException if the slice does not lie within {@code data}
     */
    public Amf0Reader(byte[] data, int offset, int length, int maxDepth) {
        this.in = new AmfCursor(data, offset, length, maxDepth);
    }

    public boolean hasRemaining() {
        return in.hasRemaining();
    }

    /** Bytes consumed so far, counted from the {@code offset} the reader was built with. */
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
        int marker = in.readU8("AMF0 type marker");
        in.countValue();
        return switch (marker) {
            case NUMBER -> in.readDouble("AMF0 number");
            // The specification defines any non-zero byte as true.
            case BOOLEAN -> in.readU8("AMF0 boolean") != 0;
            case STRING -> readShortString("AMF0 string");
            case OBJECT -> readObject();
            case NULL -> null;
            case UNDEFINED -> Amf0.UNDEFINED;
            case REFERENCE -> references.resolve(in.readU16("AMF0 reference"), in);
            case ECMA_ARRAY -> readEcmaArray();
            case STRICT_ARRAY -> readStrictArray();
            case DATE -> new AmfDate(in.readDouble("AMF0 date"), in.readS16("AMF0 date time zone"));
            case LONG_STRING -> in.readUtf8(in.readU32("AMF0 long string length"), "AMF0 long string");
            case XML_DOCUMENT -> in.readUtf8(in.readU32("AMF0 XML document length"), "AMF0 XML document");
            case TYPED_OBJECT -> readTypedObject();
            case AVMPLUS -> amf3().readValue();
            case OBJECT_END -> throw in.fail("AMF0 object-end marker outside an object");
            case MOVIECLIP, UNSUPPORTED, RECORDSET -> throw in.fail(String.format("unsupported AMF0 type 0x%02x", marker));
            default -> throw in.fail(String.format("unknown AMF0 type marker 0x%02x", marker));
        };
    }

    private Amf3Reader amf3() {
        if (amf3 == null) {
            amf3 = new Amf3Reader(in);
        }
        return amf3;
    }

    private String readShortString(String what) throws ProtocolException {
        return in.readUtf8(in.readU16(what + " length"), what);
    }

    private Map<String, Object> readObject() throws ProtocolException {
        int slot = references.reserve();
        long first = in.valueCount();
        Map<String, Object> properties = readProperties();
        references.complete(slot, properties, in.valueCount() - first + 1);
        return properties;
    }

    private AmfEcmaArray readEcmaArray() throws ProtocolException {
        int slot = references.reserve();
        long first = in.valueCount();
        // The count is only a hint: encoders disagree on what it counts (some always write 0), and the
        // specification ends the entries with the object-end marker anyway, so that marker decides.
        in.readU32("AMF0 ECMA array count");
        AmfEcmaArray array = new AmfEcmaArray(readProperties());
        references.complete(slot, array, in.valueCount() - first + 1);
        return array;
    }

    private List<Object> readStrictArray() throws ProtocolException {
        int slot = references.reserve();
        long first = in.valueCount();
        long count = in.readU32("AMF0 strict array count");
        in.require(count, "AMF0 strict array of " + count + " elements");
        in.enter();
        List<Object> elements = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            elements.add(readValue());
        }
        in.exit();
        references.complete(slot, elements, in.valueCount() - first + 1);
        return elements;
    }

    private AmfTypedObject readTypedObject() throws ProtocolException {
        int slot = references.reserve();
        long first = in.valueCount();
        String className = readShortString("AMF0 typed object class name");
        AmfTypedObject object = new AmfTypedObject(className, readProperties());
        references.complete(slot, object, in.valueCount() - first + 1);
        return object;
    }

    /**
     * Reads name/value pairs up to the end marker, an empty name followed by 0x09. An empty name
     * followed by anything else is an ordinary property called "", which ActionScript allows.
     */
    private Map<String, Object> readProperties() throws ProtocolException {
        in.enter();
        Map<String, Object> properties = new LinkedHashMap<>();
        while (true) {
            String name = readShortString("AMF0 property name");
            if (name.isEmpty() && in.peekU8("AMF0 object end") == OBJECT_END) {
                in.skip(1, "AMF0 object end");
                break;
            }
            properties.put(name, readValue());
        }
        in.exit();
        return properties;
    }
}
