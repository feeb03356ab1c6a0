package dev.rtmpserver.session;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.StatusCode;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One player's view of a live stream: it decides which frames enter the connection's outbound
 * queue. Configuration frames always go in. Video starts at a keyframe, because a decoder cannot
 * use the frames before one; and when the queue is over its limit, frames are dropped until the
 * next keyframe rather than queued, so one slow player only ever slows itself.
 */
final class PlayerSink implements Sink {
    private final Outbound out;
    private final int streamId;
    private final StreamKey key;
    private final long queueLimitBytes;

    private volatile boolean receiveAudio = true;
    private volatile boolean receiveVideo = true;
    private volatile boolean paused;

    /** Only the publishing thread touches this, under the stream's lock. */
    private boolean awaitingKeyframe = true;
    private final AtomicLong droppedFrames = new AtomicLong();

    PlayerSink(Outbound out, int streamId, StreamKey key, long queueLimitBytes) {
        this.out = out;
        this.streamId = streamId;
        this.key = key;
        this.queueLimitBytes = queueLimitBytes;
    }

    int streamId() {
        return streamId;
    }

    StreamKey key() {
        return key;
    }

    long droppedFrames() {
        return droppedFrames.get();
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
    public void offer(MediaFrame frame) {
        if (frame.config()) {
            out.sendMedia(streamId, frame);
            return;
        }
        switch (frame.kind()) {
            case VIDEO -> {
                if (!receiveVideo || paused) {
                    awaitingKeyframe = true;
                    return;
                }
                if (awaitingKeyframe && !frame.keyframe() || isBehind(frame)) {
                    awaitingKeyframe = true;
                    droppedFrames.incrementAndGet();
                    return;
                }
                awaitingKeyframe = false;
                out.sendMedia(streamId, frame);
            }
            case AUDIO -> {
                if (!receiveAudio || paused) {
                    return;
                }
                if (isBehind(frame)) {
                    droppedFrames.incrementAndGet();
                    return;
                }
                out.sendMedia(streamId, frame);
            }
            case DATA -> {
                if (!paused) {
                    out.sendMedia(streamId, frame);
                }
            }
        }
    }

    private boolean isBehind(MediaFrame frame) {
        return out.queuedMediaBytes() + frame.size() > queueLimitBytes;
    }

    @Override
    public void onPublish() {
        awaitingKeyframe = true;
        out.send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        out.send(Connection.onStatus(StatusCode.PLAY_PUBLISH_NOTIFY, key + " is now published"), streamId);
    }

    @Override
    public void onUnpublish() {
        out.send(Connection.onStatus(StatusCode.PLAY_UNPUBLISH_NOTIFY, key + " is now unpublished"), streamId);
        out.send(UserControl.of(UserControl.STREAM_EOF, streamId), 0);
    }
}
