package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Arrays;
import java.util.Objects;

/**
 * Reads MSB-first bit fields and Exp-Golomb codes (H.264 clause 9.1) from a bounded byte range.
 * Every read checks the bound first, so a truncated or lying codec configuration ends in a
 * {@link ProtocolException} naming the structure, never in an array index error.
 */
final class BitReader {
    /**
     * A ue(v) code with 32 or more leading zeros cannot encode any value H.264 allows (all fit in 32
     * bits), so such a run can only be corrupt data; stopping here also keeps values inside a long.
     */
    static final int MAX_EXP_GOLOMB_LEADING_ZEROS = 31;

    private static final int BITS_PER_BYTE = 8;
    private static final int BIT_INDEX_MASK = BITS_PER_BYTE - 1;
    private static final int BYTE_INDEX_SHIFT = 3;
    private static final int MAX_FIELD_BITS = Integer.SIZE;
    private static final int EMULATION_PREVENTION_BYTE = 0x03;
    private static final int ZEROS_BEFORE_EMULATION_PREVENTION = 2;

    private final byte[] data;
    private final long endBit;
    private final String structure;
    private long bitPos;

    /**
     * @param structure what is being parsed ("SPS", "AudioSpecificConfig"), used in error messages
     */
    BitReader(byte[] data, int offset, int length, String structure) {
        Objects.checkFromIndexSize(offset, length, data.length);
        this.data = data;
        this.bitPos = (long) offset * BITS_PER_BYTE;
        this.endBit = (long) (offset + length) * BITS_PER_BYTE;
        this.structure = structure;
    }

    /** A reader over the RBSP of a NAL unit payload, i.e. with emulation-prevention bytes removed. */
    static BitReader ofRbsp(byte[] nal, int offset, int length, String structure) {
        byte[] rbsp = unescapeRbsp(nal, offset, length);
        return new BitReader(rbsp, 0, rbsp.length, structure);
    }

    /**
     * Drops each 0x03 that follows two zero bytes (H.264 clause 7.4.1): encoders insert it so the
     * payload never imitates a start code, and it is not part of the syntax being parsed.
     */
    static byte[] unescapeRbsp(byte[] nal, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, nal.length);
        byte[] out = new byte[length];
        int written = 0;
        int zeros = 0;
        for (int i = offset; i < offset + length; i++) {
            int b = Byte.toUnsignedInt(nal[i]);
            if (zeros >= ZEROS_BEFORE_EMULATION_PREVENTION && b == EMULATION_PREVENTION_BYTE) {
                zeros = 0;
                continue;
            }
            out[written++] = (byte) b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return written == length ? out : Arrays.copyOf(out, written);
    }

    long bitsLeft() {
        return endBit - bitPos;
    }

    int readBit() throws ProtocolException {
        require(1);
        return bitAt(bitPos++);
    }

    boolean readFlag() throws ProtocolException {
        return readBit() != 0;
    }

    /** An unsigned field of up to 31 bits, so it always fits a non-negative int. */
    int readBits(int count) throws ProtocolException {
        if (count >= MAX_FIELD_BITS) {
            throw new IllegalArgumentException("use readBitsLong for 32-bit fields: " + count);
        }
        return (int) readBitsLong(count);
    }

    /** An unsigned field of up to 32 bits. */
    long readBitsLong(int count) throws ProtocolException {
        if (count < 0 || count > MAX_FIELD_BITS) {
            throw new IllegalArgumentException("field width must be 0.." + MAX_FIELD_BITS + ": " + count);
        }
        require(count);
        long value = 0;
        for (int i = 0; i < count; i++) {
            value = (value << 1) | bitAt(bitPos++);
        }
        return value;
    }

    void skipBits(long count) throws ProtocolException {
        require(count);
        bitPos += count;
    }

    /** Skips to the next byte boundary; every reader starts on one, so this is relative to its start too. */
    void alignToByte() throws ProtocolException {
        int misalignment = (int) (bitPos & BIT_INDEX_MASK);
        if (misalignment != 0) {
            skipBits(BITS_PER_BYTE - misalignment);
        }
    }

    /** ue(v): unsigned Exp-Golomb, 0 .. 2^32 - 2. */
    long readUe() throws ProtocolException {
        int leadingZeros = 0;
        while (readBit() == 0) {
            leadingZeros++;
            if (leadingZeros > MAX_EXP_GOLOMB_LEADING_ZEROS) {
                throw new ProtocolException(structure + ": Exp-Golomb code with more than "
                        + MAX_EXP_GOLOMB_LEADING_ZEROS + " leading zero bits");
            }
        }
        return ((1L << leadingZeros) - 1) + readBitsLong(leadingZeros);
    }

    /** ue(v) that the syntax limits to {@code 0..max}; anything larger is a corrupt field. */
    int readUe(int max, String field) throws ProtocolException {
        long value = readUe();
        if (value > max) {
            throw new ProtocolException(structure + ": " + field + " is " + value + ", above its limit " + max);
        }
        return (int) value;
    }

    /** se(v): signed Exp-Golomb, mapped from ue(v) as 1, -1, 2, -2, ... (H.264 Table 9-3). */
    long readSe() throws ProtocolException {
        long codeNum = readUe();
        return (codeNum & 1) != 0 ? (codeNum + 1) / 2 : -(codeNum / 2);
    }

    /** se(v) that the syntax limits to {@code min..max}. */
    int readSe(int min, int max, String field) throws ProtocolException {
        long value = readSe();
        if (value < min || value > max) {
            throw new ProtocolException(structure + ": " + field + " is " + value + ", outside " + min + ".." + max);
        }
        return (int) value;
    }

    private void require(long bits) throws ProtocolException {
        if (bits > endBit - bitPos) {
            throw new ProtocolException(structure + " is truncated: needs " + bits + " more bit(s), "
                    + (endBit - bitPos) + " left");
        }
    }

    private int bitAt(long position) {
        int shift = BIT_INDEX_MASK - (int) (position & BIT_INDEX_MASK);
        return (data[(int) (position >>> BYTE_INDEX_SHIFT)] >>> shift) & 1;
    }
}
