package dev.rtmpserver.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One live stream: at most one publisher, any number of sinks, the configuration frames (metadata
 * and sequence headers) and, when the policy says so, the frames since the latest keyframe, which a
 * sink joining mid-stream gets before anything else.
 *
 * <p>Frames are fanned out under {@link #lock}, so a joining sink sees the cached frames and then
 * exactly the frames that follow them, in order. Holding the lock is cheap because
 * {@link Sink#offer} never blocks.
 *
 * <p>The stream has one timeline across publishers: when a publisher reconnects or another takes
 * the key over, its timestamps are shifted to continue after the last frame delivered, so players
 * that stayed attached never see time go backwards.
 */
public final class LiveStream {
    /** The gap put between the last frame of one publisher and the first of the next. */
    private static final int CONTINUITY_GAP_MS = 20;

    private final StreamKey key;
    private final StreamPolicy policy;

    /**
     * Guards every field below, and the order in which sinks see frames. The registry holds it too
     * while it changes who publishes or plays this stream, so those changes on one stream never
     * wait for another stream's fan-out.
     */
    final ReentrantLock lock = new ReentrantLock();
    /** The registry has removed this stream from its map: whoever finds it must look the key up again. */
    boolean retired;
    private final List<Sink> sinks = new ArrayList<>();
    /**
     * {@link #sinks} as an array to offer frames from, since a sink may leave from within an offer;
     * null when stale. Rebuilt on the next frame rather than on every join, or an audience of N
     * joining before a show would copy the list N times.
     */
    private Sink[] snapshot;
    private Publisher publisher;
    /** What the sinks that left had sent, so that the stream's count never goes back when one leaves. */
    private long departedBytesSent;
    /**
     * The publisher left (its connection died, or it unpublished cleanly and the unpublish grace
     * runs); its players have not been told yet and a republish continues their stream.
     */
    private boolean orphaned;
    /** Tells one orphaning from the next, so a late grace expiry cannot end a newer one. */
    private long orphanEpoch;

    private MediaFrame metadata;
    private final TrackConfigs configs = new TrackConfigs();
    private final ArrayDeque<MediaFrame> gop = new ArrayDeque<>();
    private long gopBytes;
    private boolean gopValid;

    private final StreamStats stats = new StreamStats();
    private boolean delivered;
    private int lastTimestamp;
    private int timestampShift;
    private boolean shiftOnNextFrame;

    LiveStream(StreamKey key, StreamPolicy policy) {
        this.key = key;
        this.policy = policy;
    }

    public StreamKey key() {
        return key;
    }

    public StreamPolicy policy() {
        return policy;
    }

    /**
     * Delivers one frame to every sink, remembering what joiners need. Frames from anyone but the
     * current publisher (an evicted one still draining its socket) are ignored.
     */
    @SuppressWarnings("ReferenceEquality") // publishers are compared by identity (see Publisher)
    public void onFrame(Publisher source, MediaFrame frame) {
        lock.lock();
        try {
            if (source != publisher) {
                return;
            }
            frame = onTimeline(frame);
            stats.onFrame(frame);
            if (frame.config()) {
                if (frame.kind() == MediaFrame.Kind.DATA) {
                    metadata = frame;
                } else {
                    configs.put(frame);
                }
            } else if (policy.gopCache()) {
                cacheInGop(frame);
            }
            for (Sink sink : sinksToOffer()) {
                sink.offer(frame);
            }
        } finally {
            lock.unlock();
        }
    }

    private MediaFrame onTimeline(MediaFrame frame) {
        if (shiftOnNextFrame) {
            shiftOnNextFrame = false;
            timestampShift = delivered ? lastTimestamp + CONTINUITY_GAP_MS - frame.timestamp() : 0;
        }
        if (timestampShift != 0) {
            frame = frame.withTimestamp(frame.timestamp() + timestampShift);
        }
        // Compared as a difference so that the 32-bit wrap-around of RTMP time is handled.
        if (!delivered || frame.timestamp() - lastTimestamp > 0) {
            lastTimestamp = frame.timestamp();
        }
        delivered = true;
        return frame;
    }

    private void cacheInGop(MediaFrame frame) {
        if (frame.kind() == MediaFrame.Kind.VIDEO && frame.keyframe()) {
            gop.clear();
            gopBytes = 0;
            gopValid = true;
        } else if (!gopValid || frame.kind() == MediaFrame.Kind.DATA) {
            return;
        }
        long length = gop.isEmpty() ? 0 : frame.timestamp() - gop.peekFirst().timestamp();
        if (gopBytes + frame.size() > policy.gopCacheBytes() || length > policy.gopCacheLength().toMillis()) {
            // A partial group of pictures is useless to a decoder: cache nothing until the next keyframe.
            clearGop();
            return;
        }
        gop.addLast(frame);
        gopBytes += frame.size();
    }

    private void clearGop() {
        gop.clear();
        gopBytes = 0;
        gopValid = false;
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

    /** RTMP players and browser viewers attached, waiting or watching. */
    public int playerCount() {
        lock.lock();
        try {
            int players = 0;
            for (Sink sink : sinks) {
                if (sink.kind() == Sink.Kind.PLAYER) {
                    players++;
                }
            }
            return players;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the once-a-second sample behind the bitrate and frame rate figures. */
    public void sample(long nowNanos) {
        lock.lock();
        try {
            stats.sample(nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** What the API and metrics show of this stream, taken in one consistent moment. */
    public View view() {
        lock.lock();
        try {
            int players = 0;
            int recorders = 0;
            long bytesSent = departedBytesSent;
            for (Sink sink : sinks) {
                switch (sink.kind()) {
                    case PLAYER -> players++;
                    case RECORDER -> recorders++;
                    case PACKAGER, RELAY -> { }
                }
                bytesSent += sink.bytesSent();
            }
            return new View(key, publisher == null ? null : publisher.describe(), orphaned, players, recorders,
                    bytesSent, configs.tracks(MediaFrame.Kind.VIDEO), configs.tracks(MediaFrame.Kind.AUDIO),
                    stats.snapshot());
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param publisher    the publisher's description, or null while nobody publishes
     * @param reconnecting the publisher's connection died and the grace period runs
     * @param players      RTMP players attached
     * @param recorders    recorders attached
     * @param bytesSent    bytes of this stream sent to players so far, those that left included
     * @param videoTracks  the current sequence header of each video track, by track id
     * @param audioTracks  the current sequence header of each audio track, by track id
     */
    public record View(StreamKey key, String publisher, boolean reconnecting, int players, int recorders,
                       long bytesSent, List<TrackConfigs.TrackConfig> videoTracks,
                       List<TrackConfigs.TrackConfig> audioTracks, StreamStats.Snapshot stats) {
        /** The main video track's sequence header payload, or null. */
        public byte[] videoConfig() {
            return videoTracks.isEmpty() ? null : videoTracks.get(0).payload();
        }

        /** The main audio track's sequence header payload, or null. */
        public byte[] audioConfig() {
            return audioTracks.isEmpty() ? null : audioTracks.get(0).payload();
        }
    }

    /** Bytes of media held for joiners, for memory accounting. */
    public long cachedBytes() {
        lock.lock();
        try {
            return gopBytes;
        } finally {
            lock.unlock();
        }
    }

    // The methods below are called by the registry only, inside its atomic update of this key.

    Publisher publisher() {
        lock.lock();
        try {
            return publisher;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes {@code p} the publisher. Sinks that were waiting are told a stream started; sinks of a
     * publisher that died or was taken over just carry on, on the same timeline.
     */
    void attachPublisher(Publisher p, boolean continuing) {
        lock.lock();
        try {
            publisher = p;
            orphaned = false;
            if (!continuing) {
                stats.onPublish(System.currentTimeMillis());
            }
            // A new publisher may change codecs: never replay the previous one's configuration.
            metadata = null;
            configs.clear();
            clearGop();
            shiftOnNextFrame = true;
            if (!continuing) {
                for (Sink sink : sinksToOffer()) {
                    sink.onPublish();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A clean unpublish: sinks are told at once. */
    void detachPublisher() {
        lock.lock();
        try {
            publisher = null;
            orphaned = false;
            for (Sink sink : sinksToOffer()) {
                sink.onUnpublish();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The publisher left for a grace period; returns the epoch a later {@link #expireGrace} must match. */
    long orphan() {
        lock.lock();
        try {
            publisher = null;
            orphaned = true;
            return ++orphanEpoch;
        } finally {
            lock.unlock();
        }
    }

    /** The grace period of orphaning {@code epoch} is over: if nobody republished, sinks are told. */
    void expireGrace(long epoch) {
        lock.lock();
        try {
            if (orphaned && orphanEpoch == epoch) {
                detachPublisher();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isOrphaned() {
        lock.lock();
        try {
            return orphaned;
        } finally {
            lock.unlock();
        }
    }

    void addSink(Sink sink) {
        lock.lock();
        try {
            List<MediaFrame> cached = new ArrayList<>(3 + gop.size());
            if (metadata != null) {
                cached.add(metadata);
            }
            cached.addAll(configs.frames());
            cached.addAll(gop);
            sink.join(cached, publisher != null || orphaned);
            sinks.add(sink);
            snapshot = null;
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held. */
    private Sink[] sinksToOffer() {
        if (snapshot == null) {
            snapshot = sinks.toArray(Sink[]::new);
        }
        return snapshot;
    }

    /** @return whether the sink was attached */
    boolean removeSink(Sink sink) {
        lock.lock();
        try {
            if (sinks.remove(sink)) {
                snapshot = null;
                departedBytesSent += sink.bytesSent();
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** See {@link StreamRegistry#notFound}. */
    void notFound(String why) {
        lock.lock();
        try {
            if (publisher != null) {
                return;
            }
            if (orphaned) {
                detachPublisher();
            }
            for (Sink sink : sinksToOffer()) {
                sink.notFound(why);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Someone publishes, or a grace period for a returning publisher runs: counts against the stream limit. */
    public boolean isActive() {
        lock.lock();
        try {
            return publisher != null || orphaned;
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
