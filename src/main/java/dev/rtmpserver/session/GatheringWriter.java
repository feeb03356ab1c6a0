package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Collects a writer's batch as a list of buffers and hands it to the socket in one gathering
 * write (writev). Frames' encoded bytes, shared by every player, join the list where they are
 * ({@link #share}; the channel copies them out of the heap as it writes, as a socket's stream
 * would); only what differs per connection (control messages, commands, a first chunk's
 * header patched for another message stream id), written through the {@link OutputStream} side,
 * is copied, into a scratch buffer borrowed from a {@link BufferPool} for the batch.
 * Not thread-safe: one writer owns it.
 */
final class GatheringWriter extends OutputStream {
    /** The kernel takes at most this many buffers per writev (Linux's IOV_MAX); a longer batch is split. */
    private static final int MAX_PARTS = 1024;
    private static final int INITIAL_PARTS = 16;
    /** A list grown for a join backlog is dropped after it, not kept by every idle player. */
    private static final int KEPT_PARTS = 64;

    private final GatheringByteChannel channel;
    private final BufferPool pool;
    private final LongConsumer progress;
    private ByteBuffer[] parts = new ByteBuffer[INITIAL_PARTS];
    private int count;
    /** The borrowed scratch buffer, or null between batches. */
    private ByteBuffer scratch;
    /** Where the scratch bytes not yet in {@link #parts} start. */
    private int pending;

    /**
     * @param progress told each time the channel accepted bytes, with how many
     */
    GatheringWriter(GatheringByteChannel channel, BufferPool pool, LongConsumer progress) {
        this.channel = channel;
        this.pool = pool;
        this.progress = progress;
    }

    /** Adds bytes that others share, from index {@code from} to their end. */
    void share(byte[] shared, int from) throws IOException {
        addPending();
        add(ByteBuffer.wrap(shared, from, shared.length - from));
    }

    @Override
    public void write(int b) throws IOException {
        room().put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            ByteBuffer s = room();
            int n = Math.min(len, s.remaining());
            s.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    /** The scratch buffer, with room for at least one byte. */
    private ByteBuffer room() throws IOException {
        if (scratch == null) {
            scratch = pool.take();
            pending = 0;
        } else if (!scratch.hasRemaining()) {
            send();
        }
        return scratch;
    }

    private void addPending() throws IOException {
        if (scratch != null && scratch.position() > pending) {
            int end = scratch.position();
            add(scratch.slice(pending, end - pending));
            pending = end;
        }
    }

    private void add(ByteBuffer part) throws IOException {
        if (count == MAX_PARTS) {
            send();
        }
        if (count == parts.length) {
            parts = Arrays.copyOf(parts, parts.length * 2);
        }
        parts[count++] = part;
    }

    /** Writes everything collected so far; the scratch buffer is then free for new bytes. */
    private void send() throws IOException {
        addPending();
        int first = 0;
        while (first < count) {
            // Blocking channels may still take only part of it (a signal, or a send buffer that
            // filled up), so write until every buffer is empty.
            long n = channel.write(parts, first, count - first);
            if (n > 0) {
                progress.accept(n);
            }
            while (first < count && !parts[first].hasRemaining()) {
                first++;
            }
        }
        Arrays.fill(parts, 0, count, null);
        count = 0;
        if (scratch != null) {
            scratch.clear();
            pending = 0;
        }
    }

    /** Writes the batch and gives the scratch buffer back. */
    @Override
    public void flush() throws IOException {
        send();
        if (scratch != null) {
            pool.give(scratch);
            scratch = null;
        }
        if (parts.length > KEPT_PARTS) {
            parts = new ByteBuffer[INITIAL_PARTS];
        }
    }
}
