package dev.rtmpserver.wire.chunk;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Splits messages into chunks, choosing the smallest header that the previous message on the same
 * chunk stream allows. Not thread-safe: one writer owns it.
 */
public final class ChunkWriter {
    /** Chunk stream ids 2..63 fit the one-byte basic header; we only ever send on those. */
    private static final int MAX_CSID = 63;
    private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;
    private static final int MAX_MESSAGE_BYTES = 0xFFFFFF;

    private final OutputStream out;
    private final Last[] last = new Last[MAX_CSID + 1];
    private final byte[] header = new byte[16];
    private int chunkSize = ChunkReader.DEFAULT_CHUNK_SIZE;

    public ChunkWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Chunk size for messages written from now on. Call it right after writing the Set Chunk Size
     * message that announces it.
     */
    public void setChunkSize(int chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive: " + chunkSize);
        }
        this.chunkSize = chunkSize;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public void write(int csid, RawMessage m) throws IOException {
        write(csid, m.typeId(), m.streamId(), m.timestamp(), m.payload(), 0, m.payload().length);
    }

    public void write(int csid, int typeId, int streamId, int timestamp, byte[] payload, int off, int len)
            throws IOException {
        if (csid < 2 || csid > MAX_CSID) {
            throw new IllegalArgumentException("chunk stream id out of range: " + csid);
        }
        if (len > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message of " + len + " bytes does not fit RTMP's 24-bit length");
        }
        Last prev = last[csid];
        if (prev == null) {
            prev = last[csid] = new Last();
        }
        int delta = timestamp - prev.timestamp;
        int fmt;
        int field;
        // Deltas are unsigned on the wire, so a timestamp that goes backwards needs a full header.
        if (!prev.used || streamId != prev.streamId || delta < 0) {
            fmt = 0;
            field = timestamp;
        } else if (typeId != prev.typeId || len != prev.length) {
            fmt = 1;
            field = delta;
        } else if (delta != prev.field || prev.extended) {
            // A type 3 header after an extended timestamp is read differently by different peers,
            // so with extended timestamps we always spell the value out.
            fmt = 2;
            field = delta;
        } else {
            fmt = 3;
            field = delta;
        }
        boolean extended = fmt != 3 && Integer.compareUnsigned(field, EXTENDED_TIMESTAMP) >= 0;

        int h = 0;
        header[h++] = (byte) (fmt << 6 | csid);
        if (fmt <= 2) {
            int ts24 = extended ? EXTENDED_TIMESTAMP : field;
            header[h++] = (byte) (ts24 >>> 16);
            header[h++] = (byte) (ts24 >>> 8);
            header[h++] = (byte) ts24;
        }
        if (fmt <= 1) {
            header[h++] = (byte) (len >>> 16);
            header[h++] = (byte) (len >>> 8);
            header[h++] = (byte) len;
            header[h++] = (byte) typeId;
        }
        if (fmt == 0) {
            header[h++] = (byte) streamId;
            header[h++] = (byte) (streamId >>> 8);
            header[h++] = (byte) (streamId >>> 16);
            header[h++] = (byte) (streamId >>> 24);
        }
        if (extended) {
            h = putInt(header, h, field);
        }
        out.write(header, 0, h);

        prev.used = true;
        prev.streamId = streamId;
        prev.typeId = typeId;
        prev.length = len;
        prev.timestamp = timestamp;
        prev.field = field;
        prev.extended = extended;

        int n = Math.min(chunkSize, len);
        out.write(payload, off, n);
        int written = n;
        while (written < len) {
            int c = 0;
            header[c++] = (byte) (0xC0 | csid);
            if (extended) {
                c = putInt(header, c, field);
            }
            out.write(header, 0, c);
            n = Math.min(chunkSize, len - written);
            out.write(payload, off + written, n);
            written += n;
        }
    }

    /**
     * The first bytes of an {@link #encodeStandalone} encoding that depend on the message stream
     * id: the one-byte basic header and the type 0 message header, whose last four bytes are the
     * stream id (little-endian). Nothing after them does.
     */
    public static final int STANDALONE_HEADER_BYTES = 12;
    private static final int STREAM_ID_OFFSET = 8;

    /**
     * Encodes a message on its own: a full type 0 header on the first chunk and type 3 on the
     * rest. Such bytes do not depend on what this connection sent before, so one encoding can be
     * shared by every connection with the same chunk size; a connection that uses another message
     * stream id sends its own copy of the first {@link #STANDALONE_HEADER_BYTES} (see
     * {@link #standaloneHeader}). After writing them, call {@link #forget} for that chunk stream.
     */
    public static byte[] encodeStandalone(int csid, int typeId, int streamId, int timestamp, byte[] payload,
                                          int chunkSize) {
        if (csid < 2 || csid > MAX_CSID) {
            throw new IllegalArgumentException("chunk stream id out of range: " + csid);
        }
        if (payload.length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("message of " + payload.length + " bytes does not fit RTMP's 24-bit length");
        }
        boolean extended = Integer.compareUnsigned(timestamp, EXTENDED_TIMESTAMP) >= 0;
        int chunks = Math.max(1, (payload.length + chunkSize - 1) / chunkSize);
        int continuationHeader = 1 + (extended ? 4 : 0);
        byte[] out = new byte[12 + (extended ? 4 : 0) + (chunks - 1) * continuationHeader + payload.length];
        int p = 0;
        out[p++] = (byte) csid;
        int ts24 = extended ? EXTENDED_TIMESTAMP : timestamp;
        out[p++] = (byte) (ts24 >>> 16);
        out[p++] = (byte) (ts24 >>> 8);
        out[p++] = (byte) ts24;
        out[p++] = (byte) (payload.length >>> 16);
        out[p++] = (byte) (payload.length >>> 8);
        out[p++] = (byte) payload.length;
        out[p++] = (byte) typeId;
        out[p++] = (byte) streamId;
        out[p++] = (byte) (streamId >>> 8);
        out[p++] = (byte) (streamId >>> 16);
        out[p++] = (byte) (streamId >>> 24);
        if (extended) {
            p = putInt(out, p, timestamp);
        }
        for (int written = 0; written < payload.length; ) {
            if (written > 0) {
                out[p++] = (byte) (0xC0 | csid);
                if (extended) {
                    p = putInt(out, p, timestamp);
                }
            }
            int n = Math.min(chunkSize, payload.length - written);
            System.arraycopy(payload, written, out, p, n);
            p += n;
            written += n;
        }
        return out;
    }

    /** The message stream id in the header of an {@link #encodeStandalone} encoding. */
    public static int standaloneStreamId(byte[] encoded) {
        return (encoded[STREAM_ID_OFFSET] & 0xFF) | (encoded[STREAM_ID_OFFSET + 1] & 0xFF) << 8
                | (encoded[STREAM_ID_OFFSET + 2] & 0xFF) << 16 | (encoded[STREAM_ID_OFFSET + 3] & 0xFF) << 24;
    }

    /**
     * Copies the first {@link #STANDALONE_HEADER_BYTES} of an {@link #encodeStandalone} encoding
     * into {@code header} with another message stream id: followed by the rest of the encoding,
     * they are the message as encoded for that stream id.
     */
    public static void standaloneHeader(byte[] encoded, int streamId, byte[] header) {
        System.arraycopy(encoded, 0, header, 0, STANDALONE_HEADER_BYTES);
        header[STREAM_ID_OFFSET] = (byte) streamId;
        header[STREAM_ID_OFFSET + 1] = (byte) (streamId >>> 8);
        header[STREAM_ID_OFFSET + 2] = (byte) (streamId >>> 16);
        header[STREAM_ID_OFFSET + 3] = (byte) (streamId >>> 24);
    }

    /**
     * Bytes from {@link #encodeStandalone} went out on {@code csid}: the next message there must
     * not be compressed against what this writer last sent on it.
     */
    public void forget(int csid) {
        if (last[csid] != null) {
            last[csid].used = false;
        }
    }

    private static int putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
        return off + 4;
    }

    /** The header fields last sent on one chunk stream. */
    private static final class Last {
        boolean used;
        int streamId;
        int typeId;
        int length;
        int timestamp;
        /** The value the last header carried: absolute for type 0, a delta otherwise. */
        int field;
        boolean extended;
    }
}
