package dev.rtmpserver.tools;

import dev.rtmpserver.client.RtmpClient;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A player that starts playing and then never reads, with a tiny socket receive buffer: what a
 * viewer on a dead network looks like to the server. For soak and slow-player tests.
 *
 * <pre>java -cp rtmp-server.jar dev.rtmpserver.tools.StalledPlayer rtmp://127.0.0.1:1935/live/cam1 SECONDS</pre>
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
        URI uri = URI.create(args[0]);
        String path = uri.getPath().replaceFirst("^/", "");
        int slash = path.lastIndexOf('/');
        try (RtmpClient client = RtmpClient.connect(uri.getHost(), uri.getPort() < 0 ? 1935 : uri.getPort(),
                path.substring(0, slash), true, RECEIVE_BUFFER_BYTES)) {
            client.play(client.createStream(), path.substring(slash + 1));
            Thread.sleep(Duration.ofSeconds(Long.parseLong(args[1])));
        }
    }
}
