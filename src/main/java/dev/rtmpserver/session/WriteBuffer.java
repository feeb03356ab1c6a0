package dev.rtmpserver.session;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Collects a writer's batch so it reaches the socket in few system calls. The buffer starts small
 * and grows up to a maximum only when batches need it: an idle connection keeps a few hundred
 * bytes, a player the size of its usual batch. Writes at least as large as the maximum go to the
 * socket directly, since copying them would save no system call.
 */
final class WriteBuffer extends OutputStream {
    private final OutputStream out;
    private final int maxBytes;
    private byte[] buf;
    private int count;

    WriteBuffer(OutputStream out, int initialBytes, int maxBytes) {
        if (initialBytes <= 0 || maxBytes < initialBytes) {
            throw new IllegalArgumentException("buffer sizes " + initialBytes + ".." + maxBytes);
        }
        this.out = out;
        this.maxBytes = maxBytes;
        this.buf = new byte[initialBytes];
    }

    int capacity() {
        return buf.length;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buf.length) {
            makeRoom(1);
        }
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > buf.length - count) {
            makeRoom(len);
            if (len > buf.length - count) {
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

    /** Grows towards the maximum if that makes {@code len} fit, and otherwise empties the buffer. */
    private void makeRoom(int len) throws IOException {
        long needed = (long) count + len;
        if (needed <= maxBytes) {
            int size = (int) Math.min(maxBytes, Math.max(needed, 2L * buf.length));
            buf = Arrays.copyOf(buf, size);
        } else {
            drain();
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
        out.close();
    }
}
