package dev.rtmpserver.session;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Collects a writer's batch so it reaches the socket in few system calls. The array is borrowed
 * from a {@link Pool} for one batch and given back at {@link #flush()}: a writer holds one only
 * while it writes, so thousands of players that mostly wait share a few arrays instead of keeping
 * one each. Writes at least as large as the array go to the socket directly, since copying them
 * would save no system call.
 */
final class WriteBuffer extends OutputStream {
    /** Arrays of one size, shared by the writers of every connection. */
    static final class Pool {
        private final int bufferBytes;
        /** Arrays given back and not yet taken again; beyond its capacity they are left to the GC. */
        private final ArrayBlockingQueue<byte[]> idle;

        /** @param keep how many idle arrays to keep for reuse */
        Pool(int bufferBytes, int keep) {
            if (bufferBytes <= 0 || keep <= 0) {
                throw new IllegalArgumentException("pool of " + keep + " x " + bufferBytes + " bytes");
            }
            this.bufferBytes = bufferBytes;
            this.idle = new ArrayBlockingQueue<>(keep);
        }

        int bufferBytes() {
            return bufferBytes;
        }

        byte[] take() {
            byte[] b = idle.poll();
            return b != null ? b : new byte[bufferBytes];
        }

        void give(byte[] b) {
            idle.offer(b);
        }
    }

    private final OutputStream out;
    private final Pool pool;
    /** The borrowed array, or null between batches. */
    private byte[] buf;
    private int count;

    WriteBuffer(OutputStream out, Pool pool) {
        this.out = out;
        this.pool = pool;
    }

    /** Whether an array is borrowed: only between the first buffered write of a batch and its flush. */
    boolean holdsBuffer() {
        return buf != null;
    }

    @Override
    public void write(int b) throws IOException {
        if (buf == null) {
            buf = pool.take();
        } else if (count == buf.length) {
            drain();
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (buf == null) {
            if (len >= pool.bufferBytes()) {
                out.write(b, off, len);
                return;
            }
            buf = pool.take();
        }
        if (len > buf.length - count) {
            drain();
            if (len >= buf.length) {
                out.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /**
     * Writes the last bytes of a batch, which {@link #flush()} follows: when nothing is buffered
     * they go to the socket as they are, since a copy would not save a system call.
     */
    void writeLast(byte[] b, int from) throws IOException {
        if (count == 0) {
            out.write(b, from, b.length - from);
        } else {
            write(b, from, b.length - from);
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }

    /** Writes out what is buffered and gives the array back to the pool. */
    @Override
    public void flush() throws IOException {
        drain();
        if (buf != null) {
            pool.give(buf);
            buf = null;
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
