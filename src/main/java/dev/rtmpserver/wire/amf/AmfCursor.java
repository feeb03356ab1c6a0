package dev.rtmpserver.wire.amf;

import dev.rtmpserver.wire.LimitExceededException;
import dev.rtmpserver.wire.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The bytes of one AMF message together with the state that every reader of that message must
 * share: an AMF0 reader and the AMF3 reader it switches to have to agree on the position, on how
 * deeply values are nested and on how much the message has expanded through references, or a
 * hostile peer could evade a limit by alternating between the two encodings.
 *
 * <p>Every length read from the wire is checked against the bytes that remain before anything is
 * allocated for it, so the memory a message can make us allocate is bounded by its own size.
 */
final class AmfCursor {

    /**
     * References let a few bytes stand for a whole earlier subtree, so a small message can describe
     * a tree that is exponentially large once expanded (an AMF "billion laughs"); anything that walks
     * the decoded value, such as equals, toString or re-encoding, would then never finish. RTMP peers
     * hardly use references at all, so a million values reached through them is far beyond legitimate
     * use while keeping such a walk well under a second.
     */
    static final long MAX_REFERENCED_VALUES = 1L << 20;

    private final byte[] data;
    private final int start;
    private final int end;
    private final int maxDepth;
    private int pos;
    private int depth;
    private long valueCount;
    private long referencedValues;

    AmfCursor(byte[] data, int offset, int length, int maxDepth) {
        Objects.requireNonNull(data, "data");
        Objects.checkFromIndexSize(offset, length, data.length);
        if (maxDepth <= 0) {
            throw new IllegalArgumentException("maximum depth must be positive: " + maxDepth);
        }
        this.maxDepth = maxDepth;
        this.data = data;
        this.start = offset;
        this.end = offset + length;
        this.pos = offset;
    }

    /** Bytes consumed since the start of the slice this cursor was built on. */
    int position() {
        return pos - start;
    }

    int remaining() {
        return end - pos;
    }

    boolean hasRemaining() {
        return pos < end;
    }

    /**
     * Fails unless at least {@code count} bytes remain. Callers also use it for element counts,
     * because every encoded value takes at least one byte: a count larger than the rest of the
     * message cannot be honest, and rejecting it here keeps us from allocating for it.
     */
    void require(long count, String what) throws ProtocolException {
        if (count < 0 || count > remaining()) {
            throw fail("truncated " + what + ": needs " + count + " bytes, " + remaining() + " left");
        }
    }

    int peekU8(String what) throws ProtocolException {
        require(1, what);
        return data[pos] & 0xFF;
    }

    void skip(int count, String what) throws ProtocolException {
        require(count, what);
        pos += count;
    }

    int readU8(String what) throws ProtocolException {
        require(1, what);
        return data[pos++] & 0xFF;
    }

    int readU16(String what) throws ProtocolException {
        require(2, what);
        int value = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return value;
    }

    short readS16(String what) throws ProtocolException {
        return (short) readU16(what);
    }

    long readU32(String what) throws ProtocolException {
        require(4, what);
        long value = ((long) (data[pos] & 0xFF) << 24)
                | ((data[pos + 1] & 0xFF) << 16)
                | ((data[pos + 2] & 0xFF) << 8)
                | (data[pos + 3] & 0xFF);
        pos += 4;
        return value;
    }

    double readDouble(String what) throws ProtocolException {
        require(8, what);
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (data[pos + i] & 0xFF);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    /**
     * Decodes UTF-8 leniently: invalid sequences become U+FFFD instead of failing the message.
     * Encoders are known to put Latin-1 text into metadata fields such as titles, and refusing a
     * publisher's whole {@code @setDataFrame} over one such character would break streaming for a
     * cosmetic defect; the string's length and the message structure are still checked strictly.
     */
    String readUtf8(long length, String what) throws ProtocolException {
        require(length, what);
        String value = new String(data, pos, (int) length, StandardCharsets.UTF_8);
        pos += (int) length;
        return value;
    }

    byte[] readBytes(long length, String what) throws ProtocolException {
        require(length, what);
        byte[] value = Arrays.copyOfRange(data, pos, pos + (int) length);
        pos += (int) length;
        return value;
    }

    /** Called before reading the members of a container; pairs with {@link #exit()}. */
    void enter() throws ProtocolException {
        if (depth >= maxDepth) {
            throw new LimitExceededException("amf_depth", "AMF values nested deeper than " + maxDepth
                    + " levels" + at());
        }
        depth++;
    }

    void exit() {
        depth--;
    }

    /** Counts one decoded value; containers use the count to learn how many values they hold. */
    void countValue() {
        valueCount++;
    }

    long valueCount() {
        return valueCount;
    }

    /** Charges the budget for a reference that re-uses a subtree of {@code weight} values. */
    void countReferenced(long weight) throws ProtocolException {
        referencedValues += weight;
        valueCount += weight;
        if (referencedValues > MAX_REFERENCED_VALUES) {
            throw new LimitExceededException("amf_references", "AMF references expand to more than "
                    + MAX_REFERENCED_VALUES + " values" + at());
        }
    }

    ProtocolException fail(String message) {
        return new ProtocolException(message + at());
    }

    private String at() {
        return " (at byte " + position() + " of the AMF data)";
    }
}
