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
}
