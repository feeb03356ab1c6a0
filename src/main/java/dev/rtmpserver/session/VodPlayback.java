package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.flv.FlvHeader;
import dev.rtmpserver.wire.flv.FlvReader;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.KeyframeIndex;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.StatusCode;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Plays one recording to one player on a virtual thread of its own: paced in real time, with
 * seek and pause, ending with {@code NetStream.Play.Stop} and Stream EOF.
 */
final class VodPlayback {
    /** How far ahead of real time tags are sent, so the player's buffer never runs dry. */
    private static final long LEAD_NANOS = 1_000_000_000L;
    /**
     * Past this much waiting to be sent, playback waits for the player to read: a slow player is
     * slowed, never disconnected, and the queue's hard limit is never approached.
     */
    private static final long MAX_QUEUED_BYTES = 1024 * 1024;
    /** How often playback looks again at a full queue. */
    private static final long QUEUE_POLL_NANOS = 5_000_000L;

    private final Outbound out;
    private final int streamId;
    private final Path file;
    private final String name;
    private final String player;
    /** What the player can take: a recording in a codec it cannot parse fails the play instead. */
    private final ClientCodecs codecs;

    /** Guards the requests below, which the connection's reading thread makes. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int seekTo = -1;
    private boolean paused;
    private boolean stopped;

    VodPlayback(Outbound out, int streamId, Path file, String name, String player, ClientCodecs codecs) {
        this.codecs = codecs;
        this.out = out;
        this.streamId = streamId;
        this.file = file;
        this.name = name;
        this.player = player;
    }

    void start(int startMillis, String threadName) {
        seekTo = Math.max(0, startMillis);
        Threads.startVirtual(threadName, this::run);
    }

    void seek(int millis) {
        lock.lock();
        try {
            seekTo = Math.max(0, millis);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    void pause(boolean on) {
        lock.lock();
        try {
            paused = on;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    String name() {
        return name;
    }

    private void run() {
        try (FileChannel channel = FileChannel.open(file)) {
            KeyframeIndex index = KeyframeIndex.scan(channel);
            FlvReader reader = FlvReader.open(channel);
            play(index, reader);
        } catch (IOException e) {
            Logger.warn("{}: playback of {} failed: {}", player, name, e.getMessage());
            out.send(Replies.onStatus(StatusCode.PLAY_FAILED, "cannot play " + name), streamId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            Logger.error(e, "{}: playback of {} failed", player, name);
            out.send(Replies.onStatus(StatusCode.PLAY_FAILED, "cannot play " + name + ": internal error"), streamId);
        }
    }

    private void play(KeyframeIndex index, FlvReader reader) throws IOException, InterruptedException {
        int firstTimestamp = 0;
        long firstDue = 0;
        boolean fresh = true;
        while (true) {
            int seek;
            lock.lock();
            try {
                while (paused && !stopped && seekTo < 0) {
                    changed.await();
                }
                if (stopped) {
                    return;
                }
                seek = seekTo;
                seekTo = -1;
            } finally {
                lock.unlock();
            }
            if (seek >= 0) {
                int at = position(index, reader, seek, fresh);
                fresh = false;
                firstTimestamp = at;
                firstDue = System.nanoTime();
            }
            FlvTag tag = reader.next();
            if (tag == null) {
                end();
                return;
            }
            if (tag.type() == FlvTag.SCRIPT) {
                continue;
            }
            long due = firstDue + (tag.timestamp() - firstTimestamp) * 1_000_000L - LEAD_NANOS;
            long pausedAt = System.nanoTime();
            if (!waitUntil(due)) {
                // Paused or asked to seek while waiting: a pause shifts the timeline by its length.
                lock.lock();
                try {
                    while (paused && !stopped && seekTo < 0) {
                        changed.await();
                    }
                } finally {
                    lock.unlock();
                }
                firstDue += System.nanoTime() - pausedAt;
                if (seekToPending()) {
                    continue;
                }
            }
            if (!awaitRoomInQueue()) {
                continue;
            }
            send(tag);
        }
    }

    /**
     * Waits until the player has read enough of what is queued; false if a pause, seek or stop
     * came first (the tag is then sent, or not, after it).
     */
    private boolean awaitRoomInQueue() throws InterruptedException {
        while (out.queuedBytes() > MAX_QUEUED_BYTES) {
            lock.lock();
            try {
                if (stopped || seekTo >= 0) {
                    return false;
                }
                changed.awaitNanos(QUEUE_POLL_NANOS);
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    /** Sends metadata and the sequence headers in force, then moves to the keyframe at or before {@code millis}. */
    private int position(KeyframeIndex index, FlvReader reader, int millis, boolean fresh) throws IOException {
        KeyframeIndex.Entry entry = index.floor(millis);
        if (fresh) {
            out.send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
            out.send(Replies.onStatus(StatusCode.PLAY_RESET, "playing and resetting " + name), streamId);
        } else {
            out.send(Replies.onStatus(StatusCode.SEEK_NOTIFY, "seeking " + name + " to " + millis + " ms"),
                    streamId);
        }
        out.send(Replies.onStatus(StatusCode.PLAY_START, "started playing " + name), streamId);
        out.send(new Data(List.of("|RtmpSampleAccess", true, true)), streamId);
        List<Long> headers = new ArrayList<>();
        headers.add(index.metadata());
        if (entry != null) {
            headers.addAll(entry.sequenceHeaders());
        }
        for (long at : headers) {
            if (at != KeyframeIndex.NONE) {
                reader.seek(at);
                FlvTag header = reader.next();
                if (header != null) {
                    send(new FlvTag(header.type(), entry == null ? 0 : entry.timestamp(), header.payload()));
                }
            }
        }
        if (entry == null) {
            reader.seek(index.metadata() != KeyframeIndex.NONE ? index.metadata() : FlvHeader.FIRST_TAG_POSITION);
            return 0;
        }
        reader.seek(entry.position());
        return entry.timestamp();
    }

    private void send(FlvTag tag) {
        MediaFrame frame = switch (tag.type()) {
            case FlvTag.AUDIO -> MediaFrame.audio(tag.timestamp(), tag.payload());
            case FlvTag.VIDEO -> MediaFrame.video(tag.timestamp(), tag.payload());
            default -> MediaFrame.data(tag.timestamp(), tag.payload());
        };
        switch (codecs.fit(frame)) {
            case SEND -> out.sendCached(streamId, frame, null);
            case SKIP -> { }
            case REFUSE -> refuse(frame);
        }
    }

    private void refuse(MediaFrame frame) {
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
        } finally {
            lock.unlock();
        }
        String why = CodecGate.refusal(codecs, frame);
        Logger.info("{}: playback of {} failed: {}", player, name, why);
        out.send(Replies.onStatus(StatusCode.PLAY_FAILED, why), streamId);
        out.send(UserControl.of(UserControl.STREAM_EOF, streamId), 0);
    }

    /** Waits until {@code due}; false if a pause, seek or stop came first. */
    private boolean waitUntil(long due) throws InterruptedException {
        lock.lock();
        try {
            while (!paused && !stopped && seekTo < 0) {
                long left = due - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                changed.awaitNanos(left);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private boolean seekToPending() {
        lock.lock();
        try {
            return seekTo >= 0 || stopped;
        } finally {
            lock.unlock();
        }
    }

    private void end() {
        out.send(Replies.onStatus(StatusCode.PLAY_STOP, "stopped playing " + name), streamId);
        out.send(new Data(List.of("onPlayStatus", StatusCode.PLAY_COMPLETE.info("finished " + name))), streamId);
        out.send(UserControl.of(UserControl.STREAM_EOF, streamId), 0);
        Logger.info("{}: finished playing {}", player, name);
    }
}
