package dev.rtmpserver.session;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.handshake.ClientHandshake;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.RtmpMessage;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command handling of one connection, driven over a loopback socket pair: a
 * {@link Connection} needs a socket, and the replies it queues are only written out by its own
 * writer thread, so the test plays the client's part (handshake, commands) and decodes what comes
 * back. No media, no ffmpeg, no sleeps: each exchange ends at a reply the test waits for.
 */
@Timeout(20)
class CommandHandlerTest {
    private static final int MAX_COMMANDS_BEFORE_CONNECT = 3;
    /** Published on another node of a cluster. */
    private static final StreamKey ELSEWHERE = new StreamKey("live", "elsewhere");

    private final Counters counters = new Counters();
    private final StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(), (delay, task) -> {
    }, System::nanoTime, 10);
    /** What the connection claimed and released, in order; a claim of {@link #ELSEWHERE} is refused. */
    private final List<String> claimed = new CopyOnWriteArrayList<>();
    private final PublishClaims claims = new PublishClaims() {
        @Override
        public void claim(StreamKey key) {
            claimed.add("claim " + key);
            if (key.equals(ELSEWHERE)) {
                throw new StreamBusyException(key);
            }
        }

        @Override
        public void release(StreamKey key) {
            claimed.add("release " + key);
        }
    };
    private Socket client;
    private Thread connection;
    private OutputStream out;
    private ChunkWriter writer;
    private ChunkReader reader;

    @BeforeEach
    void connectLoopback() throws IOException {
        SessionConfig config = SessionConfig.defaults().withProtocolLimits(new ProtocolLimits(
                ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES, ProtocolLimits.DEFAULT_MAX_CHUNK_SIZE,
                ProtocolLimits.DEFAULT_MAX_AMF_DEPTH, MAX_COMMANDS_BEFORE_CONNECT));
        SessionContext context = new SessionContext(registry, config, name -> Optional.empty(), counters,
                AccessControl.ALLOW_ALL, StreamEnds.NONE, claims);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Socket server;
        try (ServerSocket listener = new ServerSocket(0, 1, loopback)) {
            client = new Socket(loopback, listener.getLocalPort());
            server = listener.accept();
        }
        // Only a guard against a hang: every read here expects a reply that is on its way.
        client.setSoTimeout(10_000);
        connection = Thread.ofVirtual().start(new Connection(1, server, context));
        InputStream in = new BufferedInputStream(client.getInputStream());
        out = client.getOutputStream();
        ClientHandshake.perform(in, out, false);
        writer = new ChunkWriter(out);
        reader = new ChunkReader(in);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        connection.join();
    }

    private void send(int streamId, String name, double transactionId, Object commandObject, Object... args)
            throws IOException {
        RawMessage raw = MessageCodec.encode(new Command(name, transactionId, commandObject, Arrays.asList(args)),
                streamId, 0);
        writer.write(3, raw);
        out.flush();
    }

    /** A message from the server and the message stream it came on. */
    private record Received(int streamId, RtmpMessage message) {
        /** The info object's code of an onStatus, _result or _error; null for anything else. */
        String code() {
            return message instanceof Command c && c.argument(0) instanceof Map<?, ?> info
                    ? (String) info.get("code") : null;
        }

        String description() {
            return (String) ((Map<?, ?>) ((Command) message).argument(0)).get("description");
        }

        String name() {
            return message instanceof Command c ? c.name() : message.getClass().getSimpleName();
        }
    }

    private Received read() throws IOException {
        RawMessage raw = reader.read();
        return new Received(raw.streamId(), MessageCodec.decode(raw));
    }

    /** Reads up to and including the reply to transaction {@code id}. */
    private List<Received> readThrough(double id) throws IOException {
        List<Received> got = new ArrayList<>();
        while (true) {
            Received r = read();
            got.add(r);
            if (r.message() instanceof Command c && (c.name().equals("_result") || c.name().equals("_error"))
                    && c.transactionId() == id) {
                return got;
            }
        }
    }

    private Received last(List<Received> got) {
        return got.get(got.size() - 1);
    }

    private void connect(String app) throws IOException {
        send(0, "connect", 1, Amf0.object("app", app, "tcUrl", "rtmp://127.0.0.1/" + app));
        List<Received> got = readThrough(1);
        assertEquals("_result", last(got).name());
        assertEquals("NetConnection.Connect.Success", last(got).code());
    }

    /** createStream, and the id it returns. */
    private int createStream(double transactionId) throws IOException {
        send(0, "createStream", transactionId, null);
        Command result = (Command) last(readThrough(transactionId)).message();
        assertEquals("_result", result.name());
        return ((Double) result.argument(0)).intValue();
    }

    @Test
    void commandsBeforeConnectAreAnsweredWithErrorsUntilTheLimitClosesTheConnection() throws Exception {
        for (int i = 1; i <= MAX_COMMANDS_BEFORE_CONNECT; i++) {
            send(0, i == 1 ? "evil\ncommand" : "createStream", i, null);
            List<Received> got = readThrough(i);
            assertEquals(1, got.size());
            assertEquals("_error", got.get(0).name());
            assertEquals("NetConnection.Call.Failed", got.get(0).code());
            assertTrue(got.get(0).description().startsWith("connect first"), got.get(0).description());
            if (i == 1) {
                assertEquals("connect first: 'evil\\ncommand' before connect", got.get(0).description(),
                        "the peer's text comes back escaped");
            }
        }
        send(0, "createStream", 99, null);
        assertThrows(IOException.class, this::read, "one command too many closes the connection");
        connection.join();
        assertEquals(1L, counters.limitsExceeded().get("commands_before_connect"));
    }

    @Test
    void rejectedConnectsCountTowardsTheLimitToo() throws Exception {
        for (int i = 1; i <= MAX_COMMANDS_BEFORE_CONNECT; i++) {
            send(0, "connect", i, Amf0.object("app", "bad\u0001app"));
            assertEquals("NetConnection.Connect.Rejected", last(readThrough(i)).code());
        }
        send(0, "connect", 99, Amf0.object("app", "bad\u0001app"));
        assertThrows(IOException.class, this::read, "one rejected connect too many closes the connection");
        connection.join();
        assertEquals(1L, counters.limitsExceeded().get("commands_before_connect"));
    }

    @Test
    void aConnectSucceedsWithWindowBandwidthAndChunkSizeFirst() throws Exception {
        send(0, "connect", 1, Amf0.object("app", "live/", "tcUrl", "rtmp://127.0.0.1/live", "objectEncoding", 0.0));
        List<Received> got = readThrough(1);
        assertEquals(List.of("WindowAckSize", "SetPeerBandwidth", "SetChunkSize", "_result"),
                got.stream().map(Received::name).toList());
        assertEquals("NetConnection.Connect.Success", last(got).code());
        assertEquals(1, createStream(2));
        assertEquals(2, createStream(3));

        send(0, "connect", 4, Amf0.object("app", "other"));
        Received again = last(readThrough(4));
        assertEquals("_error", again.name());
        assertEquals("already connected to live", again.description(), "a trailing slash is not part of the app");
    }

    @Test
    void aConnectToAnApplicationWithAControlCharacterIsRejected() throws Exception {
        send(0, "connect", 1, Amf0.object("app", "li\nve"));
        Received rejected = last(readThrough(1));
        assertEquals("_error", rejected.name());
        assertEquals("NetConnection.Connect.Rejected", rejected.code());
        assertEquals("the application name contains control characters", rejected.description());

        send(0, "connect", 2, Amf0.object("app", "live/.."));
        Received dotDot = last(readThrough(2));
        assertEquals("NetConnection.Connect.Rejected", dotDot.code());
        assertEquals("the application name contains '..'", dotDot.description());

        send(0, "createStream", 3, null);
        Received notConnected = last(readThrough(3));
        assertEquals("_error", notConnected.name());
        assertTrue(notConnected.description().startsWith("connect first"), "a rejected connect connects nothing");
    }

    @Test
    void aPublishWithAnInvalidNameIsABadName() throws Exception {
        connect("live");
        int id = createStream(2);
        List<String> names = List.of("a/../b", "..", "cam\u0000", "cam\n1", "x".repeat(StreamKey.MAX_NAME_CHARS + 1));
        for (String name : names) {
            send(id, "publish", 0, null, name, "live");
            Received r = read();
            assertEquals("onStatus", r.name(), name);
            assertEquals(id, r.streamId());
            assertEquals("NetStream.Publish.BadName", r.code(), name);
            assertFalse(r.description().contains("\n") || r.description().contains("\0"), r.description());
        }
        send(id, "publish", 0, null, "", "live");
        Received empty = read();
        assertEquals("NetStream.Publish.BadName", empty.code());
        assertEquals("publish needs a stream name", empty.description());
        send(0, "publish", 0, null, "cam", "live");
        assertEquals("NetStream.Publish.BadName", read().code(), "publish on stream 0");

        assertEquals(0, registry.size(), "nothing was published");
        assertEquals(names.size(), counters.publishesRejected.sum());
        assertNull(registry.get(new StreamKey("live", "a/../b")));
    }

    @Test
    void aStreamAnotherNodePublishesIsRefusedAsALocalDuplicateIs() throws Exception {
        connect("live");
        int id = createStream(2);
        send(id, "publish", 0, null, "elsewhere", "live");
        Received refused = read();
        assertEquals("NetStream.Publish.BadName", refused.code());
        assertEquals("publish live/elsewhere refused: stream live/elsewhere is already being published",
                refused.description());
        assertNull(registry.get(ELSEWHERE), "nothing published");
        assertEquals(List.of("claim live/elsewhere"), claimed, "a refused claim is not released");

        claimed.clear();
        send(id, "publish", 0, null, "cam", "live");
        assertEquals("NetStream.Publish.Start", readThrough(id, "NetStream.Publish.Start").code());
        int second = createStream(3);
        send(second, "publish", 0, null, "cam", "live");
        Received duplicate = read();
        assertEquals("NetStream.Publish.BadName", duplicate.code());
        assertEquals("publish live/cam refused: stream live/cam is already being published", duplicate.description(),
                "the local duplicate's refusal reads the same");
        send(0, "deleteStream", 4, null, (double) id);
        createStream(5);
        assertEquals(List.of("claim live/cam", "claim live/cam", "release live/cam", "release live/cam"), claimed,
                "each claim released once: the refused duplicate's at once, the publish's when it ends");
    }

    /** Reads until an onStatus with {@code code} on {@code streamId}. */
    private Received readThrough(int streamId, String code) throws IOException {
        while (true) {
            Received r = read();
            if (r.streamId() == streamId && code.equals(r.code())) {
                return r;
            }
        }
    }

    @Test
    void aPlayOfADotDotNameFailsWithoutEverStarting() throws Exception {
        connect("live");
        int id = createStream(2);
        send(id, "play", 0, null, "../secret", -2.0);
        send(id, "play", 0, null, "a/../../b", -2.0);
        // A transaction after the plays: every reply to them comes before its _result.
        send(0, "createStream", 3, null);
        List<Received> got = readThrough(3);
        List<String> codes = got.stream().map(Received::code).toList();
        assertEquals(List.of("NetStream.Play.Failed", "NetStream.Play.Failed"), codes.subList(0, 2), got.toString());
        assertFalse(codes.contains("NetStream.Play.Start"), got.toString());
        assertFalse(codes.contains("NetStream.Play.Reset"), got.toString());
        assertEquals(id, got.get(0).streamId());
        assertEquals(0, registry.size(), "no stream was created to wait on");
        assertEquals(2, counters.playsRejected.sum());
    }

    @Test
    void aRefusedPlayShowsThePeersNameEscapedOnce() throws Exception {
        connect("live");
        int id = createStream(2);
        send(id, "play", 0, null, "x\ny", -2.0);
        Received r = read();
        assertEquals("NetStream.Play.Failed", r.code());
        assertEquals("play live/x\\ny refused: the stream name contains control characters", r.description());
    }

    @Test
    void aValidPlayStartsAndWaitsForItsPublisher() throws Exception {
        connect("live");
        int id = createStream(2);
        send(id, "play", 0, null, "cam?token=x", -2.0);
        send(0, "createStream", 3, null);
        List<Received> got = readThrough(3);
        List<String> codes = got.stream().map(Received::code).filter(c -> c != null).toList();
        assertEquals(List.of("NetStream.Play.Reset", "NetStream.Play.Start"), codes.subList(0, 2));
        assertEquals(1, registry.get(new StreamKey("live", "cam")).sinkCount(), "the player waits on the stream");
        assertFalse(registry.get(new StreamKey("live", "cam")).isPublished());
    }
}
