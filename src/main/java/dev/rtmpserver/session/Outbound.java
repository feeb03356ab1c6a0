package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.concurrent.TickTimer;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Everything one connection sends, in order, written by that connection's own writer thread.
 *
 * <p>Control and command messages are always queued. Live media is queued by {@link PlayerSink},
 * through {@link #offerLive}, which refuses frames beyond the player's limits, so that a slow
 * socket costs only its own player. The writer drains the whole queue at once and writes it with
 * one gathering write, so a burst of frames costs one system call, not one per frame.
 *
 * <p>The queue is a stack of {@link Node}s pushed with one compare-and-set and taken whole by the
 * writer, which reverses it. A publisher offers each frame to every player, so this is the hottest
 * handoff in the server: no lock means the publisher never waits for a writer that holds one, and
 * each node carries the running totals the limits need, so the check and the push are one step.
 *
 * <p>A player may allow its live media to be held for a while (its write delay): after writing a
 * batch with such media, the writer sleeps until the next tick of that delay (its next multiple on
 * the clock) before taking the next one, so a player costs one wake-up and a few system calls per
 * delay instead of per frame, and all players with that delay wake together. Whatever is queued
 * while it sleeps was queued less than the delay ago, so nothing waits longer than the delay (and
 * the timer's lateness); a frame offered to an idle writer goes out at once. Anything queued with a
 * shorter delay than the one being slept out ends the sleep: replies, control and sequence headers,
 * which have none, and the media of another play of the connection with a shorter delay.
 */
final class Outbound {
    private static final int CSID_PROTOCOL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;
    /** Roughly what one queued message costs beyond its payload: its node. */
    private static final int NODE_OVERHEAD_BYTES = 64;

    /**
     * One queued message, and the totals of everything queued since the writer last took the queue.
     * Fields are set before the node is published by the compare-and-set, and read after it.
     */
    private static final class Node {
        int typeId;
        int streamId;
        int timestamp;
        byte[] payload;
        /** For a Set Chunk Size message, the size the writer switches to after it; else 0. */
        int chunkSize;
        /** For media, the shared frame whose chunked bytes every player reuses; else null. */
        MediaFrame frame;
        /** For media of a live play, that play's count of bytes written; else null. */
        LongAdder sent;
        /** How long this message may be held for a merged write; 0 if it goes out as soon as it can. */
        long holdNanos;
        /** The shortest {@link #holdNanos} of this message and the older queued ones. */
        long minHoldNanos;
        /** Towards older messages while queued; towards newer ones once the writer reversed the batch. */
        Node next;
        /** Live media bytes queued, this node included. */
        long liveBytes;
        /** Everything queued, with a per-node allowance for the queue's own memory. */
        long totalBytes;
        /**
         * {@link System#nanoTime()} when the oldest queued live frame was queued, or 0 if none is.
         * Lag is measured in wall-clock time, not media timestamps, so a publisher's timestamp jump
         * or a burst sent faster than real time is not mistaken for a slow player.
         */
        long oldestLiveAt;

        Node() {
        }

        Node(int typeId, int streamId, int timestamp, byte[] payload, int chunkSize, MediaFrame frame,
             LongAdder sent) {
            this.typeId = typeId;
            this.streamId = streamId;
            this.timestamp = timestamp;
            this.payload = payload;
            this.chunkSize = chunkSize;
            this.frame = frame;
            this.sent = sent;
        }
    }

    /** {@link #head} while the writer is parked waiting for a message: whoever pushes unparks it. */
    private static final Node WAITING = new Node();
    /** {@link #head} once closed: nothing is queued any more. */
    private static final Node CLOSED = new Node();
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(Outbound.class, "head", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The newest queued message, or null if none, or {@link #WAITING} or {@link #CLOSED}. */
    private volatile Node head;
    /** The thread in {@link #drainTo}, set before it first parks. */
    private volatile Thread writer;
    /**
     * The write delay the writer sleeps out, or 0 while it does not: a message that may not be held
     * that long must wake it. Written by the writer before it looks at the queue for such messages,
     * read by a pusher after it pushed one, so one of the two always sees the other.
     */
    private volatile long sleepingFor;
    private final LongSupplier clock;
    private final Sleeper sleeper;

    /** How the writer sleeps out a delay: {@link TickTimer#sleepUntil}, or a test's stand-in. */
    @FunctionalInterface
    interface Sleeper {
        /** Returns at about {@code deadline} on the clock, or earlier, for example when the thread is unparked. */
        void sleepUntil(Object blocker, long deadline);
    }

    private final long hardLimitBytes;
    private final Counters counters;
    /** Bytes the socket has accepted; written by the writer thread only. */
    private volatile long bytesWritten;
    private final Runnable onOverflow;

    /** {@link System#nanoTime()} when the current batch started writing, or 0 when the writer waits. */
    private volatile long writingSince;
    /** {@link System#nanoTime()} when the socket last accepted bytes. */
    private volatile long lastProgress;

    /**
     * @param hardLimitBytes everything queued may not exceed this; past it the queue empties and
     *                       closes, and {@code onOverflow} runs (on the offering thread: it must
     *                       not block)
     */
    Outbound(long hardLimitBytes, Counters counters, Runnable onOverflow) {
        this(hardLimitBytes, counters, onOverflow, System::nanoTime, TickTimer.shared()::sleepUntil);
    }

    /**
     * @param clock   {@link System#nanoTime()}, or a test's clock, for write delays and queue waits
     * @param sleeper how the writer sleeps out a write delay
     */
    Outbound(long hardLimitBytes, Counters counters, Runnable onOverflow, LongSupplier clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.counters = counters;
        this.hardLimitBytes = hardLimitBytes;
        this.onOverflow = onOverflow;
        this.lastProgress = clock.getAsLong();
    }

    void send(RtmpMessage message, int streamId) {
        RawMessage raw = MessageCodec.encode(message, streamId, 0);
        int chunkSize = message instanceof RtmpMessage.SetChunkSize s ? s.size() : 0;
        push(new Node(raw.typeId(), streamId, 0, raw.payload(), chunkSize, null, null), false, Long.MAX_VALUE,
                Long.MAX_VALUE);
    }

    /*
     * The media methods below take the count the writer adds each frame's bytes to once it has
     * written them (the play's, for the stream's traffic in /metrics), or null for none. One writer
     * thread adds to it, so it is never contended.
     */

    /** Queues a frame the stream already holds (a join backlog or a sequence header): not counted against the limits. */
    void sendCached(int streamId, MediaFrame frame, LongAdder sent) {
        push(mediaNode(streamId, frame, 0, sent), false, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * Queues a live frame whatever the limits (audio of a player that is keeping up).
     *
     * @param holdNanos the player's write delay: how long the frame may wait to go out with others
     */
    void sendLive(int streamId, MediaFrame frame, long holdNanos, LongAdder sent) {
        offerLive(streamId, frame, Long.MAX_VALUE, Long.MAX_VALUE, holdNanos, sent);
    }

    /**
     * Queues a live frame unless that would take the live media beyond either limit; the check and
     * the push are one atomic step, since this runs for every frame and every player.
     *
     * @param holdNanos the player's write delay: how long the frame may wait to go out with others
     * @return false if the frame was not queued because the player is behind
     */
    boolean offerLive(int streamId, MediaFrame frame, long maxBytes, long maxWaitNanos, long holdNanos,
                      LongAdder sent) {
        return push(mediaNode(streamId, frame, holdNanos, sent), true, maxBytes, maxWaitNanos);
    }

    private static Node mediaNode(int streamId, MediaFrame frame, long holdNanos, LongAdder sent) {
        Node node = new Node(frame.kind().typeId(), streamId, frame.timestamp(), frame.payload(), 0, frame, sent);
        node.holdNanos = holdNanos;
        return node;
    }

    private boolean push(Node node, boolean live, long maxLiveBytes, long maxWaitNanos) {
        long size = node.payload.length;
        long now = live ? clock.getAsLong() : 0;
        while (true) {
            Node h = head;
            if (h == CLOSED) {
                return true;
            }
            Node older = h == WAITING ? null : h;
            long liveBytes = older == null ? 0 : older.liveBytes;
            long oldestLiveAt = older == null ? 0 : older.oldestLiveAt;
            if (live && (liveBytes + size > maxLiveBytes
                    || (oldestLiveAt != 0 && now - oldestLiveAt > maxWaitNanos))) {
                return false;
            }
            node.totalBytes = (older == null ? 0 : older.totalBytes) + size + NODE_OVERHEAD_BYTES;
            if (node.totalBytes > hardLimitBytes) {
                if (closeQueue()) {
                    onOverflow.run();
                }
                return true;
            }
            node.liveBytes = live ? liveBytes + size : liveBytes;
            node.oldestLiveAt = live && oldestLiveAt == 0 ? now : oldestLiveAt;
            node.next = older;
            node.minHoldNanos = older == null ? node.holdNanos : Math.min(node.holdNanos, older.minHoldNanos);
            if (HEAD.compareAndSet(this, h, node)) {
                if (h == WAITING || node.holdNanos < sleepingFor) {
                    LockSupport.unpark(writer);
                }
                return true;
            }
        }
    }

    /** How long the oldest live frame in the queue has waited for the writer, in milliseconds; 0 if none. */
    long liveWaitMillis() {
        Node h = head;
        if (h == null || h == WAITING || h == CLOSED || h.oldestLiveAt == 0) {
            return 0;
        }
        return (clock.getAsLong() - h.oldestLiveAt) / 1_000_000;
    }

    /** True when nothing is queued and nothing is being written. */
    boolean isDrained() {
        // The writer marks itself writing before it takes the queue, so reading in this order
        // never sees an empty queue and an idle writer while a batch is still to be written.
        Node h = head;
        return (h == null || h == WAITING || h == CLOSED) && writingSince == 0;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    /** Bytes queued and not yet taken by the writer, with the queue's own overhead. */
    long queuedBytes() {
        Node h = head;
        return h == null || h == WAITING || h == CLOSED ? 0 : h.totalBytes;
    }

    /** How long the socket has refused to take bytes the writer has for it; 0 if it is not stuck. */
    long stalledNanos(long now) {
        long since = writingSince;
        return since == 0 ? 0 : now - Math.max(since, lastProgress);
    }

    /** Drops whatever is queued and makes the writer return. */
    void close() {
        closeQueue();
    }

    /** Returns false if the queue was closed already. */
    private boolean closeQueue() {
        Node h = (Node) HEAD.getAndSet(this, CLOSED);
        if (h == WAITING || sleepingFor != 0) {
            LockSupport.unpark(writer);
        }
        return h != CLOSED;
    }

    /**
     * The writer loop for a socket without a channel (TLS): each batch is copied into arrays from
     * {@code buffers}, one system call per array.
     */
    void drainTo(OutputStream socketOut, BufferPool buffers) throws IOException, InterruptedException {
        drainTo(new WriteBuffer(socketOut, buffers), buffers);
    }

    /**
     * The writer loop: runs until {@link #close()} or until the socket fails. Each batch is one
     * gathering write: frames go out from their shared encoding, and only bytes of this
     * connection's own are copied, into a buffer from {@code scratch}.
     */
    void drainTo(GatheringByteChannel socket, BufferPool scratch) throws IOException, InterruptedException {
        GatheringWriter out = new GatheringWriter(socket, scratch, this::accepted);
        ChunkWriter writer = new ChunkWriter(out);
        byte[] header = new byte[ChunkWriter.STANDALONE_HEADER_BYTES];
        this.writer = Thread.currentThread();
        while (true) {
            Node batch = take();
            if (batch == null) {
                return;
            }
            long takenAt = clock.getAsLong();
            long holdNanos = 0;
            int batchSize = 0;
            for (Node node = batch; node != null; node = node.next) {
                batchSize++;
                holdNanos = Math.max(holdNanos, node.holdNanos);
                int csid = csidOf(node.typeId);
                if (node.frame != null) {
                    byte[] bytes = node.frame.chunked(csid, node.streamId, writer.chunkSize());
                    if (ChunkWriter.standaloneStreamId(bytes) != node.streamId) {
                        ChunkWriter.standaloneHeader(bytes, node.streamId, header);
                        out.write(header);
                        out.share(bytes, ChunkWriter.STANDALONE_HEADER_BYTES);
                    } else {
                        out.share(bytes, 0);
                    }
                    writer.forget(csid);
                    if (node.sent != null) {
                        // A patched header is as long as the one it replaces.
                        node.sent.add(bytes.length);
                    }
                } else {
                    writer.write(csid, node.typeId, node.streamId, node.timestamp, node.payload, 0,
                            node.payload.length);
                }
                if (node.chunkSize > 0) {
                    writer.setChunkSize(node.chunkSize);
                }
            }
            out.flush();
            writingSince = 0;
            counters.messagesOut.add(batchSize);
            if (holdNanos > 0) {
                holdUntil(TickTimer.nextTick(takenAt, holdNanos), holdNanos);
            }
        }
    }

    /** The socket accepted {@code n} more bytes: a stuck socket can be told from a slow one. */
    // Only the writer thread updates bytesWritten; volatile is for the threads that read it.
    @SuppressWarnings("NonAtomicVolatileUpdate")
    private void accepted(long n) {
        lastProgress = clock.getAsLong();
        bytesWritten += n;
        counters.bytesOut.add(n);
    }

    /**
     * Lets messages gather until {@code deadline}: everything queued meanwhile goes out in the next
     * batch, at the deadline, unless a message that may not be held for {@code holdNanos} comes first.
     */
    private void holdUntil(long deadline, long holdNanos) throws InterruptedException {
        sleepingFor = holdNanos;
        try {
            while (true) {
                Node h = head;
                long left = deadline - clock.getAsLong();
                if (h == CLOSED || (h != null && h.minHoldNanos < holdNanos) || left <= 0) {
                    return;
                }
                sleeper.sleepUntil(this, deadline);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            sleepingFor = 0;
        }
    }

    /**
     * Waits for messages and takes them all, oldest first; null once closed. Marks the writer busy
     * before taking them (see {@link #isDrained}).
     */
    private Node take() throws InterruptedException {
        while (true) {
            writingSince = clock.getAsLong();
            Node h = head;
            if (h == CLOSED) {
                writingSince = 0;
                return null;
            }
            if (h != null && h != WAITING) {
                if (HEAD.compareAndSet(this, h, null)) {
                    return reverse(h);
                }
                continue;
            }
            writingSince = 0;
            if (h == null && !HEAD.compareAndSet(this, null, WAITING)) {
                continue;
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                HEAD.compareAndSet(this, WAITING, null);
                throw new InterruptedException();
            }
        }
    }

    private static Node reverse(Node newest) {
        Node oldest = null;
        Node node = newest;
        while (node != null) {
            Node older = node.next;
            node.next = oldest;
            oldest = node;
            node = older;
        }
        return oldest;
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
}
