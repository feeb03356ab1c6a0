package dev.rtmpserver.session;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything one connection sends, in order, written by that connection's own writer thread.
 *
 * <p>Control and command messages are always queued. Live media is queued by {@link PlayerSink},
 * through {@link #offerLive}, which refuses frames beyond the player's limits, so that a slow
 * socket costs only its own player. The writer drains the whole queue at once and flushes once per
 * batch, so a burst of frames costs one system call per buffer, not one per frame.
 */
final class Outbound {
    private static final int CSID_PROTOCOL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;
    /** Roughly what one queued item costs beyond its payload: the record and the deque slot. */
    private static final int ITEM_OVERHEAD_BYTES = 64;

    /**
     * @param chunkSize for a Set Chunk Size message, the size the writer switches to after it
     * @param frame     for media, the shared frame whose chunked bytes every player reuses
     */
    private record Item(int typeId, int streamId, int timestamp, byte[] payload, int chunkSize, MediaFrame frame) {
    }

    /** Guards the fields below. Held only for queue operations, never for IO. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * The writer while it waits for something to write, else null. Whoever queues takes it and
     * unparks it after unlocking: one wake-up per batch, and the writer never wakes into a lock
     * that is still held, as it would when signalled through a Condition.
     */
    private Thread waitingWriter;
    private ArrayDeque<Item> queue = new ArrayDeque<>();
    /**
     * Live media waiting in {@link #queue}: its bytes, and when the oldest of it was queued. Lag is
     * measured in wall-clock time, not media timestamps, so a publisher's timestamp jump or a
     * burst sent faster than real time is not mistaken for a slow player.
     */
    private long liveBytes;
    private boolean liveQueued;
    /** Everything queued, live or not, with a per-item allowance for the queue's own memory. */
    private long totalBytes;
    private long oldestLiveQueuedAt;
    private boolean closed;

    private final long hardLimitBytes;
    private final Counters counters;
    /** Bytes the socket has accepted; written by the writer thread only. */
    private volatile long bytesWritten;
    private final Runnable onOverflow;

    /** {@link System#nanoTime()} when the current batch started writing, or 0 when the writer waits. */
    private volatile long writingSince;
    /** {@link System#nanoTime()} when the socket last accepted bytes. */
    private volatile long lastProgress = System.nanoTime();

    /**
     * @param hardLimitBytes everything queued may not exceed this; past it the queue empties and
     *                       closes, and {@code onOverflow} runs (on the offering thread: it must
     *                       not block)
     */
    Outbound(long hardLimitBytes, Counters counters, Runnable onOverflow) {
        this.counters = counters;
        this.hardLimitBytes = hardLimitBytes;
        this.onOverflow = onOverflow;
    }

    void send(RtmpMessage message, int streamId) {
        RawMessage raw = MessageCodec.encode(message, streamId, 0);
        int chunkSize = message instanceof RtmpMessage.SetChunkSize s ? s.size() : 0;
        enqueue(new Item(raw.typeId(), streamId, 0, raw.payload(), chunkSize, null), false);
    }

    /** Queues a frame the stream already holds (a join backlog or a sequence header): not counted. */
    void sendCached(int streamId, MediaFrame frame) {
        enqueue(new Item(frame.kind().typeId(), streamId, frame.timestamp(), frame.payload(), 0, frame), false);
    }

    /** Queues a live frame whatever the limits (audio of a player that is keeping up). */
    void sendLive(int streamId, MediaFrame frame) {
        offerLive(streamId, frame, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Queues a live frame unless that would take the live media beyond either limit; checked and
     * queued under one lock acquisition, since this runs for every frame and every player.
     *
     * @return false if the frame was not queued because the player is behind
     */
    boolean offerLive(int streamId, MediaFrame frame, long maxBytes, long maxWaitNanos) {
        return enqueue(new Item(frame.kind().typeId(), streamId, frame.timestamp(), frame.payload(), 0, frame), true,
                maxBytes, maxWaitNanos);
    }

    private void enqueue(Item item, boolean live) {
        enqueue(item, live, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    private boolean enqueue(Item item, boolean live, long maxLiveBytes, long maxWaitNanos) {
        boolean overflowed = false;
        Thread wake = null;
        lock.lock();
        try {
            if (closed) {
                return true;
            }
            if (live && (liveBytes + item.payload.length > maxLiveBytes
                    || liveQueued && System.nanoTime() - oldestLiveQueuedAt > maxWaitNanos)) {
                return false;
            }
            totalBytes += item.payload.length + ITEM_OVERHEAD_BYTES;
            if (totalBytes > hardLimitBytes) {
                wake = closeLocked();
                overflowed = true;
                return true;
            }
            queue.addLast(item);
            if (live) {
                if (!liveQueued) {
                    liveQueued = true;
                    oldestLiveQueuedAt = System.nanoTime();
                }
                liveBytes += item.payload.length;
            }
            wake = waitingWriter;
            waitingWriter = null;
            return true;
        } finally {
            lock.unlock();
            if (wake != null) {
                LockSupport.unpark(wake);
            }
            if (overflowed) {
                onOverflow.run();
            }
        }
    }

    /** How long the oldest live frame in the queue has waited, in milliseconds; 0 if none. */
    long liveWaitMillis() {
        lock.lock();
        try {
            return liveQueued ? (System.nanoTime() - oldestLiveQueuedAt) / 1_000_000 : 0;
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing is queued and nothing is being written. */
    boolean isDrained() {
        lock.lock();
        try {
            return (queue.isEmpty() || closed) && writingSince == 0;
        } finally {
            lock.unlock();
        }
    }

    long bytesWritten() {
        return bytesWritten;
    }

    /** How long the socket has refused to take bytes the writer has for it; 0 if it is not stuck. */
    long stalledNanos(long now) {
        long since = writingSince;
        return since == 0 ? 0 : now - Math.max(since, lastProgress);
    }

    /** Drops whatever is queued and makes the writer return. */
    void close() {
        Thread wake;
        lock.lock();
        try {
            wake = closeLocked();
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            LockSupport.unpark(wake);
        }
    }

    /** Returns the writer to unpark once the lock is released, if it waits. */
    private Thread closeLocked() {
        closed = true;
        queue.clear();
        liveBytes = 0;
        liveQueued = false;
        totalBytes = 0;
        Thread wake = waitingWriter;
        waitingWriter = null;
        return wake;
    }

    /**
     * The writer loop: runs until {@link #close()} or until the socket fails.
     *
     * @param socketOut the socket's own stream; buffering is added here
     * @param initialBufferBytes the size the batch buffer starts at
     * @param maxBufferBytes     the size it may grow to when batches need it
     */
    void drainTo(OutputStream socketOut, int initialBufferBytes, int maxBufferBytes)
            throws IOException, InterruptedException {
        OutputStream out = new WriteBuffer(new ProgressStream(socketOut), initialBufferBytes, maxBufferBytes);
        ChunkWriter writer = new ChunkWriter(out);
        ArrayDeque<Item> batch = new ArrayDeque<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    waitingWriter = Thread.currentThread();
                    lock.unlock();
                    try {
                        LockSupport.park(this);
                    } finally {
                        lock.lock();
                    }
                    if (Thread.interrupted()) {
                        waitingWriter = null;
                        throw new InterruptedException();
                    }
                }
                waitingWriter = null;
                if (closed) {
                    return;
                }
                ArrayDeque<Item> full = queue;
                queue = batch;
                batch = full;
                liveBytes = 0;
                liveQueued = false;
                totalBytes = 0;
                // Under the lock, so that isDrained() never sees an empty queue and an idle writer
                // while this batch has yet to be written.
                writingSince = System.nanoTime();
            } finally {
                lock.unlock();
            }
            int batchSize = batch.size();
            for (Item item = batch.pollFirst(); item != null; item = batch.pollFirst()) {
                int csid = csidOf(item.typeId);
                if (item.frame != null) {
                    out.write(item.frame.chunked(csid, item.streamId, writer.chunkSize()));
                    writer.forget(csid);
                } else {
                    writer.write(csid, item.typeId, item.streamId, item.timestamp, item.payload, 0,
                            item.payload.length);
                }
                if (item.chunkSize > 0) {
                    writer.setChunkSize(item.chunkSize);
                }
            }
            out.flush();
            writingSince = 0;
            counters.messagesOut.add(batchSize);
        }
    }

    private static int csidOf(int typeId) {
        return switch (typeId) {
            case MessageType.AUDIO -> CSID_AUDIO;
            case MessageType.VIDEO -> CSID_VIDEO;
            case MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> CSID_DATA;
            case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> CSID_COMMAND;
            default -> CSID_PROTOCOL;
        };
    }

    /** Notes each time the socket accepts a write, so a stuck socket can be told from a slow one. */
    private final class ProgressStream extends FilterOutputStream {
        ProgressStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            lastProgress = System.nanoTime();
            bytesWritten += len;
            counters.bytesOut.add(len);
        }
    }
}
