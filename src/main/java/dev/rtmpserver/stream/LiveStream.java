package dev.rtmpserver.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One live stream: at most one publisher, any number of sinks, and the configuration frames
 * (metadata and sequence headers) that a sink joining mid-stream needs before any media.
 *
 * <p>Frames are fanned out under {@link #lock}, so a joining sink sees the cached configuration and
 * then exactly the frames that follow it, in order. Holding the lock is cheap because
 * {@link Sink#offer} never blocks.
 */
public final class LiveStream {
    private final StreamKey key;

    /** Guards every field below, and the order in which sinks see frames. */
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Sink> sinks = new ArrayList<>();
    private Sink[] snapshot = new Sink[0];
    private Publisher publisher;
    private MediaFrame metadata;
    private MediaFrame videoConfig;
    private MediaFrame audioConfig;

    LiveStream(StreamKey key) {
        this.key = key;
    }

    public StreamKey key() {
        return key;
    }

    /** Delivers one frame of the current publisher to every sink, remembering configuration frames. */
    public void onFrame(MediaFrame frame) {
        lock.lock();
        try {
            if (frame.config()) {
                switch (frame.kind()) {
                    case DATA -> metadata = frame;
                    case VIDEO -> videoConfig = frame;
                    case AUDIO -> audioConfig = frame;
                }
            }
            for (Sink sink : snapshot) {
                sink.offer(frame);
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isPublished() {
        lock.lock();
        try {
            return publisher != null;
        } finally {
            lock.unlock();
        }
    }

    public int sinkCount() {
        lock.lock();
        try {
            return sinks.size();
        } finally {
            lock.unlock();
        }
    }

    /** Called by the registry only, inside its atomic update of this key. */
    Publisher publisher() {
        return publisher;
    }

    void attachPublisher(Publisher p) {
        lock.lock();
        try {
            publisher = p;
            // A new publisher may change codecs: never replay the old one's configuration.
            metadata = null;
            videoConfig = null;
            audioConfig = null;
            for (Sink sink : snapshot) {
                sink.onPublish();
            }
        } finally {
            lock.unlock();
        }
    }

    void detachPublisher() {
        lock.lock();
        try {
            publisher = null;
            for (Sink sink : snapshot) {
                sink.onUnpublish();
            }
        } finally {
            lock.unlock();
        }
    }

    void addSink(Sink sink) {
        lock.lock();
        try {
            for (MediaFrame cached : new MediaFrame[] {metadata, videoConfig, audioConfig}) {
                if (cached != null) {
                    sink.offer(cached);
                }
            }
            sinks.add(sink);
            snapshot = sinks.toArray(Sink[]::new);
        } finally {
            lock.unlock();
        }
    }

    void removeSink(Sink sink) {
        lock.lock();
        try {
            if (sinks.remove(sink)) {
                snapshot = sinks.toArray(Sink[]::new);
            }
        } finally {
            lock.unlock();
        }
    }

    /** True when nothing refers to the stream any more, so the registry may forget it. */
    boolean isIdle() {
        lock.lock();
        try {
            return publisher == null && sinks.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
