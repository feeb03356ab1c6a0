package dev.rtmpserver.session;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * A writer's batch written to a stream (a TLS socket's, which has no channel to gather with): the
 * batch's buffers are copied into one array, borrowed from a {@link Pool} for the write and given
 * back right after, so a batch of small messages costs one system call per array, and thousands
 * of players that mostly wait share a few arrays instead of keeping one each. Each call writes one
 * array's worth; {@link GatheringWriter} calls again for the rest.
 */
final class WriteBuffer implements GatheringByteChannel {
    /** Buffers of one size, shared by the writers of every connection. */
    static final class Pool {
        private final int bufferBytes;
        private final boolean direct;
        /** Buffers given back and not yet taken again; beyond its capacity they are left to the GC. */
        private final ArrayBlockingQueue<ByteBuffer> idle;

        /** Heap buffers; {@code keep} is how many idle ones to keep for reuse. */
        Pool(int bufferBytes, int keep) {
            this(bufferBytes, keep, false);
        }

        private Pool(int bufferBytes, int keep, boolean direct) {
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
        static Pool direct(int bufferBytes, int keep) {
            return new Pool(bufferBytes, keep, true);
        }

        int bufferBytes() {
            return bufferBytes;
        }

        /** A cleared buffer. */
        ByteBuffer take() {
            ByteBuffer b = idle.poll();
            if (b != null) {
                return b.clear();
            }
            return direct ? ByteBuffer.allocateDirect(bufferBytes) : ByteBuffer.allocate(bufferBytes);
        }

        void give(ByteBuffer b) {
            idle.offer(b);
        }
    }

    private final OutputStream out;
    private final Pool pool;
    private boolean open = true;

    /** @param pool a pool of heap buffers */
    WriteBuffer(OutputStream out, Pool pool) {
        this.out = out;
        this.pool = pool;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        if (!open) {
            throw new ClosedChannelException();
        }
        ByteBuffer buf = pool.take();
        try {
            for (int i = offset; i < offset + length && buf.hasRemaining(); i++) {
                ByteBuffer src = srcs[i];
                int n = Math.min(src.remaining(), buf.remaining());
                buf.put(src.slice(src.position(), n));
                src.position(src.position() + n);
            }
            out.write(buf.array(), buf.arrayOffset(), buf.position());
            out.flush();
            return buf.position();
        } finally {
            pool.give(buf);
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        out.close();
    }
}
