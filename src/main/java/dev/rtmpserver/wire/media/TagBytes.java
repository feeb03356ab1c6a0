package dev.rtmpserver.wire.media;

/**
 * Byte-level reads shared by the per-frame tag classifiers. Callers check bounds first: these run
 * on every media message, so they neither allocate nor throw checked exceptions.
 */
final class TagBytes {
    /** Returned by {@link #skipModEx} when the payload ends inside the ModEx block. */
    static final int TRUNCATED = -1;

    static final int FOURCC_LENGTH = 4;
    static final int SI24_LENGTH = 3;
    static final int UI24_LENGTH = 3;
    static final int TRACK_ID_LENGTH = 1;

    private static final int BYTE_MASK = 0xFF;
    private static final int BITS_PER_BYTE = 8;
    private static final int SI24_SIGN_SHIFT = Integer.SIZE - 3 * BITS_PER_BYTE;
    private static final int UI16_LENGTH = 2;
    /** Enhanced RTMP stores ModEx sizes minus one; this value says "the real size follows as UI16". */
    private static final int MOD_EX_SIZE_ESCAPE = 256;

    private TagBytes() {
    }

    static int u8(byte[] b, int pos) {
        return b[pos] & BYTE_MASK;
    }

    static int u16(byte[] b, int pos) {
        return (u8(b, pos) << BITS_PER_BYTE) | u8(b, pos + 1);
    }

    static int u24(byte[] b, int pos) {
        return (u16(b, pos) << BITS_PER_BYTE) | u8(b, pos + 2);
    }

    /** A signed 24-bit big-endian value, as FLV stores composition time offsets. */
    static int si24(byte[] b, int pos) {
        return (u24(b, pos) << SI24_SIGN_SHIFT) >> SI24_SIGN_SHIFT;
    }

    /** A FourCC as the big-endian int the Enhanced RTMP spec compares against. */
    static int fourCc(byte[] b, int pos) {
        return (u16(b, pos) << (2 * BITS_PER_BYTE)) | u16(b, pos + 2);
    }

    /** The FourCC of a four-character ASCII code, for constants. */
    static int fourCc(String code) {
        if (code.length() != FOURCC_LENGTH) {
            throw new IllegalArgumentException("a FourCC has four characters: " + code);
        }
        int value = 0;
        for (int i = 0; i < FOURCC_LENGTH; i++) {
            value = (value << BITS_PER_BYTE) | (code.charAt(i) & BYTE_MASK);
        }
        return value;
    }

    /**
     * Steps over one Enhanced RTMP ModEx block (size, data) starting at {@code pos}.
     *
     * @return the position of the byte holding the ModEx type and the next packet type, or
     *         {@link #TRUNCATED} if the payload ends before it
     */
    static int skipModEx(byte[] b, int pos) {
        if (pos >= b.length) {
            return TRUNCATED;
        }
        int size = u8(b, pos) + 1;
        pos++;
        if (size == MOD_EX_SIZE_ESCAPE) {
            if (pos + UI16_LENGTH > b.length) {
                return TRUNCATED;
            }
            size = u16(b, pos) + 1;
            pos += UI16_LENGTH;
        }
        // Compared as a difference so a huge size cannot overflow the position.
        if (size >= b.length - pos) {
            return TRUNCATED;
        }
        return pos + size;
    }
}
