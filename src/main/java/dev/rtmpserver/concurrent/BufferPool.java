package dev.rtmpserver.concurrent;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Buffers of one size, shared by the writers of every connection and every browser viewer: a
 * writer borrows one only while it writes, so thousands of players that mostly wait share a few
 * instead of keeping one each. Beyond {@code keep} idle buffers, those given back are left to the GC.
 */
public final class BufferPool {
    private final int bufferBytes;
    private final boolean direct;
    /** Buffers given back and not yet taken again. */
    private final ArrayBlockingQueue<ByteBuffer> idle;

    /** Heap buffers; {@code keep} is how many idle ones to keep for reuse. */
    public BufferPool(int bufferBytes, int keep) {
        this(bufferBytes, keep, false);
    }

    private BufferPool(int bufferBytes, int keep, boolean direct) {
        if (bufferBytes <= 0 || keep <= 0) {
            throw new IllegalArgumentException("pool of " + keep + " x " + bufferBytes + " bytes");
        }
        this.bufferBytes = bufferBytes;
        this.direct = direct;
        this.idle = new ArrayBlockingQueue<>(keep);
    }

    /**
     * Buffers outside the heap, for bytes handed to a socket channel: a heap buffer would be
     * copied into a temporary one of these on every write.
     */
    public static BufferPool direct(int bufferBytes, int keep) {
        return new BufferPool(bufferBytes, keep, true);
    }

    public int bufferBytes() {
        return bufferBytes;
    }

    /** A cleared buffer. */
    public ByteBuffer take() {
        ByteBuffer b = idle.poll();
        if (b != null) {
            return b.clear();
        }
        return direct ? ByteBuffer.allocateDirect(bufferBytes) : ByteBuffer.allocate(bufferBytes);
    }

    public void give(ByteBuffer b) {
        idle.offer(b);
    }
}
