package dev.rtmpserver.wire.chunk;

import dev.rtmpserver.wire.LimitExceededException;
import dev.rtmpserver.wire.ProtocolException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reassembles RTMP messages from the chunk stream of one peer.
 *
 * <p>The reader applies the protocol control messages that change how chunks are read (Set Chunk
 * Size, Abort) and remembers the peer's Window Acknowledgement Size itself, so that no caller can
 * forget them. Those messages are still returned, for logging and tests.
 */
public final class ChunkReader {
    /** The RTMP default until the peer sends Set Chunk Size. */
    public static final int DEFAULT_CHUNK_SIZE = 128;
    /**
     * Bytes held in partly received messages across all chunk streams. The 24-bit length field
     * lets each chunk stream announce 16 MiB; without a shared cap a peer could start thousands
     * of messages and never finish them.
     */
    public static final int MAX_PENDING_BYTES = 32 * 1024 * 1024;
    /** Audio, video and aggregate messages may use the whole 24-bit length: a 4K keyframe can be megabytes. */
    public static final int MAX_MEDIA_MESSAGE_BYTES = 0xFFFFFF;
    /**
     * Commands, data and control messages of real clients are a few kilobytes (metadata included);
     * nginx-rtmp caps every message at 1 MiB by default.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
    /**
     * The spec allows Set Chunk Size up to 2^31-1, and some encoders do send 128 MiB. Memory here
     * follows message lengths, not the chunk size, so by default every legal size is accepted.
     */
    public static final int DEFAULT_MAX_CHUNK_SIZE = Integer.MAX_VALUE;
    /** A peer may open at most this many chunk streams; real clients use fewer than ten. */
    public static final int MAX_CHUNK_STREAMS = 256;

    private static final int EXTENDED_TIMESTAMP = 0xFFFFFF;
    /**
     * A message up to this size gets its whole buffer with its first chunk, a larger one grows
     * from this size as its bytes arrive, so that most audio and video frames are allocated once.
     */
    private static final int EXACT_BUFFER_BYTES = 64 * 1024;
    /**
     * Buffers allocated ahead of the bytes that fill them, across all chunk streams: room for the
     * few messages a real client interleaves (audio, video, data). Beyond it a message's buffer
     * starts at {@link #MIN_BUFFER_BYTES} and grows as its bytes arrive, so that a peer cannot
     * make us hold 256 chunk streams of 64 KiB with a few kilobytes of headers.
     */
    private static final int EXACT_BUDGET_BYTES = 1024 * 1024;
    private static final int MIN_BUFFER_BYTES = 4096;
    private static final byte[] EMPTY = new byte[0];
    // Message type ids, repeated here because this layer must not depend on the message layer.
    private static final int TYPE_AUDIO = 8;
    private static final int TYPE_VIDEO = 9;
    private static final int TYPE_AGGREGATE = 22;

    private final InputStream in;
    private final int maxMessageBytes;
    private final int maxChunkSize;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private int pendingBytes;
    private long bytesRead;
    private int peerWindowAckSize;
    private final byte[] header = new byte[11];

    public ChunkReader(InputStream in) {
        this(in, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_CHUNK_SIZE);
    }

    /**
     * @param maxMessageBytes the longest command, data or control message accepted; audio and video
     *                        may always use the whole 24-bit length
     * @param maxChunkSize    the largest Set Chunk Size accepted from the peer
     */
    public ChunkReader(InputStream in, int maxMessageBytes, int maxChunkSize) {
        if (maxMessageBytes <= 0 || maxChunkSize <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
        this.maxChunkSize = maxChunkSize;
    }

    /** Reads chunks until one message is complete and returns it. */
    public RawMessage read() throws IOException {
        while (true) {
            RawMessage message = readChunk();
            if (message != null) {
                applyControl(message);
                return message;
            }
        }
    }

    /** Total bytes consumed from the stream, for Acknowledgement sequence numbers. */
    public long bytesRead() {
        return bytesRead;
    }

    /** The window the peer asked for in Window Acknowledgement Size, or 0 if it never did. */
    public int peerWindowAckSize() {
        return peerWindowAckSize;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Bytes allocated for partly received messages. */
    int pendingBytes() {
        return pendingBytes;
    }

    private RawMessage readChunk() throws IOException {
        int first = readFirstByte();
        int fmt = first >>> 6;
        int csid = first & 0x3F;
        if (csid == 0) {
            csid = 64 + readByte();
        } else if (csid == 1) {
            int low = readByte();
            csid = 64 + low + (readByte() << 8);
        }
        ChunkStream cs = streams.get(csid);
        if (cs == null) {
            if (fmt != 0) {
                throw new ProtocolException("chunk stream " + csid + " starts with a type " + fmt + " header");
            }
            if (streams.size() >= MAX_CHUNK_STREAMS) {
                throw new LimitExceededException("chunk_streams", "more than " + MAX_CHUNK_STREAMS + " chunk streams");
            }
            cs = new ChunkStream();
            streams.put(csid, cs);
        }

        boolean startsMessage = cs.buffer == null;
        switch (fmt) {
            case 0 -> {
                readFully(header, 11);
                int ts = u24(header, 0);
                cs.length = u24(header, 3);
                cs.typeId = header[6] & 0xFF;
                cs.streamId = (header[7] & 0xFF) | (header[8] & 0xFF) << 8 | (header[9] & 0xFF) << 16
                        | (header[10] & 0xFF) << 24;
                cs.extended = ts == EXTENDED_TIMESTAMP;
                if (cs.extended) {
                    ts = readInt();
                }
                // Readers in the wild (librtmp, ffmpeg) treat a type 0 timestamp as the delta a
                // following type 3 header repeats, and writers rely on it.
                cs.delta = ts;
                cs.timestamp = ts;
                requireStart(csid, startsMessage);
            }
            case 1 -> {
                readFully(header, 7);
                int delta = u24(header, 0);
                cs.length = u24(header, 3);
                cs.typeId = header[6] & 0xFF;
                cs.extended = delta == EXTENDED_TIMESTAMP;
                if (cs.extended) {
                    delta = readInt();
                }
                cs.delta = delta;
                cs.timestamp += delta;
                requireStart(csid, startsMessage);
            }
            case 2 -> {
                readFully(header, 3);
                int delta = u24(header, 0);
                cs.extended = delta == EXTENDED_TIMESTAMP;
                if (cs.extended) {
                    delta = readInt();
                }
                cs.delta = delta;
                cs.timestamp += delta;
                requireStart(csid, startsMessage);
            }
            default -> {
                // The spec repeats the extended timestamp on type 3 chunks whenever the header
                // they continue carried one; its value adds nothing we do not already know.
                if (cs.extended) {
                    readInt();
                }
                if (startsMessage) {
                    cs.timestamp += cs.delta;
                }
            }
        }

        if (startsMessage) {
            int limit = isMedia(cs.typeId) ? MAX_MEDIA_MESSAGE_BYTES : maxMessageBytes;
            if (cs.length > limit) {
                throw new LimitExceededException("message_size", "message of type " + cs.typeId + " announces "
                        + cs.length + " bytes; the limit is " + limit);
            }
            cs.buffer = EMPTY;
            cs.filled = 0;
        }
        int n = Math.min(chunkSize, cs.length - cs.filled);
        if (cs.filled + n > cs.buffer.length) {
            grow(cs, cs.filled + n);
        }
        readFully(cs.buffer, cs.filled, n);
        cs.filled += n;
        if (cs.filled < cs.length) {
            return null;
        }
        byte[] payload = cs.buffer;
        cs.buffer = null;
        pendingBytes -= payload.length;
        return new RawMessage(cs.typeId, cs.streamId, cs.timestamp, payload);
    }

    /**
     * Beyond the first {@value #EXACT_BUFFER_BYTES} bytes (and beyond {@value #EXACT_BUDGET_BYTES}
     * across chunk streams), memory follows the bytes that actually
     * arrive, not the length a header announces, so a peer must send what it wants us to hold.
     */
    private void grow(ChunkStream cs, int needed) throws ProtocolException {
        long exact = Math.min(cs.length, EXACT_BUFFER_BYTES);
        int floor = pendingBytes - cs.buffer.length + exact <= EXACT_BUDGET_BYTES ? EXACT_BUFFER_BYTES
                : MIN_BUFFER_BYTES;
        int capacity = (int) Math.min(cs.length, Math.max(needed, Math.max(floor, 2L * cs.buffer.length)));
        if (pendingBytes - cs.buffer.length + capacity > MAX_PENDING_BYTES) {
            throw new LimitExceededException("pending_bytes",
                    "partly received messages exceed " + MAX_PENDING_BYTES + " bytes");
        }
        pendingBytes += capacity - cs.buffer.length;
        cs.buffer = Arrays.copyOf(cs.buffer, capacity);
    }

    private static boolean isMedia(int typeId) {
        return typeId == TYPE_AUDIO || typeId == TYPE_VIDEO || typeId == TYPE_AGGREGATE;
    }

    /** A full header in the middle of a message means the peer lost track of its own chunking. */
    private static void requireStart(int csid, boolean startsMessage) throws ProtocolException {
        if (!startsMessage) {
            throw new ProtocolException("new message header on chunk stream " + csid
                    + " before the previous message was complete");
        }
    }

    private void applyControl(RawMessage message) throws ProtocolException {
        byte[] p = message.payload();
        switch (message.typeId()) {
            case 1 -> { // Set Chunk Size
                int size = int32(p, "Set Chunk Size");
                if (size <= 0) {
                    throw new ProtocolException("invalid chunk size " + Integer.toUnsignedString(size));
                }
                if (size > maxChunkSize) {
                    throw new LimitExceededException("chunk_size", "chunk size " + size + " exceeds the limit of "
                            + maxChunkSize);
                }
                chunkSize = size;
            }
            case 2 -> { // Abort
                ChunkStream cs = streams.get(int32(p, "Abort"));
                if (cs != null && cs.buffer != null) {
                    pendingBytes -= cs.buffer.length;
                    cs.buffer = null;
                }
            }
            case 5 -> peerWindowAckSize = int32(p, "Window Acknowledgement Size");
            default -> {
            }
        }
    }

    private static int int32(byte[] p, String what) throws ProtocolException {
        if (p.length < 4) {
            throw new ProtocolException(what + " message has " + p.length + " bytes, needs 4");
        }
        return (p[0] & 0xFF) << 24 | (p[1] & 0xFF) << 16 | (p[2] & 0xFF) << 8 | (p[3] & 0xFF);
    }

    private static int u24(byte[] b, int off) {
        return (b[off] & 0xFF) << 16 | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF);
    }

    /** Ending between messages is a normal hang-up; ending inside one is a truncated message. */
    private int readFirstByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            if (pendingBytes > 0) {
                throw new ProtocolException("stream ended in the middle of a message");
            }
            throw new EOFException("peer closed the connection");
        }
        bytesRead++;
        return b;
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new ProtocolException("stream ended in the middle of a chunk header");
        }
        bytesRead++;
        return b;
    }

    private int readInt() throws IOException {
        readFully(header, 4);
        return (header[0] & 0xFF) << 24 | (header[1] & 0xFF) << 16 | (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
    }

    private void readFully(byte[] b, int n) throws IOException {
        readFully(b, 0, n);
    }

    private void readFully(byte[] b, int off, int n) throws IOException {
        int got = in.readNBytes(b, off, n);
        bytesRead += got;
        if (got < n) {
            throw new ProtocolException("stream ended in the middle of a chunk");
        }
    }

    /** What the previous chunk on one chunk stream id said, which later headers may omit. */
    private static final class ChunkStream {
        int timestamp;
        int delta;
        int length;
        int typeId;
        int streamId;
        boolean extended;
        byte[] buffer;
        int filled;
    }
}
