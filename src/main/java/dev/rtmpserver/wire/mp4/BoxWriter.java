package dev.rtmpserver.wire.mp4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Big-endian fields into a growing array, with ISO BMFF boxes opened and closed around them: a
 * box's size is known only once its contents are written, so {@link #end} goes back and fills it in.
 */
final class BoxWriter {
    /** The size field and type every box starts with. */
    static final int HEADER_LENGTH = 8;
    private static final int INITIAL_CAPACITY = 512;
    private static final int FOURCC_LENGTH = 4;

    private byte[] buf = new byte[INITIAL_CAPACITY];
    private int size;
    /** Where each box still open begins, innermost first. */
    private final Deque<Integer> open = new ArrayDeque<>();

    BoxWriter start(String type) {
        open.push(size);
        u32(0);
        return fourCc(type);
    }

    /** A FullBox: a box whose body starts with a version byte and 24 bits of flags. */
    BoxWriter startFull(String type, int version, int flags) {
        start(type);
        u8(version);
        return u24(flags);
    }

    BoxWriter end() {
        int start = open.pop();
        putU32(start, size - start);
        return this;
    }

    BoxWriter u8(int value) {
        ensure(1);
        buf[size++] = (byte) value;
        return this;
    }

    BoxWriter u16(int value) {
        return u8(value >>> Byte.SIZE).u8(value);
    }

    BoxWriter u24(int value) {
        return u8(value >>> (2 * Byte.SIZE)).u16(value);
    }

    BoxWriter u32(long value) {
        ensure(Integer.BYTES);
        putU32(size, value);
        size += Integer.BYTES;
        return this;
    }

    BoxWriter u64(long value) {
        return u32(value >>> Integer.SIZE).u32(value);
    }

    BoxWriter fourCc(String code) {
        byte[] ascii = code.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length != FOURCC_LENGTH) {
            throw new IllegalArgumentException("a box type has four characters: " + code);
        }
        return bytes(ascii, 0, ascii.length);
    }

    BoxWriter zeros(int count) {
        ensure(count);
        size += count;
        return this;
    }

    BoxWriter bytes(byte[] data, int offset, int length) {
        ensure(length);
        System.arraycopy(data, offset, buf, size, length);
        size += length;
        return this;
    }

    BoxWriter bytes(byte[] data) {
        return bytes(data, 0, data.length);
    }

    /** Where the next byte goes, for a field to {@link #putU32 fill in} later. */
    int position() {
        return size;
    }

    void putU32(int position, long value) {
        for (int i = 0; i < Integer.BYTES; i++) {
            buf[position + i] = (byte) (value >>> (Byte.SIZE * (Integer.BYTES - 1 - i)));
        }
    }

    byte[] toByteArray() {
        if (!open.isEmpty()) {
            throw new IllegalStateException(open.size() + " boxes are still open");
        }
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (more > buf.length - size) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, Math.addExact(size, more)));
        }
    }
}
