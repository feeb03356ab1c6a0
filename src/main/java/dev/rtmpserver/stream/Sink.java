package dev.rtmpserver.stream;

import java.util.List;

/**
 * Something a live stream delivers frames to: an RTMP player, a recorder, a push relay.
 * Every method is called on the publisher's thread (or a joining thread) under the stream's lock,
 * so none may block: a sink queues the work for its own thread and decides itself what to drop
 * when it falls behind.
 */
public interface Sink {

    /**
     * What a sink is: the API and metrics count players apart from recorders, and neither includes packagers
     * (HLS) or relays (pushes to other servers, shown on their own).
     */
    enum Kind {
        PLAYER, RECORDER, PACKAGER, RELAY
    }

    Kind kind();

    /**
     * Bytes of this stream sent so far to the sink's peer over the network, for the stream's
     * traffic in /metrics. May be called from any thread and must not block; sinks with no peer
     * (a recorder writes files) keep the default.
     */
    default long bytesSent() {
        return 0;
    }

    /**
     * The frames a sink joining mid-stream needs first: metadata and sequence headers, then, with
     * the GOP cache on, everything since the latest keyframe. Called once, before any
     * {@link #offer}. These frames are already held by the stream, so queueing them all costs the
     * sink no memory of its own.
     *
     * @param published someone publishes the stream (or is expected back within a grace period);
     *                  false while the sink waits for a first publisher
     */
    void join(List<MediaFrame> cached, boolean published);

    /** Offers one live frame. Never blocks. */
    void offer(MediaFrame frame);

    /** A publisher started on a stream the sink was waiting for, or after the previous one left. */
    default void onPublish() {
    }

    /** The publisher left; the sink stays attached and may see a new publisher later. */
    void onUnpublish();

    /**
     * Nobody will publish the stream here after all (an edge found no origin that has it), so a
     * player should stop waiting. Sinks that only ever join published streams need do nothing:
     * they were told {@link #onUnpublish} already.
     */
    default void notFound(String why) {
    }
}
