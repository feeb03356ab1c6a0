package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.util.Objects;

/**
 * A writer's batch written to a stream (a TLS socket's, which has no channel to gather with): the
 * batch's buffers are copied into one array, borrowed from a {@link BufferPool} for the write and given
 * back right after, so a batch of small messages costs one system call per array, and thousands
 * of players that mostly wait share a few arrays instead of keeping one each. Each call writes one
 * array's worth; {@link GatheringWriter} calls again for the rest.
 */
final class WriteBuffer implements GatheringByteChannel {
    private final OutputStream out;
    private final BufferPool pool;
    private boolean open = true;

    /** @param pool a pool of heap buffers */
    WriteBuffer(OutputStream out, BufferPool pool) {
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
