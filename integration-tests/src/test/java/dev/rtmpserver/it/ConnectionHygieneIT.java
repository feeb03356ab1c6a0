package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connections that stall, misbehave or leave are dropped and leave nothing behind. */
@Timeout(30)
class ConnectionHygieneIT {

    private static ServerConfig withHandshakeTimeout(Duration timeout) {
        SessionConfig d = SessionConfig.defaults();
        return ServerConfig.forTests().withSession(d.withTimeouts(timeout, d.idleTimeout(), d.mediaTimeout(),
                d.writeTimeout()));
    }

    @Test
    void stalledHandshakeIsClosedAfterTheTimeout() throws IOException {
        try (TestServer server = new TestServer(withHandshakeTimeout(Duration.ofMillis(500)));
             Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.port());
             Socket halfway = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            halfway.getOutputStream().write(new byte[] {3, 0, 0, 0, 0});
            silent.setSoTimeout(10_000);
            halfway.setSoTimeout(10_000);
            assertEquals(-1, silent.getInputStream().read(), "a client that sends nothing is closed");
            InputStream in = halfway.getInputStream();
            assertEquals(-1, in.read(), "a client that stops inside C1 is closed");
            Await.until(() -> server.server.connectionCount() == 0, "no connection is left");
        }
    }

    @Test
    void nonRtmpBytesCloseOnlyThatConnection() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient good = RtmpClient.connect(server.appUrl("live"));
             Socket http = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            http.setSoTimeout(10_000);
            assertEquals(-1, http.getInputStream().read(), "an HTTP request is refused by closing");
            assertTrue(good.createStream() > 0, "the other connection is unaffected");
        }
    }

    @Test
    void playerThatLeavesIsRemovedAtOnceAndTheIdleStreamIsForgotten() throws IOException {
        try (TestServer server = new TestServer()) {
            StreamKey key = new StreamKey("live", "leaving");
            RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
            publisher.publish(publisher.createStream(), "leaving");
            RtmpClient player = RtmpClient.connect(server.appUrl("live"));
            player.play(player.createStream(), "leaving");
            LiveStream stream = server.server.registry().get(key);
            // Play.Start is queued before the sink attaches, so the client can see it a moment early.
            Await.until(() -> stream.sinkCount() == 1, "the player's sink is attached");

            player.close();
            Await.until(() -> stream.sinkCount() == 0, "the player's sink is detached");
            publisher.close();
            Await.until(() -> server.server.registry().get(key) == null, "the stream leaves the registry");
            Await.until(() -> server.server.connectionCount() == 0, "both connections are gone");
        }
    }

    @Test
    void idleConnectionAndSilentPublisherAreClosed() throws IOException {
        SessionConfig d = SessionConfig.defaults();
        ServerConfig config = ServerConfig.forTests().withSession(d.withTimeouts(d.handshakeTimeout(),
                Duration.ofSeconds(1), Duration.ofSeconds(1), d.writeTimeout()));
        try (TestServer server = new TestServer(config);
             RtmpClient idle = RtmpClient.connect(server.appUrl("live"));
             RtmpClient silent = RtmpClient.connect(server.appUrl("live"))) {
            silent.publish(silent.createStream(), "quiet");
            for (RtmpClient c : new RtmpClient[] {idle, silent}) {
                c.setReadTimeout(Duration.ofSeconds(10));
                assertThrows(IOException.class, () -> {
                    while (true) {
                        c.read();
                    }
                }, "the server closes the connection");
            }
            Await.until(() -> server.server.registry().size() == 0, "the silent publisher's stream is gone");
        }
    }

    @Test
    void twoHundredPlayCyclesLeaveNoThreadConnectionOrStreamBehind() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"))) {
            int pubId = publisher.createStream();
            publisher.publish(pubId, "busy");
            publisher.sendVideo(pubId, 0, JavaClientRelayIT.AVC_HEADER);
            publisher.sendVideo(pubId, 0, JavaClientRelayIT.videoFrame(true, 0));
            publisher.call("getStreamLength", null, "busy");
            int threadsBefore = Threads.liveVirtualThreads();
            int platformBefore = Thread.activeCount();
            for (int i = 0; i < 200; i++) {
                try (RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
                    player.play(player.createStream(), i % 2 == 0 ? "busy" : "nobody-" + i);
                }
            }
            Await.until(() -> server.server.connectionCount() == 1, "only the publisher stays connected");
            Await.until(() -> Threads.liveVirtualThreads() == threadsBefore, "virtual threads back to "
                    + threadsBefore + " (now " + Threads.liveVirtualThreads() + ")");
            Await.until(() -> server.server.registry().size() == 1, "only the published stream stays registered");
            assertEquals(0, server.server.registry().get(new StreamKey("live", "busy")).sinkCount());
            assertTrue(Thread.activeCount() <= platformBefore + 2, "no platform threads pile up");
        }
    }

}
