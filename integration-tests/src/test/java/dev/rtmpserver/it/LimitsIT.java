package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.Limits;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.ProtocolLimits;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.handshake.ClientHandshake;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connection limits, misbehaving peers and a graceful shutdown. */
@Timeout(60)
class LimitsIT {

    private static Socket connectFrom(String localAddress, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** A refused socket is closed by the server before it sends a byte. */
    private static boolean refused(Socket s) throws IOException {
        s.getOutputStream().write(3);
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Test
    @SuppressWarnings("try") // a1, a2 and b1 are opened only to take up places under the limits
    void connectionsBeyondTheTotalAndPerAddressLimitsAreRefused() throws IOException {
        ServerConfig config = ServerConfig.forTests().withLimits(new Limits(3, 2, 100, Duration.ofSeconds(1)));
        try (TestServer server = new TestServer(config);
             Socket a1 = connectFrom("127.0.0.1", server.port());
             Socket a2 = connectFrom("127.0.0.1", server.port());
             Socket a3 = connectFrom("127.0.0.1", server.port())) {
            assertTrue(refused(a3), "a third connection from one address is refused");
            try (Socket b1 = connectFrom("127.0.0.2", server.port());
                 Socket b2 = connectFrom("127.0.0.2", server.port())) {
                assertTrue(refused(b2), "a fourth connection in all is refused");
                assertEquals(3, server.server.connectionCount(), "the admitted ones stay");
            }
            assertTrue(server.server.counters().connectionsRefused.sum() >= 2);
        }
    }

    @Test
    void streamsBeyondTheLimitAreRefused() throws IOException {
        ServerConfig config = ServerConfig.forTests().withLimits(new Limits(100, 100, 2, Duration.ofSeconds(1)));
        try (TestServer server = new TestServer(config);
             RtmpClient a = RtmpClient.connect(server.appUrl("live"));
             RtmpClient b = RtmpClient.connect(server.appUrl("live"));
             RtmpClient c = RtmpClient.connect(server.appUrl("live"))) {
            a.publish(a.createStream(), "one");
            b.publish(b.createStream(), "two");
            int id = c.createStream();
            RtmpStatusException e = assertThrows(RtmpStatusException.class, () -> c.publish(id, "three"));
            assertEquals("NetStream.Publish.BadName", e.code());
            assertEquals(2, server.server.registry().size());
        }
    }

    @Test
    void aStreamOfCommandsBeforeConnectClosesOnlyThatConnection() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient good = RtmpClient.connect(server.appUrl("live"))) {
            try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                raw.setSoTimeout(10_000);
                ClientHandshake.perform(raw.getInputStream(), raw.getOutputStream(), false);
                ChunkWriter w = new ChunkWriter(raw.getOutputStream());
                for (int i = 0; i < 50; i++) {
                    w.write(3, MessageCodec.encode(new Command("createStream", i + 1, null, List.of()), 0, 0));
                }
                assertThrows(IOException.class, () -> {
                    ChunkReader r = new ChunkReader(raw.getInputStream());
                    while (true) {
                        r.read();
                    }
                }, "the connection is closed");
            }
            assertTrue(good.createStream() > 0, "other connections carry on");
        }
    }

    /** Opens a raw connection, optionally connects, sends {@code bytes} and reports whether the server hung up. */
    private static boolean closedAfter(TestServer server, boolean connect, byte[] bytes) throws IOException {
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            raw.setSoTimeout(10_000);
            ClientHandshake.perform(raw.getInputStream(), raw.getOutputStream(), false);
            ChunkWriter w = new ChunkWriter(raw.getOutputStream());
            if (connect) {
                w.write(3, MessageCodec.encode(new Command("connect", 1, Map.of("app", "live"), List.of()), 0, 0));
            }
            ChunkReader r = new ChunkReader(raw.getInputStream());
            try {
                // The server may hang up while the offending bytes are still being written.
                raw.getOutputStream().write(bytes);
                while (true) {
                    r.read();
                }
            } catch (SocketException | java.io.EOFException e) {
                return true;
            }
        }
    }

    private static byte[] chunked(RawMessage... messages) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ChunkWriter w = new ChunkWriter(bytes);
        for (RawMessage m : messages) {
            w.write(3, m);
        }
        return bytes.toByteArray();
    }

    @Test
    void configuredProtocolLimitsCloseOnlyTheOffenderAndAreCountedByName() throws Exception {
        ProtocolLimits tight = new ProtocolLimits(8192, 65536, 4, 3);
        ServerConfig config = ServerConfig.forTests()
                .withSession(ServerConfig.forTests().session().withProtocolLimits(tight))
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty()));
        try (TestServer server = new TestServer(config);
             RtmpClient good = RtmpClient.connect(server.appUrl("live"))) {
            byte[] bigData = Amf0.encode("@setDataFrame", "onMetaData", "x".repeat(9000));
            assertTrue(closedAfter(server, true, chunked(new RawMessage(MessageType.DATA_AMF0, 1, 0, bigData))),
                    "a 9 KB data message over an 8 KiB limit");

            byte[] chunkSize = java.nio.ByteBuffer.allocate(4).putInt(65537).array();
            assertTrue(closedAfter(server, true,
                    chunked(new RawMessage(MessageType.SET_CHUNK_SIZE, 0, 0, chunkSize))), "chunk size 65,537");

            Object deep = List.of();
            for (int i = 0; i < 5; i++) {
                deep = List.of(deep);
            }
            assertTrue(closedAfter(server, true, chunked(MessageCodec.encode(
                    new Command("createStream", 2, null, List.of(deep)), 0, 0))), "AMF nested 6 deep");

            RawMessage early = MessageCodec.encode(new Command("createStream", 2, null, List.of()), 0, 0);
            assertTrue(closedAfter(server, false, chunked(early, early, early, early)), "4 commands before connect");

            assertTrue(good.createStream() > 0, "the well-behaved connection carries on");
            try (RtmpClient other = RtmpClient.connect(server.appUrl("live"))) {
                int id = other.createStream();
                other.publish(id, "meta");
                other.sendData(id, 0, "@setDataFrame", "onMetaData", "x".repeat(8000));
                assertTrue(other.createStream() > 0, "a data message within the limit is fine");
            }

            Map<String, Long> counted = server.server.counters().limitsExceeded();
            for (String limit : new String[] {"message_size", "chunk_size", "amf_depth", "commands_before_connect"}) {
                assertEquals(1L, counted.get(limit), limit + " in " + counted);
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.server.httpPort().orElseThrow() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("rtmp_limit_exceeded_total{limit=\"amf_depth\"} 1\n"), metrics);
            assertTrue(metrics.contains("rtmp_limit_exceeded_total{limit=\"connections\"} 0\n"), metrics);
        }
    }

    @Test
    void shutdownTellsPlayersTheirStreamEndedBeforeClosing() throws IOException {
        TestServer server = new TestServer();
        try (RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            publisher.publish(publisher.createStream(), "closing");
            player.play(player.createStream(), "closing");
            Await.attached(server, "closing", 1);
            server.close();
            boolean notified = false;
            boolean eof = false;
            player.setReadTimeout(Duration.ofSeconds(10));
            try {
                while (true) {
                    RawMessage m = player.read();
                    switch (MessageCodec.decode(m)) {
                        case Command c when c.name().equals("onStatus") && c.argument(0) instanceof Map<?, ?> info
                                && "NetStream.Play.UnpublishNotify".equals(info.get("code")) -> notified = true;
                        case UserControl u when u.event() == UserControl.STREAM_EOF -> eof = true;
                        default -> {
                        }
                    }
                }
            } catch (IOException closed) {
                // The server closes the connection once the notices are out.
            }
            assertTrue(notified, "the player got UnpublishNotify");
            assertTrue(eof, "and Stream EOF");
        }
    }
}
