package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.handshake.ClientHandshake;
import dev.rtmpserver.wire.message.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of bad input closes only its own connection while a live ffmpeg player keeps receiving. */
@Timeout(120)
class BadInputIT {
    @TempDir
    Path dir;

    /** Sends {@code bytes} on a fresh connection (after a handshake if asked) and expects the server to close it. */
    private static void closesOnlyThisConnection(TestServer server, String what, boolean handshake, byte[] bytes)
            throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(15_000);
            if (handshake) {
                ClientHandshake.perform(s.getInputStream(), s.getOutputStream(), true);
            }
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            assertThrows(IOException.class, () -> {
                ChunkReader r = new ChunkReader(s.getInputStream());
                while (true) {
                    r.read();
                }
            }, what + ": the server closes the connection");
        }
        System.out.println("closed as expected: " + what);
    }

    private static byte[] chunks(RawMessage... messages) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ChunkWriter w = new ChunkWriter(b);
        for (RawMessage m : messages) {
            w.write(m.typeId() == MessageType.SET_CHUNK_SIZE ? 2 : 3, m);
        }
        return b.toByteArray();
    }

    private static RawMessage command(byte[] body) {
        return new RawMessage(MessageType.COMMAND_AMF0, 0, 0, body);
    }

    @Test
    void badInputsCloseOnlyTheirOwnConnections() throws Exception {
        SessionConfig d = SessionConfig.defaults();
        ServerConfig config = ServerConfig.forTests().withSession(d.withTimeouts(Duration.ofSeconds(2),
                d.idleTimeout(), d.mediaTimeout(), d.writeTimeout()));
        try (TestServer server = new TestServer(config)) {
            String url = server.url("live", "steady");
            Tools.Run publisher = Tools.publishTestStream("bad-publish", url, "320x240", 14, true, true);
            Path file = dir.resolve("steady.flv");
            Tools.Run player = Tools.captureToFile("bad-play", url, file, 10);

            closesOnlyThisConnection(server, "garbage instead of a handshake", false,
                    "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] truncatedC1 = new byte[1 + 700];
            truncatedC1[0] = 3;
            closesOnlyThisConnection(server, "a truncated C1", false, truncatedC1);
            closesOnlyThisConnection(server, "a header announcing a 16 MB command", true,
                    AnnotatedHex.bytes("03 000000 ffffff 14 00000000  # command announcing 16 MiB - 1"));
            closesOnlyThisConnection(server, "chunk size 0", true,
                    chunks(new RawMessage(MessageType.SET_CHUNK_SIZE, 0, 0, new byte[4])));
            closesOnlyThisConnection(server, "malformed AMF", true,
                    chunks(command(new byte[] {0x02, 0x00, 0x07, 'c', 'o', 'n', 'n', 'e', 'c', 't', 0x00, 0x3F, (byte) 0xF0,
                            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x13, 0x55})));
            ByteArrayOutputStream deep = new ByteArrayOutputStream();
            deep.write(Amf0.encode("connect", 1.0));
            for (int i = 0; i < 10_000; i++) {
                deep.write(new byte[] {0x0A, 0, 0, 0, 1});
            }
            closesOnlyThisConnection(server, "AMF nested 10,000 deep", true, chunks(command(deep.toByteArray())));
            byte[] hugeChunkSize = ByteBuffer.allocate(4).putInt(0x7FFFFFFF).array();
            try (RtmpClient odd = RtmpClient.connect(server.appUrl("live"))) {
                odd.sendRaw(2, new RawMessage(MessageType.SET_CHUNK_SIZE, 0, 0, hugeChunkSize));
                assertTrue(odd.createStream() > 0, "chunk size 2^31-1 is legal and the connection works");
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                s.setSoTimeout(10_000);
                ClientHandshake.perform(s.getInputStream(), s.getOutputStream(), true);
                OutputStream out = s.getOutputStream();
                out.write(chunks(command(Amf0.encode("publish", 0.0, null, "steady", "live"))));
                RawMessage reply = new ChunkReader(s.getInputStream()).read();
                assertTrue(RtmpClient.values(reply).contains("_error"), "publish before connect gets _error");
            }

            player.expectSuccess(Duration.ofSeconds(40));
            publisher.expectSuccess(Duration.ofSeconds(40));
            double captured = Tools.durationSeconds(file);
            System.out.printf("live player meanwhile: %.2f s of media%n", captured);
            assertTrue(captured >= 9.5, "the live player got everything: " + captured);
            assertEquals("", Tools.decodeErrors(file));
            assertThrows(RtmpStatusException.class, () -> {
                try (RtmpClient c = RtmpClient.connect(server.appUrl("live"))) {
                    c.call("noSuchThing", null);
                }
            });
        }
    }
}
