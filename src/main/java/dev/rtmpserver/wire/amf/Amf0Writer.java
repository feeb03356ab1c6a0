package dev.rtmpserver.wire.amf;

import static dev.rtmpserver.wire.amf.Amf0Marker.*;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes Java values as AMF0, following the type mapping in the package documentation. It never
 * writes references or AMF3, which every AMF0 peer can read, and it writes map entries in their
 * iteration order, which is why command objects are best built with {@link Amf0#object}.
 *
 * <p>A value with no AMF0 form, a non-string property name, a name longer than 65535 UTF-8 bytes or
 * nesting deeper than the decoder accepts (usually a cycle) is a bug in the caller and throws
 * {@link IllegalArgumentException}; the writer then holds exactly what it held before that call.
 */
public final class Amf0Writer {
    private byte[] buffer = new byte[256];
    private int size;
    private int depth;

    public Amf0Writer writeValue(Object value) {
        int mark = size;
        try {
            write(value);
        } catch (RuntimeException e) {
            size = mark;
            depth = 0;
            throw e;
        }
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    public int size() {
        return size;
    }

    private void write(Object value) {
        switch (value) {
            case null -> u8(NULL);
            case AmfUndefined undefined -> u8(UNDEFINED);
            case Boolean b -> {
                u8(BOOLEAN);
                u8(b ? 1 : 0);
            }
            case Number n -> {
                u8(NUMBER);
                f64(n.doubleValue());
            }
            case String s -> writeString(s);
            case Map<?, ?> map -> {
                u8(OBJECT);
                writeProperties(map);
            }
            case AmfEcmaArray array -> {
                u8(ECMA_ARRAY);
                u32(array.entries().size());
                writeProperties(array.entries());
            }
            case AmfTypedObject object -> {
                u8(TYPED_OBJECT);
                shortString(object.className(), "typed object class name");
                writeProperties(object.properties());
            }
            case List<?> list -> {
                u8(STRICT_ARRAY);
                u32(list.size());
                enter();
                for (Object element : list) {
                    write(element);
                }
                depth--;
            }
            case AmfDate date -> {
                u8(DATE);
                f64(date.epochMillis());
                u16(date.timeZone());
            }
            default -> throw new IllegalArgumentException("AMF0 cannot encode a " + value.getClass().getName());
        }
    }

    private void writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_SHORT_STRING_BYTES) {
            u8(LONG_STRING);
            u32(utf8.length);
        } else {
            u8(STRING);
            u16(utf8.length);
        }
        bytes(utf8);
    }

    private void writeProperties(Map<?, ?> properties) {
        enter();
        for (Map.Entry<?, ?> entry : properties.entrySet()) {
            if (!(entry.getKey() instanceof String name)) {
                throw new IllegalArgumentException("AMF0 property names must be strings, got " + entry.getKey());
            }
            shortString(name, "property name");
            write(entry.getValue());
        }
        u16(0);
        u8(OBJECT_END);
        depth--;
    }

    /** Names have only a U16 length field and no long form. */
    private void shortString(String s, String what) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_SHORT_STRING_BYTES) {
            throw new IllegalArgumentException("AMF0 " + what + " longer than " + MAX_SHORT_STRING_BYTES + " UTF-8 bytes");
        }
        u16(utf8.length);
        bytes(utf8);
    }

    /** Refusing what our own decoder would refuse also turns a cyclic structure into an exception instead of a stack overflow. */
    private void enter() {
        if (++depth > Amf0.DEFAULT_MAX_DEPTH) {
            throw new IllegalArgumentException("AMF0 value nested deeper than " + Amf0.DEFAULT_MAX_DEPTH + " levels (a cycle?)");
        }
    }

    private void ensure(int count) {
        if (count > buffer.length - size) {
            long needed = (long) size + count;
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("AMF0 encoding larger than 2 GiB");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min((long) buffer.length * 2, Integer.MAX_VALUE - 8)));
        }
    }

    private void u8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
    }

    private void u16(int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
    }

    private void u32(long value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
    }

    private void f64(double value) {
        ensure(8);
        long bits = Double.doubleToRawLongBits(value);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (bits >>> shift);
        }
    }

    private void bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
    }
}
