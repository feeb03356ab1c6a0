package dev.rtmpserver.browser;

import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.concurrent.TickTimer;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.flv.FlvHeader;
import dev.rtmpserver.wire.flv.FlvStreamBytes;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.Metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One browser (or any HTTP client) watching a live stream as FLV, over a long HTTP response or a
 * WebSocket: a sink with a bounded queue, drained by the request's own thread. As for an RTMP
 * player, video starts at a keyframe, and a viewer that falls behind loses video up to the next
 * keyframe that fits (audio only while video is being lost), so a slow browser only slows itself;
 * one that keeps losing frames for longer than the lag limit is ended.
 *
 * <p>Timestamps start at 0 for each viewer, as a file would.
 *
 * <p>Like an RTMP player, a viewer may have a write delay: after writing live media it lets what
 * comes next gather for that long and writes it in one go, so a viewer costs one wake-up and one
 * write per delay instead of per frame. Metadata and sequence headers end the wait at once.
 */
public final class FlvViewer implements Sink {
    /** How the bytes go out. */
    public enum Protocol {
        HTTP_FLV("http-flv"), WS_FLV("ws-flv");

        private final String label;

        Protocol(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Where {@link #run} writes: one call per batch of tags. */
    public interface Output {
        /**
         * Writes the first {@code length} bytes. The array is reused (by another viewer, too) once
         * this returns: an output that queues it must queue a copy.
         */
        void write(byte[] bytes, int length) throws IOException;
    }

    private static final int TAG_OVERHEAD = FlvTag.HEADER_BYTES + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * The most one write carries. A viewer that fell behind takes its whole queue at once: written
     * as one array, each lagging viewer would hold a copy of its queue, and memory would grow with
     * viewers times the queue limit.
     */
    static final int WRITE_BYTES = 64 * 1024;
    /** A viewer holds a write buffer only while it writes: 500 viewers that write in turns need a few, not 32 MB. */
    private static final BufferPool WRITE_BUFFERS = new BufferPool(WRITE_BYTES, 32);

    private final long id;
    private final StreamKey key;
    private final String client;
    private final Protocol protocol;
    private final long maxQueueBytes;
    private final long maxLagNanos;
    private final long writeDelayNanos;
    private final LongSupplier clock;
    private final long startedNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    // Guarded by lock.
    private final ArrayDeque<MediaFrame> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** When the oldest frame now queued was queued ({@link #clock} time). */
    private long oldestQueuedNanos;
    private boolean awaitingKeyframe = true;
    private boolean videoSeen;
    private long laggingSince;
    private String endReason;
    private boolean hasAudio;
    private boolean hasVideo;
    /** The writer is sleeping out its write delay: only what may not wait wakes it. */
    private boolean holding;
    /** The thread in {@link #run}, which {@link #hold} parks. */
    private Thread writer;
    /** Metadata or a sequence header is queued, which never waits for the write delay. */
    private boolean urgentQueued;

    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();

    /**
     * @param maxQueueBytes live media held for this viewer before it loses frames
     * @param maxLagNanos   how long it may keep losing frames before it is ended
     * @param writeDelayNanos how long live media may wait to be written together with what follows; 0 writes at once
     * @param clock         {@link System#nanoTime()}, or a test's clock
     */
    public FlvViewer(long id, StreamKey key, String client, Protocol protocol, long maxQueueBytes, long maxLagNanos,
                     long writeDelayNanos, LongSupplier clock) {
        this.id = id;
        this.key = key;
        this.client = client;
        this.protocol = protocol;
        this.maxQueueBytes = maxQueueBytes;
        this.maxLagNanos = maxLagNanos;
        this.writeDelayNanos = writeDelayNanos;
        this.clock = clock;
        this.startedNanos = clock.getAsLong();
    }

    public long id() {
        return id;
    }

    public StreamKey key() {
        return key;
    }

    public String client() {
        return client;
    }

    public Protocol protocol() {
        return protocol;
    }

    public long droppedFrames() {
        return dropped.get();
    }

    public long startedNanos() {
        return startedNanos;
    }

    @Override
    public Kind kind() {
        return Kind.PLAYER;
    }

    @Override
    public long bytesSent() {
        return bytesSent.get();
    }

    @Override
    public void join(List<MediaFrame> cached, boolean published) {
        lock.lock();
        try {
            for (MediaFrame frame : cached) {
                hasAudio |= frame.kind() == MediaFrame.Kind.AUDIO;
                hasVideo |= frame.kind() == MediaFrame.Kind.VIDEO;
                if (frame.kind() == MediaFrame.Kind.DATA) {
                    declared(frame);
                }
                if (frame.kind() == MediaFrame.Kind.VIDEO) {
                    videoSeen = true;
                    awaitingKeyframe &= !frame.keyframe();
                }
                add(frame);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the publisher's onMetaData declares: a viewer that joins before the first audio (or
     * video) frame must still announce it in the FLV header, or players ignore it when it comes.
     */
    private void declared(MediaFrame metadata) {
        try {
            Map<String, Object> m = Metadata.decodeOnMetaData(metadata.payload());
            hasAudio |= m.containsKey("audiocodecid");
            hasVideo |= m.containsKey("videocodecid");
        } catch (ProtocolException e) {
            // A publisher's unreadable metadata only costs the header its hint.
        }
    }

    /** Whether the stream had audio and video when this viewer joined, for the FLV header; both if it had neither yet. */
    FlvHeader.Flags tracksAtJoin() {
        lock.lock();
        try {
            return hasAudio || hasVideo ? new FlvHeader.Flags(hasAudio, hasVideo) : new FlvHeader.Flags(true, true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void offer(MediaFrame frame) {
        lock.lock();
        try {
            if (endReason != null) {
                return;
            }
            if (frame.config() || frame.kind() == MediaFrame.Kind.DATA) {
                add(frame);
                return;
            }
            boolean video = frame.kind() == MediaFrame.Kind.VIDEO;
            videoSeen |= video;
            if (video && awaitingKeyframe && !frame.keyframe()) {
                if (laggingSince != 0) {
                    drop();
                }
                return;
            }
            boolean fits = queuedBytes + frame.size() <= maxQueueBytes;
            // Audio goes on while video flows; it is dropped with video, or when it is all there is.
            boolean audioMayDrop = laggingSince != 0 || !videoSeen;
            if (!fits && (video || audioMayDrop)) {
                if (video) {
                    awaitingKeyframe = true;
                }
                drop();
                return;
            }
            if (video) {
                awaitingKeyframe = false;
            }
            if (video || !videoSeen) {
                laggingSince = 0;
            }
            add(frame);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onUnpublish() {
        end("the stream ended");
    }

    @Override
    public void notFound(String why) {
        end(why);
    }

    /** Ends the viewing: {@link #run} returns once what is queued is written. */
    public void end(String reason) {
        lock.lock();
        try {
            if (endReason == null) {
                endReason = reason;
            }
            wake();
        } finally {
            lock.unlock();
        }
    }

    /** How long the oldest frame now queued has waited, in milliseconds; 0 when the viewer keeps up. */
    public long lagMillis() {
        lock.lock();
        try {
            return queue.isEmpty() ? 0 : TimeUnit.NANOSECONDS.toMillis(clock.getAsLong() - oldestQueuedNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held. */
    private void add(MediaFrame frame) {
        if (queue.isEmpty()) {
            oldestQueuedNanos = clock.getAsLong();
        }
        queue.addLast(frame);
        queuedBytes += frame.size();
        urgentQueued |= frame.config() || frame.kind() == MediaFrame.Kind.DATA;
        if (!holding || urgentQueued) {
            wake();
        }
    }

    /** Wakes the writer, whether it waits for frames or sleeps out its write delay. Called with the lock held. */
    private void wake() {
        ready.signalAll();
        if (holding) {
            LockSupport.unpark(writer);
        }
    }

    /** Called with the lock held. */
    private void drop() {
        dropped.incrementAndGet();
        long now = clock.getAsLong();
        if (laggingSince == 0) {
            laggingSince = now == 0 ? 1 : now;
        } else if (now - laggingSince > maxLagNanos && endReason == null) {
            endReason = "too slow: behind for more than " + TimeUnit.NANOSECONDS.toSeconds(maxLagNanos) + " s";
            wake();
        }
    }

    /**
     * Writes the FLV header, then every frame as it comes, until the viewing ends or the output
     * fails; one {@link Output#write} per batch of frames queued meanwhile (or during the write delay).
     *
     * @return why it ended
     * @throws IOException if the output failed (the client went away)
     */
    public String run(Output out) throws IOException, InterruptedException {
        writer = Thread.currentThread();
        FlvHeader.Flags tracks = tracksAtJoin();
        byte[] start = FlvStreamBytes.start(tracks.audio(), tracks.video());
        out.write(start, start.length);
        bytesSent.addAndGet(start.length);
        boolean based = false;
        int base = 0;
        List<MediaFrame> batch = new ArrayList<>();
        while (true) {
            String ended = take(batch);
            long takenAt = clock.getAsLong();
            if (batch.isEmpty() && ended != null) {
                return ended;
            }
            if (!based) {
                base = firstMediaTimestamp(batch);
                based = true;
            }
            ByteBuffer borrowed = WRITE_BUFFERS.take();
            byte[] buffer = borrowed.array();
            int length = 0;
            boolean live = false;
            for (MediaFrame f : batch) {
                live |= !f.config() && f.kind() != MediaFrame.Kind.DATA;
                // Never an empty write: an empty chunk ends a chunked HTTP response.
                if (length > 0 && length + TAG_OVERHEAD + f.size() > buffer.length) {
                    out.write(buffer, length);
                    bytesSent.addAndGet(length);
                    length = 0;
                }
                int timestamp = f.timestamp() - base;
                int type = switch (f.kind()) {
                    case AUDIO -> FlvTag.AUDIO;
                    case VIDEO -> FlvTag.VIDEO;
                    case DATA -> FlvTag.SCRIPT;
                };
                FlvStreamBytes.tagHeader(buffer, length, type, Math.max(0, timestamp), f.size());
                length += FlvTag.HEADER_BYTES;
                if (length + f.size() + FlvTag.PREVIOUS_TAG_SIZE_BYTES > buffer.length) {
                    // A frame larger than the buffer (a keyframe, say) goes out from its own bytes.
                    out.write(buffer, length);
                    out.write(f.payload(), f.size());
                    bytesSent.addAndGet(length + f.size());
                    length = 0;
                } else {
                    System.arraycopy(f.payload(), 0, buffer, length, f.size());
                    length += f.size();
                }
                FlvStreamBytes.previousTagSize(buffer, length, f.size());
                length += FlvTag.PREVIOUS_TAG_SIZE_BYTES;
            }
            batch.clear();
            out.write(buffer, length);
            bytesSent.addAndGet(length);
            WRITE_BUFFERS.give(borrowed);
            if (live && writeDelayNanos > 0) {
                hold(TickTimer.nextTick(takenAt, writeDelayNanos));
            }
        }
    }

    /** The first audio or video frame's timestamp, which becomes 0; configuration before it is sent at 0. */
    private static int firstMediaTimestamp(List<MediaFrame> frames) {
        for (MediaFrame f : frames) {
            if (!f.config() && f.kind() != MediaFrame.Kind.DATA) {
                return f.timestamp();
            }
        }
        return frames.isEmpty() ? 0 : frames.getLast().timestamp();
    }

    /** Lets frames gather until {@code deadline}, unless one that may not wait comes, or the viewing ends. */
    private void hold(long deadline) throws InterruptedException {
        // Sleeps in the shared timer's list, not on the condition with a timeout: a virtual
        // thread's timed wait wakes the JDK's timer thread for each wait.
        try {
            while (true) {
                lock.lock();
                try {
                    if (endReason != null || urgentQueued || deadline - clock.getAsLong() <= 0) {
                        return;
                    }
                    holding = true;
                } finally {
                    lock.unlock();
                }
                TickTimer.shared().sleepUntil(this, deadline);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } finally {
            lock.lock();
            try {
                holding = false;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Moves what is queued into {@code batch}, waiting for something first; returns the end reason once ended. */
    private String take(List<MediaFrame> batch) throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && endReason == null) {
                ready.awaitNanos(IDLE_CHECK_NANOS);
            }
            batch.addAll(queue);
            queue.clear();
            queuedBytes = 0;
            urgentQueued = false;
            return endReason;
        } finally {
            lock.unlock();
        }
    }
}
