package dev.rtmpserver.edge;

import dev.rtmpserver.relay.PushUrl;
import dev.rtmpserver.relay.RtmpPlayer;
import dev.rtmpserver.stream.MediaFrame;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/** How an edge plays a stream from an origin: RTMP for real, a fake in tests. */
@FunctionalInterface
public interface Upstream {
    /**
     * Plays {@code url} and returns once the origin sent the stream's first media. Blocks.
     *
     * @param url      the origin's URL for this stream, its application followed by the stream name and query
     * @param insecure for rtmps, accept any certificate for any host
     * @param timeout  for the connection, each answer, the first media and later silences
     * @throws IOException if the origin is unreachable, refuses, or does not have the stream
     */
    Session open(PushUrl url, boolean insecure, Duration timeout) throws IOException;

    /** One play from an origin. */
    interface Session {
        /**
         * Hands every frame to {@code frames} until the play or the connection ends, then closes.
         * Blocks; called once.
         *
         * @return why it ended, for the log
         */
        String relay(Consumer<MediaFrame> frames);

        /** Ends the play from another thread; {@link #relay} then returns. */
        void close();
    }

    /** Over RTMP or RTMPS. */
    static Upstream rtmp() {
        return (url, insecure, timeout) -> {
            RtmpPlayer player = RtmpPlayer.open(url, insecure, timeout);
            return new Session() {
                @Override
                public String relay(Consumer<MediaFrame> frames) {
                    return player.relay(frames);
                }

                @Override
                public void close() {
                    try {
                        player.close();
                    } catch (IOException ignored) {
                        // The socket is gone either way, which is all closing is for.
                    }
                }
            };
        };
    }
}
