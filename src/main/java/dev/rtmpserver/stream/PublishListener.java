package dev.rtmpserver.stream;

/** Told when a publisher starts on a stream, for services that attach sinks of their own (recording). */
@FunctionalInterface
public interface PublishListener {
    /**
     * Called on the publisher's thread after it owns the stream, outside any lock.
     *
     * @param continuing the publisher carries on a stream whose previous publisher died or went
     *                   stale, so sinks attached then are still attached
     */
    void published(LiveStream stream, boolean continuing);
}
