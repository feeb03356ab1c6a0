package dev.rtmpserver.bench;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.message.MessageType;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Chunking one media message at 4096-byte chunks, both ways the code does it: a connection's own
 * {@link ChunkWriter}, which compresses headers against the previous message (clients, and the
 * server's commands), and {@link MediaFrame#chunked}, which the server's player writers use so that
 * a live frame is chunked once for all its players.
 *
 * <p>Every benchmark writes through a 16 KiB {@link BufferedOutputStream}, the most a player's
 * writer buffers, to a {@link CopyingSocket}, so the copies on the way out are counted; a frame
 * larger than the buffer goes past it, as in the server.
 */
public class ChunkWriterBenchmark extends ShortRun {
    private static final int CHUNK_SIZE = 4096;
    private static final int CSID = 6;
    private static final int STREAM_ID = 1;
    private static final int FRAME_INTERVAL_MS = 40;

    /** An AAC frame, an inter frame and a keyframe of a 2.5 Mbit/s 720p stream. */
    @Param({"200", "10240", "102400"})
    public int payloadBytes;

    private byte[] payload;
    private OutputStream out;
    private ChunkWriter writer;
    private int timestamp;
    private MediaFrame encoded;

    @Setup
    public void setUp() {
        payload = new byte[payloadBytes];
        new Random(1).nextBytes(payload);
        out = new BufferedOutputStream(new CopyingSocket(), 16 * 1024);
        writer = new ChunkWriter(out);
        writer.setChunkSize(CHUNK_SIZE);
        encoded = frame();
        encoded.chunked(CSID, STREAM_ID, CHUNK_SIZE);
    }

    /** Frames of one size at a steady rate, so after the first the writer sends one-byte headers. */
    @Benchmark
    public void chunkWriter() throws IOException {
        timestamp += FRAME_INTERVAL_MS;
        writer.write(CSID, MessageType.VIDEO, STREAM_ID, timestamp, payload, 0, payloadBytes);
    }

    /**
     * What the first player to get a live frame pays; so does a player whose stream id or chunk size
     * differs from the encoding the frame holds, which it then replaces.
     */
    @Benchmark
    public void mediaFrameFirstPlayer() throws IOException {
        out.write(frame().chunked(CSID, STREAM_ID, CHUNK_SIZE));
    }

    /** What every further player pays. */
    @Benchmark
    public void mediaFrameOtherPlayers() throws IOException {
        out.write(encoded.chunked(CSID, STREAM_ID, CHUNK_SIZE));
    }

    private MediaFrame frame() {
        return new MediaFrame(MediaFrame.Kind.VIDEO, FRAME_INTERVAL_MS, payload, false, false);
    }
}
