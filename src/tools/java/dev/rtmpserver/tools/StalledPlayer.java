package dev.rtmpserver.tools;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.StreamUrl;

import java.io.IOException;
import java.time.Duration;

/**
 * A player that starts playing and then never reads, with a tiny socket receive buffer: what a
 * viewer on a dead network looks like to the server. For soak and slow-player tests.
 *
 * <pre>java -cp rtmp-server-tools.jar dev.rtmpserver.tools.StalledPlayer rtmp://127.0.0.1:1935/live/cam1 SECONDS</pre>
 */
public final class StalledPlayer {
    /** Small enough that the server's writes stall at once. */
    private static final int RECEIVE_BUFFER_BYTES = 2048;

    private StalledPlayer() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: StalledPlayer rtmp://host[:port]/app/stream SECONDS");
            System.exit(2);
        }
        StreamUrl stream = StreamUrl.parse(args[0]);
        try (RtmpClient client = RtmpClient.connect(stream.host(), stream.port(), stream.app(), true,
                RECEIVE_BUFFER_BYTES)) {
            client.play(client.createStream(), stream.name());
            Thread.sleep(Duration.ofSeconds(Long.parseLong(args[1])));
        }
    }
}
