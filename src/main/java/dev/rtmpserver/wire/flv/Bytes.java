package dev.rtmpserver.wire.flv;

/** Big-endian fields as FLV stores them. Callers check bounds first. */
final class Bytes {
    private static final int BYTE_MASK = 0xFF;
    private static final long U32_MASK = 0xFFFF_FFFFL;

    private Bytes() {}

    static int u8(byte[] b, int pos) {
        return b[pos] & BYTE_MASK;
    }

    static int u24(byte[] b, int pos) {
        return (u8(b, pos) << 16) | (u8(b, pos + 1) << 8) | u8(b, pos + 2);
    }

    static long u32(byte[] b, int pos) {
        return ((long) u24(b, pos) << 8 | u8(b, pos + 3)) & U32_MASK;
    }

    static void putU24(byte[] b, int pos, int value) {
        b[pos] = (byte) (value >>> 16);
        b[pos + 1] = (byte) (value >>> 8);
        b[pos + 2] = (byte) value;
    }

    static void putU32(byte[] b, int pos, long value) {
        putU24(b, pos, (int) (value >>> 8));
        b[pos + 3] = (byte) value;
    }
}
