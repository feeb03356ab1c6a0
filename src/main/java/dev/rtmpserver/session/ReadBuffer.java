package dev.rtmpserver.session;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * A buffered input stream whose buffer can be enlarged once a connection turns out to need it.
 * Most connections are players that read a few commands in their lifetime, and a server holding
 * ten thousand of them should not hold ten thousand publisher-sized buffers; a publisher's read
 * loop, on the other hand, wants few system calls per megabyte.
 */
final class ReadBuffer extends InputStream {
    private final InputStream in;
    private byte[] buf;
    private int pos;
    private int count;

    ReadBuffer(InputStream in, int initialBytes) {
        this.in = in;
        this.buf = new byte[initialBytes];
    }

    /** Grows the buffer to {@code bytes}, keeping what is buffered; never shrinks it. */
    void enlarge(int bytes) {
        if (bytes > buf.length) {
            byte[] larger = new byte[bytes];
            System.arraycopy(buf, pos, larger, 0, count - pos);
            count -= pos;
            pos = 0;
            buf = larger;
        }
    }

    int capacity() {
        return buf.length;
    }

    @Override
    public int read() throws IOException {
        if (pos == count && fill() < 0) {
            return -1;
        }
        return buf[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int buffered = count - pos;
        if (buffered == 0) {
            // A read at least as large as the buffer gains nothing from copying through it.
            if (len >= buf.length) {
                return in.read(b, off, len);
            }
            if (fill() < 0) {
                return -1;
            }
            buffered = count - pos;
        }
        int n = Math.min(buffered, len);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return count - pos + in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private int fill() throws IOException {
        pos = 0;
        count = 0;
        int n = in.read(buf, 0, buf.length);
        if (n > 0) {
            count = n;
        }
        return n;
    }
}
