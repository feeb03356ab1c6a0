package dev.rtmpserver.relay;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.TrackConfigs;
import org.tinylog.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * One stream pushed to one remote server: a {@link Sink} with its own bounded queue and virtual
 * thread, so a slow or unreachable target never holds up the publisher, the players or the other
 * targets. The thread connects, publishes and writes; when the connection fails it waits as
 * {@link Backoff} says and connects again, starting the new publish with the metadata, the
 * sequence headers and a keyframe, so the target can decode from its first frame.
 */
public final class PushTarget implements Sink {
    /** Several seconds of a high-bitrate stream: enough to ride out a short stall, bounded all the same. */
    static final long QUEUE_BYTES = 8L * 1024 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a stop waits for the writer to unpublish before cutting the connection: a target that
     * stopped reading would otherwise hold the writer in a blocked write for ever.
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Object END = new Object();
    private static final Object LOST = new Object();

    /** What a target is doing, as the API shows it. */
    public enum State {
        CONNECTING, PUBLISHING, WAITING, STOPPED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String id;
    private final StreamKey stream;
    private final PushUrl url;
    private final boolean insecure;
    private final String name;
    private final LongSupplier clock;
    private final DoubleSupplier random;
    private final Runnable onEnd;
    private final LongAdder droppedTotal;

    /**
     * Guards the queue, the configuration frames, the connection's state and the byte count; held
     * only for short bookkeeping, never across IO.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final FrameQueue queue = new FrameQueue(QUEUE_BYTES);
    private final TrackConfigs configs = new TrackConfigs();
    private MediaFrame metadata;
    /** While false, media is not queued: a new connection starts from the next keyframe anyway. */
    private boolean connected;
    private boolean stopping;
    /** The server ended the current connection; the writer, perhaps waiting for frames, must reconnect. */
    private boolean lost;

    private volatile State state = State.CONNECTING;
    private volatile String lastError;
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile long nextRetryNanos;
    /** What earlier connections sent; guarded by {@link #lock}. */
    private long bytesSentBefore;
    private volatile RtmpPublisher current;
    private volatile Thread thread;

    /**
     * @param clock  nanoseconds, for the next retry's time
     * @param random a number in [0, 1) for the backoff's jitter
     * @param onEnd  run on the target's thread once it has stopped
     * @param droppedTotal the server's count of frames push targets dropped
     */
    PushTarget(String id, StreamKey stream, PushUrl url, boolean insecure, LongSupplier clock, DoubleSupplier random,
               Runnable onEnd, LongAdder droppedTotal) {
        this.id = id;
        this.stream = stream;
        this.url = url;
        this.insecure = insecure;
        this.name = "push-" + id + "-" + stream;
        this.clock = clock;
        this.random = random;
        this.onEnd = onEnd;
        this.droppedTotal = droppedTotal;
    }

    void start() {
        thread = Threads.startVirtual(name, this::run);
    }

    public String id() {
        return id;
    }

    public StreamKey stream() {
        return stream;
    }

    public PushUrl url() {
        return url;
    }

    @Override
    public Kind kind() {
        return Kind.RELAY;
    }

    @Override
    public long bytesSent() {
        lock.lock();
        try {
            RtmpPublisher p = current;
            return bytesSentBefore + (p == null ? 0 : p.bytesSent());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void join(List<MediaFrame> cached, boolean published) {
        if (!published) {
            // The publisher left between the target's creation and its joining: nothing to push.
            stop();
            return;
        }
        cached.forEach(this::offer);
    }

    @Override
    public void offer(MediaFrame frame) {
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            if (frame.config()) {
                if (frame.kind() == MediaFrame.Kind.DATA) {
                    metadata = frame;
                } else {
                    configs.put(frame);
                }
            }
            if (connected) {
                long before = queue.dropped();
                queue.offer(frame);
                if (queue.dropped() != before) {
                    droppedTotal.increment();
                    if (before % 100 == 0) {
                        Logger.warn("{}: target not keeping up, {} frames dropped so far", name, before + 1);
                    }
                }
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onUnpublish() {
        stop();
    }

    /** Unpublishes from the target after what is queued, and ends the thread. Never blocks. */
    public void stop() {
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            stopping = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
        Thread writer = thread;
        if (writer != null) {
            Threads.startVirtual(name + "-stop", () -> cutIfStuck(writer));
        }
    }

    /** Waits up to {@code timeout} for the target's thread to end. @return whether it has */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        Thread writer = thread;
        return writer == null || writer.join(timeout);
    }

    private void cutIfStuck(Thread writer) {
        try {
            if (!writer.join(STOP_GRACE)) {
                RtmpPublisher p = current;
                if (p != null) {
                    Logger.info("{}: {} did not take the unpublish within {} s, cutting it off", name, url,
                            STOP_GRACE.toSeconds());
                    p.close();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            Logger.debug(e, "{}: closing a stuck push connection", name);
        }
    }

    /** What the API shows of this target. */
    public Status status() {
        long wait = state == State.WAITING ? Math.max(0, nextRetryNanos - clock.getAsLong()) / 1_000_000 : 0;
        long dropped;
        lock.lock();
        try {
            dropped = queue.dropped();
        } finally {
            lock.unlock();
        }
        return new Status(id, url.redacted(), state.label(), lastError, attempts.get(), wait, bytesSent(), dropped);
    }

    /**
     * @param nextRetryMs how long until the next connect attempt while waiting, otherwise 0
     */
    public record Status(String id, String url, String state, String lastError, int attempts, long nextRetryMs,
                         long bytesSent, long droppedFrames) {
    }

    private void run() {
        int failures = 0;
        try {
            while (!isStopping()) {
                state = State.CONNECTING;
                attempts.incrementAndGet();
                try {
                    publishUntilEnd();
                    return;
                } catch (IOException e) {
                    lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    // A connection that got as far as publishing starts the schedule again.
                    failures = state == State.PUBLISHING ? 1 : failures + 1;
                    Logger.info("{}: {} failed: {}", name, url, lastError);
                }
                Duration delay = Backoff.delay(failures, random);
                nextRetryNanos = clock.getAsLong() + delay.toNanos();
                state = State.WAITING;
                awaitStopOrTimeout(delay);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            state = State.STOPPED;
            onEnd.run();
        }
    }

    private void publishUntilEnd() throws IOException, InterruptedException {
        RtmpPublisher p = RtmpPublisher.open(url, insecure, TIMEOUT, name + "-reader", this::lost);
        try {
            Headers headers = connected(p);
            state = State.PUBLISHING;
            lastError = null;
            Logger.info("{}: publishing to {}", name, url);
            stream(p, headers);
            p.unpublish();
            p.flush();
            Logger.info("{}: unpublished from {}", name, url);
        } catch (IOException e) {
            String endedBy = p.endedBy();
            throw endedBy == null ? e : new IOException(endedBy, e);
        } finally {
            disconnected(p);
            p.close();
        }
    }

    /** What a new publish begins with; owned by the writer thread. */
    private static final class Headers {
        MediaFrame metadata;
        final TrackConfigs configs = new TrackConfigs();

        void put(MediaFrame config) {
            if (config.kind() == MediaFrame.Kind.DATA) {
                metadata = config;
            } else {
                configs.put(config);
            }
        }

        List<MediaFrame> frames() {
            List<MediaFrame> frames = new ArrayList<>();
            if (metadata != null) {
                frames.add(metadata);
            }
            frames.addAll(configs.frames());
            return frames;
        }

        boolean video() {
            return configs.main(MediaFrame.Kind.VIDEO) != null;
        }
    }

    /** Starts queueing media, and returns the headers a new publish begins with. */
    private Headers connected(RtmpPublisher p) {
        lock.lock();
        try {
            connected = true;
            current = p;
            // A reader that ended before this was taken for an older connection's end by lost().
            lost = p.readerEnded();
            Headers headers = new Headers();
            if (metadata != null) {
                headers.put(metadata);
            }
            configs.frames().forEach(headers::put);
            return headers;
        } finally {
            lock.unlock();
        }
    }

    /** Ignores the end of a connection the writer already left: it may come after the next one began. */
    @SuppressWarnings("ReferenceEquality") // one publisher per connection
    private void lost(RtmpPublisher ended) {
        lock.lock();
        try {
            lost |= ended == current;
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    private void disconnected(RtmpPublisher p) {
        lock.lock();
        try {
            // Together, so that the stream's count of bytes sent never dips.
            bytesSentBefore += p.bytesSent();
            current = null;
            connected = false;
            while (queue.poll() != null) {
                // What was queued for the lost connection is stale by the time another one is up.
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes queued frames until the publisher leaves. The first frame written is a keyframe (or,
     * for audio only, any frame), preceded by the headers at its timestamp; timestamps never go
     * back within one publish.
     */
    private void stream(RtmpPublisher p, Headers headers) throws IOException, InterruptedException {
        boolean started = false;
        int last = 0;
        while (true) {
            Object item = take();
            if (item == END) {
                return;
            }
            if (item == LOST) {
                throw new IOException(p.endedBy() != null ? p.endedBy() : "the connection ended");
            }
            MediaFrame frame = (MediaFrame) item;
            if (!started) {
                if (frame.config()) {
                    headers.put(frame);
                    continue;
                }
                if (headers.video() && !frame.keyframe()) {
                    continue;
                }
                for (MediaFrame h : headers.frames()) {
                    p.write(h, frame.timestamp());
                }
                started = true;
                last = frame.timestamp();
            }
            if (Integer.compareUnsigned(frame.timestamp(), last) > 0) {
                last = frame.timestamp();
            }
            p.write(frame, last);
            if (queueEmpty()) {
                p.flush();
            }
        }
    }

    private Object take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !stopping && !lost) {
                ready.await();
            }
            if (lost) {
                return LOST;
            }
            MediaFrame f = queue.poll();
            return f != null ? f : END;
        } finally {
            lock.unlock();
        }
    }

    private boolean queueEmpty() {
        lock.lock();
        try {
            return queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    private boolean isStopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    private void awaitStopOrTimeout(Duration delay) throws InterruptedException {
        lock.lock();
        try {
            long nanos = delay.toNanos();
            while (!stopping && nanos > 0) {
                nanos = ready.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
