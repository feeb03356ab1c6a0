package dev.rtmpserver.relay;

import dev.rtmpserver.stream.MediaFrame;

import java.util.ArrayDeque;

/**
 * A push target's backlog, bounded in bytes. A frame that would overflow it is dropped, and so is
 * every video frame after it up to the next keyframe, since those could not be decoded without
 * it; metadata and sequence headers are never dropped. Not thread-safe: the target guards it.
 */
final class FrameQueue {
    private final long maxBytes;
    private final ArrayDeque<MediaFrame> frames = new ArrayDeque<>();
    private long bytes;
    private boolean awaitingKeyframe;
    private long dropped;

    FrameQueue(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("queue size must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** @return false if the frame was dropped */
    boolean offer(MediaFrame frame) {
        if (!frame.config()) {
            boolean video = frame.kind() == MediaFrame.Kind.VIDEO;
            if ((video && awaitingKeyframe && !frame.keyframe()) || bytes + frame.size() > maxBytes) {
                awaitingKeyframe |= video;
                dropped++;
                return false;
            }
            if (video) {
                awaitingKeyframe = false;
            }
        }
        frames.addLast(frame);
        bytes += frame.size();
        return true;
    }

    /** The oldest frame, or null if none is queued. */
    MediaFrame poll() {
        MediaFrame f = frames.pollFirst();
        if (f != null) {
            bytes -= f.size();
        }
        return f;
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    /** Frames dropped since the queue was made. */
    long dropped() {
        return dropped;
    }
}
