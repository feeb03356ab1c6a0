package dev.rtmpserver.session;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.StatusCode;
import org.tinylog.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One player's view of a live stream: it decides which frames enter the connection's outbound
 * queue, so one slow player only ever slows itself.
 *
 * <ul>
 *   <li>Metadata and sequence headers always go in.</li>
 *   <li>Video starts at a keyframe, because a decoder cannot use the frames before one.</li>
 *   <li>When the queue holds more live media than its byte or time limit, video is dropped until
 *       the next keyframe that fits; audio is dropped too, but only while video is being dropped
 *       (or if no video goes to this player), since audio alone is small and gaps in it are heard.</li>
 *   <li>A player that keeps losing frames for longer than the lag limit is disconnected.</li>
 *   <li>Live media may wait up to the application's write delay to go out with the frames after
 *       it, in one write; metadata, sequence headers and status messages do not wait.</li>
 * </ul>
 */
final class PlayerSink implements Sink {
    private final Outbound out;
    private final int streamId;
    private final StreamKey key;
    private final String player;
    private final long maxQueueBytes;
    private final long maxQueueNanos;
    private final long maxLagNanos;
    private final Runnable disconnect;
    private final LongAdder dropCounter;
    private final long writeDelayNanos;
    private final LongSupplier clock;

    private volatile boolean receiveAudio = true;
    private volatile boolean receiveVideo = true;
    private volatile boolean paused;

    // Touched only under the stream's lock, by the publishing or joining thread.
    private boolean awaitingKeyframe = true;
    private boolean videoSeen;
    /** {@link System#nanoTime()} when the current run of drops began; 0 while keeping up. */
    private long laggingSince;
    private long dropsThisRun;
    private boolean disconnecting;
    /** Since when nobody publishes the stream ({@link #clock} time); 0 while someone does. Read by the watchdog. */
    private volatile long waitingSince;
    private volatile boolean everPublished;
    /** Why nobody will publish the stream after all, or null: the watchdog then ends the play. */
    private volatile String notFound;

    private final AtomicLong droppedFrames = new AtomicLong();
    /** Bytes of this play the connection's writer has written. */
    private final LongAdder bytesSent = new LongAdder();

    /**
     * @param writeDelay how long live media may wait in the queue to be written with the media after
     *                   it (see {@link dev.rtmpserver.stream.StreamPolicy#playerWriteDelay})
     * @param disconnect closes the player's connection; must not block
     * @param clock      {@link System#nanoTime()}, or a test's clock
     */
    PlayerSink(Outbound out, int streamId, StreamKey key, String player, SessionConfig config, Duration writeDelay,
               LongAdder dropCounter, Runnable disconnect, LongSupplier clock) {
        this.clock = clock;
        this.writeDelayNanos = writeDelay.toNanos();
        this.dropCounter = dropCounter;
        this.out = out;
        this.streamId = streamId;
        this.key = key;
        this.player = player;
        this.maxQueueBytes = config.playerQueueBytes();
        this.maxQueueNanos = config.playerQueueWait().toNanos();
        this.maxLagNanos = config.playerMaxLag().toNanos();
        this.disconnect = disconnect;
    }

    StreamKey key() {
        return key;
    }

    long droppedFrames() {
        return droppedFrames.get();
    }

    @Override
    public Kind kind() {
        return Kind.PLAYER;
    }

    @Override
    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Since when the player has waited for a publisher ({@link System#nanoTime()}); 0 while one publishes. */
    long waitingSince() {
        return waitingSince;
    }

    /** Whether the stream has had a publisher since this player joined. */
    boolean everPublished() {
        return everPublished;
    }

    /** Why the stream will not be published after all, or null while it may be. */
    String notFound() {
        return notFound;
    }

    void receiveAudio(boolean on) {
        receiveAudio = on;
    }

    void receiveVideo(boolean on) {
        receiveVideo = on;
    }

    void pause(boolean on) {
        paused = on;
    }

    @Override
    public void join(List<MediaFrame> cached, boolean published) {
        everPublished = published;
        waitingSince = published ? 0 : nonZero(clock.getAsLong());
        for (MediaFrame frame : cached) {
            if (frame.kind() == MediaFrame.Kind.VIDEO) {
                videoSeen = true;
                if (frame.keyframe()) {
                    awaitingKeyframe = false;
                }
            }
            out.sendCached(streamId, frame, bytesSent);
        }
    }

    @Override
    public void offer(MediaFrame frame) {
        if (frame.config()) {
            out.sendCached(streamId, frame, bytesSent);
            return;
        }
        switch (frame.kind()) {
            case VIDEO -> offerVideo(frame);
            case AUDIO -> offerAudio(frame);
            case DATA -> {
                if (!paused) {
                    out.sendLive(streamId, frame, writeDelayNanos, bytesSent);
                }
            }
        }
    }

    private void offerVideo(MediaFrame frame) {
        videoSeen = true;
        if (!receiveVideo || paused) {
            awaitingKeyframe = true;
            return;
        }
        if (awaitingKeyframe && !frame.keyframe()) {
            if (laggingSince != 0) {
                dropped();
            }
            return;
        }
        if (!out.offerLive(streamId, frame, maxQueueBytes, maxQueueNanos, writeDelayNanos, bytesSent)) {
            awaitingKeyframe = true;
            dropped();
            return;
        }
        awaitingKeyframe = false;
        caughtUp();
    }

    private void offerAudio(MediaFrame frame) {
        if (!receiveAudio || paused) {
            return;
        }
        // Without video going to this player (the stream has none, or the player asked for none),
        // audio is all there is to drop; otherwise its queue would grow to the hard limit.
        boolean audioOnly = !videoSeen || !receiveVideo;
        boolean mayDrop = laggingSince != 0 || audioOnly;
        if (!mayDrop) {
            out.sendLive(streamId, frame, writeDelayNanos, bytesSent);
            return;
        }
        if (!out.offerLive(streamId, frame, maxQueueBytes, maxQueueNanos, writeDelayNanos, bytesSent)) {
            dropped();
            return;
        }
        if (audioOnly) {
            caughtUp();
        }
    }

    private void dropped() {
        droppedFrames.incrementAndGet();
        dropCounter.increment();
        dropsThisRun++;
        long now = nonZero(clock.getAsLong());
        if (laggingSince == 0) {
            laggingSince = now;
            Logger.info("{}: falling behind on {}, dropping frames until it catches up", player, key);
        } else if (now - laggingSince > maxLagNanos && !disconnecting) {
            disconnecting = true;
            Logger.warn("{}: behind on {} for more than {} s ({} frames dropped), disconnecting", player, key,
                    maxLagNanos / 1_000_000_000L, dropsThisRun);
            disconnect.run();
        }
    }

    private void caughtUp() {
        if (laggingSince != 0) {
            Logger.info("{}: caught up on {} after dropping {} frames", player, key, dropsThisRun);
            laggingSince = 0;
            dropsThisRun = 0;
        }
    }

    @Override
    public void onPublish() {
        everPublished = true;
        waitingSince = 0;
        awaitingKeyframe = true;
        // A new publisher starts with a clean slate: drops under the last one must not count
        // towards disconnecting this player for lagging.
        laggingSince = 0;
        dropsThisRun = 0;
        out.send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        out.send(Replies.onStatus(StatusCode.PLAY_PUBLISH_NOTIFY, key + " is now published"), streamId);
    }

    @Override
    public void onUnpublish() {
        waitingSince = nonZero(clock.getAsLong());
        out.send(Replies.onStatus(StatusCode.PLAY_UNPUBLISH_NOTIFY, key + " is now unpublished"), streamId);
        out.send(UserControl.of(UserControl.STREAM_EOF, streamId), 0);
    }

    @Override
    public void notFound(String why) {
        notFound = why;
    }

    /** 0 means "not waiting", so a clock reading of exactly 0 is moved by a nanosecond. */
    private static long nonZero(long time) {
        return time == 0 ? 1 : time;
    }
}
