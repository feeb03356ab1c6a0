package dev.rtmpserver.session;

import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.ChunkReader;

/**
 * Caps on what one peer may make a connection hold or do. Exceeding one closes only that
 * connection, with a warning and a count under the limit's name.
 *
 * @param maxMessageBytes          the longest command, data or control message, refused from its
 *                                 header before any of it is stored; audio and video may always use
 *                                 the protocol's whole 16 MiB
 * @param maxChunkSize             the largest Set Chunk Size accepted from a peer
 * @param maxAmfDepth              how deeply AMF containers in a command or data message may nest;
 *                                 at most the default, which is also as deep as metadata can be
 *                                 written back out (to recordings) and deep enough for any client
 * @param maxCommandsBeforeConnect commands a peer may send before a successful connect; a real
 *                                 client sends connect first, a scanner tries anything
 */
public record ProtocolLimits(int maxMessageBytes, int maxChunkSize, int maxAmfDepth, int maxCommandsBeforeConnect) {
    public static final int DEFAULT_MAX_MESSAGE_BYTES = ChunkReader.DEFAULT_MAX_MESSAGE_BYTES;
    public static final int DEFAULT_MAX_CHUNK_SIZE = ChunkReader.DEFAULT_MAX_CHUNK_SIZE;
    public static final int DEFAULT_MAX_AMF_DEPTH = Amf0.DEFAULT_MAX_DEPTH;
    public static final int DEFAULT_MAX_COMMANDS_BEFORE_CONNECT = 10;
    /** Below this a client's connect command, with its object of a dozen properties, would not fit. */
    public static final int MIN_MESSAGE_BYTES = 4096;
    /** Below this the connect command object, which nests once, could not be read. */
    public static final int MIN_AMF_DEPTH = 2;

    public ProtocolLimits {
        if (maxMessageBytes < MIN_MESSAGE_BYTES || maxMessageBytes > 0xFFFFFF) {
            throw new IllegalArgumentException("maximum message size must be " + MIN_MESSAGE_BYTES + ".."
                    + 0xFFFFFF + ": " + maxMessageBytes);
        }
        if (maxChunkSize < SessionConfig.MIN_CHUNK_SIZE) {
            throw new IllegalArgumentException("maximum chunk size must be at least " + SessionConfig.MIN_CHUNK_SIZE
                    + ": " + maxChunkSize);
        }
        if (maxAmfDepth < MIN_AMF_DEPTH || maxAmfDepth > Amf0.DEFAULT_MAX_DEPTH) {
            throw new IllegalArgumentException("maximum AMF depth must be " + MIN_AMF_DEPTH + ".."
                    + Amf0.DEFAULT_MAX_DEPTH + ": " + maxAmfDepth);
        }
        if (maxCommandsBeforeConnect < 1) {
            throw new IllegalArgumentException("commands before connect must be at least 1: " + maxCommandsBeforeConnect);
        }
    }

    public static ProtocolLimits defaults() {
        return new ProtocolLimits(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_CHUNK_SIZE, DEFAULT_MAX_AMF_DEPTH,
                DEFAULT_MAX_COMMANDS_BEFORE_CONNECT);
    }
}
