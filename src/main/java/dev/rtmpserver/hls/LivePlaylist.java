package dev.rtmpserver.hls;

import dev.rtmpserver.concurrent.TickTimer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The parts and segments of one stream's LL-HLS rendition, kept in memory: written by the
 * stream's {@link Segmenter} on the publisher's thread, read by HTTP requests, which may wait here
 * for a part or segment that is about to exist (blocking playlist reload, preload hints).
 *
 * <p>URIs hold a session id that is new for each publish and never reused, so every URI always
 * names the same bytes and any cache may keep them for good.
 */
final class LivePlaylist {
    /** What is kept: the listed window, and a little more for players a reload behind. */
    private final int windowSegments;
    private final String session;
    private final double partTarget;

    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Requests waiting for a segment or part, woken by every change. They sleep in the shared
     * {@link TickTimer} rather than on a condition with a timeout: on a virtual thread each timed
     * wait wakes the JDK's timer thread, and LL-HLS viewers make thousands a second. Guarded by lock.
     */
    private final Set<Thread> waiting = new HashSet<>();
    /** Blocking requests' timeouts are rounded up to a multiple of this. */
    private static final long TIMEOUT_TICK_NANOS = 100_000_000L;
    /** The rendered playlist, without and with a delta update, until the next change; guarded by lock. */
    private final byte[][] rendered = new byte[2][];
    // Guarded by lock.
    private final List<byte[]> inits = new ArrayList<>();
    private String codecs;
    private String resolution;
    private final ArrayDeque<Seg> segments = new ArrayDeque<>();
    private Seg building;
    private long nextMsn;
    private boolean nextDiscontinuity;
    private long droppedDiscontinuities;
    private int targetDuration = 1;
    private boolean ended;
    private long bytesPerSecond;

    private static final class Seg {
        final long msn;
        final int init;
        final boolean discontinuity;
        final List<byte[]> parts = new ArrayList<>();
        final List<Double> durations = new ArrayList<>();
        final List<Boolean> independent = new ArrayList<>();
        double duration;
        boolean complete;

        Seg(long msn, int init, boolean discontinuity) {
            this.msn = msn;
            this.init = init;
            this.discontinuity = discontinuity;
        }

        long bytes() {
            long n = 0;
            for (byte[] p : parts) {
                n += p.length;
            }
            return n;
        }
    }

    /**
     * @param session    this publish's id, in every URI
     * @param partTarget the longest a part may last, in seconds (EXT-X-PART-INF)
     */
    LivePlaylist(String session, double partTarget, int windowSegments) {
        this.session = session;
        this.partTarget = partTarget;
        this.windowSegments = windowSegments;
    }

    String session() {
        return session;
    }

    // Writer side, on the publisher's thread.

    /** A new init section (codecs); segments from the next one on use it, after a discontinuity if one came before. */
    void init(byte[] bytes, String codecList, String size) {
        lock.lock();
        try {
            if (!inits.isEmpty()) {
                nextDiscontinuity = true;
            }
            inits.add(bytes);
            codecs = codecList;
            resolution = size;
            modified();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A part of the segment being built (one is opened if none is), and with {@code endsSegment}
     * its last: the part and the segment's end are one change, so no reader is ever shown a hint
     * for a part after it, which would never come.
     */
    void part(byte[] bytes, double duration, boolean independent, boolean endsSegment) {
        lock.lock();
        try {
            if (building == null) {
                building = new Seg(nextMsn++, inits.size() - 1, nextDiscontinuity);
                nextDiscontinuity = false;
            }
            building.parts.add(bytes);
            building.durations.add(duration);
            building.independent.add(independent);
            building.duration += duration;
            if (endsSegment) {
                complete();
            }
            modified();
        } finally {
            lock.unlock();
        }
    }

    /** The segment being built is complete. */
    void endSegment() {
        lock.lock();
        try {
            if (building != null) {
                complete();
                modified();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held and a segment being built. */
    private void complete() {
        building.complete = true;
        targetDuration = Math.max(targetDuration, (int) Math.ceil(building.duration - 1e-6));
        if (building.duration > 0) {
            bytesPerSecond = Math.max(bytesPerSecond, (long) (building.bytes() / building.duration));
        }
        segments.addLast(building);
        building = null;
        while (segments.size() > windowSegments) {
            if (segments.removeFirst().discontinuity) {
                droppedDiscontinuities++;
            }
        }
    }

    /** The timeline breaks here (a new publisher): the next segment starts with EXT-X-DISCONTINUITY. */
    void discontinuity() {
        lock.lock();
        try {
            nextDiscontinuity = true;
            modified();
        } finally {
            lock.unlock();
        }
    }

    /** The stream ended: EXT-X-ENDLIST, and every waiting request answers now. */
    void end() {
        lock.lock();
        try {
            ended = true;
            modified();
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held after any change: wakes waiting readers, and the next reader renders anew. */
    private void modified() {
        rendered[0] = null;
        rendered[1] = null;
        for (Thread t : waiting) {
            LockSupport.unpark(t);
        }
        waiting.clear();
    }

    // Reader side, on HTTP request threads.

    /**
     * The media playlist as it is now, encoded. Every viewer asks for the playlist after each part,
     * mostly woken by the same part: they share one rendering until the playlist changes again.
     * The array is shared; callers only write it out.
     */
    byte[] bytes(boolean skip) {
        lock.lock();
        try {
            int i = skip ? 1 : 0;
            if (rendered[i] == null) {
                rendered[i] = render(skip).getBytes(StandardCharsets.UTF_8);
            }
            return rendered[i];
        } finally {
            lock.unlock();
        }
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** Whether players can start: an init section and a complete segment exist. */
    boolean ready() {
        lock.lock();
        try {
            return !inits.isEmpty() && !segments.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The multivariant playlist's figures: CODECS, RESOLUTION (or null) and peak bytes per second. */
    record Variant(String codecs, String resolution, long bandwidth) {
    }

    Variant variant() {
        lock.lock();
        try {
            return new Variant(codecs, resolution, bytesPerSecond * 8);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until segment {@code msn} is complete, or part {@code part} of it exists (part -1:
     * the whole segment), or the stream ended, or {@code timeoutNanos} passed.
     *
     * @return whether it exists now
     */
    boolean await(long msn, int part, long timeoutNanos) throws InterruptedException {
        // Rounded up to a tick: the timer then wakes once per tick for every timeout due in it.
        long deadline = TickTimer.nextTick(System.nanoTime() + timeoutNanos, TIMEOUT_TICK_NANOS);
        Thread self = Thread.currentThread();
        lock.lock();
        try {
            while (!has(msn, part)) {
                if (ended || deadline - System.nanoTime() <= 0) {
                    return false;
                }
                waiting.add(self);
                lock.unlock();
                try {
                    TickTimer.shared().sleepUntil(this, deadline);
                } finally {
                    lock.lock();
                    waiting.remove(self);
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called with the lock held. A segment that already left the window counts as there, so a
     * request for it answers at once (with 404 for the bytes).
     */
    private boolean has(long msn, int part) {
        Seg s = find(msn);
        if (s == null) {
            return !segments.isEmpty() && msn < segments.getFirst().msn;
        }
        return s.complete || (part >= 0 && part < s.parts.size());
    }

    /** Called with the lock held. */
    private Seg find(long msn) {
        if (building != null && building.msn == msn) {
            return building;
        }
        for (Seg s : segments) {
            if (s.msn == msn) {
                return s;
            }
        }
        return null;
    }

    /** How far a blocking request may look ahead: the segment being built, or the next. */
    boolean isNearFuture(long msn) {
        lock.lock();
        try {
            return msn <= nextMsn + 1;
        } finally {
            lock.unlock();
        }
    }

    /** The bytes of a part, or null if it does not exist (any more). */
    byte[] part(long msn, int index) {
        lock.lock();
        try {
            Seg s = find(msn);
            return s == null || index < 0 || index >= s.parts.size() ? null : s.parts.get(index);
        } finally {
            lock.unlock();
        }
    }

    /** The parts of a complete segment, which together are the segment, or null. */
    List<byte[]> segment(long msn) {
        lock.lock();
        try {
            Seg s = find(msn);
            return s == null || !s.complete ? null : List.copyOf(s.parts);
        } finally {
            lock.unlock();
        }
    }

    byte[] init(int version) {
        lock.lock();
        try {
            return version >= 0 && version < inits.size() ? inits.get(version) : null;
        } finally {
            lock.unlock();
        }
    }

    /** The media playlist as it is now. */
    String render(boolean skip) {
        lock.lock();
        try {
            List<MediaPlaylist.Segment> list = new ArrayList<>();
            for (Seg s : segments) {
                list.add(view(s));
            }
            String hint = null;
            if (building != null) {
                list.add(view(building));
                hint = partUri(building.msn, building.parts.size());
            } else if (!ended) {
                hint = partUri(nextMsn, 0);
            }
            double longestPart = partTarget;
            for (MediaPlaylist.Segment s : list) {
                for (MediaPlaylist.Part p : s.parts()) {
                    longestPart = Math.max(longestPart, p.duration());
                }
            }
            return MediaPlaylist.render(new MediaPlaylist.Window(targetDuration, longestPart, list,
                    ended ? null : hint, ended, droppedDiscontinuities), skip);
        } finally {
            lock.unlock();
        }
    }

    private MediaPlaylist.Segment view(Seg s) {
        List<MediaPlaylist.Part> parts = new ArrayList<>();
        for (int i = 0; i < s.parts.size(); i++) {
            parts.add(new MediaPlaylist.Part(s.durations.get(i), s.independent.get(i), partUri(s.msn, i)));
        }
        return new MediaPlaylist.Segment(s.msn, s.duration, s.complete ? session + "/seg" + s.msn + ".m4s" : null,
                parts, s.discontinuity, session + "/init" + s.init + ".mp4");
    }

    private String partUri(long msn, int index) {
        return session + "/part" + msn + "." + index + ".m4s";
    }

    /** How long a blocking request may wait: three target durations, as Apple's spec allows. */
    long blockingTimeoutNanos() {
        lock.lock();
        try {
            return TimeUnit.SECONDS.toNanos(3L * targetDuration);
        } finally {
            lock.unlock();
        }
    }
}
