package dev.rtmpserver.stream;

/**
 * Told when players come to and leave a stream, for a service that fetches streams nobody publishes
 * here (an edge pulling from its origins). Called outside any lock, on the joining or leaving
 * player's thread: must not block.
 */
public interface Demand {
    Demand NONE = new Demand() {
        @Override
        public void joined(LiveStream stream, String query) {
        }

        @Override
        public void left(LiveStream stream) {
        }
    };

    /**
     * A player joined {@code stream}, published or not.
     *
     * @param query the query string of the player's stream name ({@code token=...}), or empty
     */
    void joined(LiveStream stream, String query);

    /** The last player of {@code stream} left. */
    void left(LiveStream stream);

    /**
     * A viewer that holds no connection (an HLS player, which asks for the playlist again and
     * again) asked for {@code key}; its requests keep the stream fetched as a player's connection
     * does, for a while after the last one.
     *
     * @param query the viewer's query, for the origin ({@code token=...}), or empty
     * @return whether the stream is being fetched, and so worth waiting for
     */
    default boolean requested(StreamKey key, String query) {
        return false;
    }

    /** Whether {@code key} is being fetched (or looked for) now. */
    default boolean fetching(StreamKey key) {
        return false;
    }
}
