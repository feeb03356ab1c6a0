package dev.rtmpserver.stream;

/**
 * Something a live stream delivers frames to: an RTMP player, and later a recorder or a relay.
 * Every method is called on the publisher's thread, so none may block: a sink queues the work
 * for its own thread and decides itself what to drop when it falls behind.
 */
public interface Sink {

    /** Offers one frame. Never blocks. */
    void offer(MediaFrame frame);

    /** A publisher started (or restarted) on the stream. */
    default void onPublish() {
    }

    /** The publisher left; the sink stays attached and may see a new publisher later. */
    void onUnpublish();
}
