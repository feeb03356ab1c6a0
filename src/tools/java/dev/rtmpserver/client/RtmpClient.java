package dev.rtmpserver.client;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.handshake.ClientHandshake;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A small blocking RTMP client that publishes or plays, used by the integration tests, load tools
 * and relays. Reading is done by whoever calls {@link #read()}; sending is thread-safe.
 *
 * <pre>{@code
 * try (RtmpClient c = RtmpClient.connect("rtmp://127.0.0.1:1935/live")) {
 *     int id = c.createStream();
 *     c.publish(id, "cam1");
 *     c.sendVideo(id, 0, sequenceHeader);
 * }
 * }</pre>
 */
public final class RtmpClient implements AutoCloseable {
    /** The chunk size this client sends with after connect, as ffmpeg and OBS do. */
    public static final int DEFAULT_CHUNK_SIZE = 4096;
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final int CSID_PROTOCOL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;

    private final Socket socket;
    private final ChunkReader reader;
    private final OutputStream out;
    private final ChunkWriter writer;
    /** Guards {@link #writer} and {@link #out}: senders may be on several threads. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Messages read while waiting for a reply, handed out by later {@link #read()} calls. */
    private final Deque<RawMessage> pending = new ArrayDeque<>();
    private final String app;
    private double nextTransactionId = 1;
    private long acknowledged;
    private Map<String, Object> connectInfo;
    private Map<String, Object> serverProperties;

    private RtmpClient(Socket socket, String app) throws IOException {
        this.socket = socket;
        this.app = app;
        this.reader = new ChunkReader(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.writer = new ChunkWriter(out);
    }

    /** Connects to {@code rtmp://host[:port]/app}: handshake (digest mode) and the connect command. */
    public static RtmpClient connect(String url) throws IOException {
        URI uri = URI.create(url);
        if (!"rtmp".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an rtmp://host/app URL: " + url);
        }
        String app = uri.getPath().replaceFirst("^/", "");
        return connect(uri.getHost(), uri.getPort() < 0 ? 1935 : uri.getPort(), app, true);
    }

    public static RtmpClient connect(String host, int port, String app, boolean digestHandshake)
            throws IOException {
        return connect(host, port, app, digestHandshake, 0);
    }

    /**
     * @param receiveBufferBytes the socket's receive buffer, or 0 for the system's default; tests
     *                           of slow players make it tiny
     */
    public static RtmpClient connect(String host, int port, String app, boolean digestHandshake,
                                     int receiveBufferBytes) throws IOException {
        return connect(host, port, app, digestHandshake, receiveBufferBytes, Map.of());
    }

    /**
     * @param extraProperties added to connect's command object, e.g. the Enhanced RTMP
     *                        {@code fourCcList} and {@code capsEx}
     */
    public static RtmpClient connect(String host, int port, String app, Map<String, Object> extraProperties)
            throws IOException {
        return connect(host, port, app, true, 0, extraProperties);
    }

    private static RtmpClient connect(String host, int port, String app, boolean digestHandshake,
                                      int receiveBufferBytes, Map<String, Object> extraProperties)
            throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), (int) DEFAULT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
            RtmpClient client = new RtmpClient(socket, app);
            client.handshakeAndConnect(host, port, digestHandshake, extraProperties);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshakeAndConnect(String host, int port, boolean digest, Map<String, Object> extraProperties)
            throws IOException {
        ClientHandshake.perform(socket.getInputStream(), socket.getOutputStream(), digest);
        setChunkSize(DEFAULT_CHUNK_SIZE);
        Map<String, Object> props = Amf0.object(
                "app", app,
                "type", "nonprivate",
                "flashVer", "FMLE/3.0 (compatible; rtmp-server client)",
                "tcUrl", "rtmp://" + host + ":" + port + "/" + app,
                "fpad", false,
                "capabilities", 15.0,
                "audioCodecs", 4071.0,
                "videoCodecs", 252.0,
                "videoFunction", 1.0,
                "objectEncoding", 0.0);
        props.putAll(extraProperties);
        Command result = call("connect", props);
        connectInfo = result.argument(0) instanceof Map<?, ?> m ? castMap(m) : Map.of();
        serverProperties = result.commandObject() instanceof Map<?, ?> m ? castMap(m) : Map.of();
    }

    /** The properties object of connect's _result (fmsVer, capabilities, Enhanced RTMP's capsEx). */
    public Map<String, Object> serverProperties() {
        return serverProperties;
    }

    /** The info object of connect's _result (code, description, objectEncoding). */
    public Map<String, Object> connectInfo() {
        return connectInfo;
    }

    /** Sends Set Chunk Size and switches to it. */
    public void setChunkSize(int size) throws IOException {
        writeLock.lock();
        try {
            writeLocked(CSID_PROTOCOL, MessageCodec.encode(new RtmpMessage.SetChunkSize(size), 0, 0));
            writer.setChunkSize(size);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    public int createStream() throws IOException {
        Command result = call("createStream", (Object) null);
        if (!(result.argument(0) instanceof Double id)) {
            throw new ProtocolException("createStream _result without a stream id: " + result);
        }
        return id.intValue();
    }

    /** Publishes {@code name} (which may carry a query string) and waits for NetStream.Publish.Start. */
    public void publish(int streamId, String name) throws IOException {
        send(CSID_COMMAND, streamId, new Command("publish", 0, null, List.of(name, "live")));
        expectStatus(streamId, "NetStream.Publish.Start");
    }

    /** Plays {@code name} from the live edge and waits for NetStream.Play.Start. */
    public void play(int streamId, String name) throws IOException {
        send(CSID_COMMAND, streamId, new Command("play", 0, null, List.of(name, -1000.0)));
        expectStatus(streamId, "NetStream.Play.Start");
    }

    public void deleteStream(int streamId) throws IOException {
        send(CSID_COMMAND, 0, new Command("deleteStream", 0, null, List.of((double) streamId)));
    }

    /** Calls a NetConnection method and waits for its _result; an _error becomes an exception. */
    public Command call(String name, Object commandObject, Object... args) throws IOException {
        double tx = nextTransactionId++;
        send(CSID_COMMAND, 0, new Command(name, tx, commandObject, Arrays.asList(args)));
        while (true) {
            RawMessage raw = readFromSocket();
            if (MessageCodec.decode(raw) instanceof Command c && c.transactionId() == tx
                    && (c.name().equals("_result") || c.name().equals("_error"))) {
                if (c.name().equals("_error")) {
                    throw new RtmpStatusException(name, c.argument(0));
                }
                return c;
            }
            pending.addLast(raw);
        }
    }

    /** Sends any command without waiting, for tests of unusual clients. */
    public void sendCommand(int streamId, Command command) throws IOException {
        send(CSID_COMMAND, streamId, command);
    }

    private void expectStatus(int streamId, String code) throws IOException {
        while (true) {
            RawMessage raw = readFromSocket();
            if (raw.streamId() == streamId && MessageCodec.decode(raw) instanceof Command c
                    && c.name().equals("onStatus")) {
                Object info = c.argument(0);
                String got = info instanceof Map<?, ?> m && m.get("code") instanceof String s ? s : "";
                if (got.equals(code)) {
                    return;
                }
                if (info instanceof Map<?, ?> m && "error".equals(m.get("level"))) {
                    throw new RtmpStatusException(code, info);
                }
            }
            pending.addLast(raw);
        }
    }

    public void sendVideo(int streamId, int timestamp, byte[] payload) throws IOException {
        send(CSID_VIDEO, new RawMessage(MessageType.VIDEO, streamId, timestamp, payload));
    }

    public void sendAudio(int streamId, int timestamp, byte[] payload) throws IOException {
        send(CSID_AUDIO, new RawMessage(MessageType.AUDIO, streamId, timestamp, payload));
    }

    /** Sends an AMF0 data message, such as {@code "@setDataFrame", "onMetaData", metadata}. */
    public void sendData(int streamId, int timestamp, Object... values) throws IOException {
        send(CSID_DATA, new RawMessage(MessageType.DATA_AMF0, streamId, timestamp, Amf0.encode(values)));
    }

    /** Sends raw message bytes as they are; tests use it to send deliberately odd messages. */
    public void sendRaw(int csid, RawMessage message) throws IOException {
        send(csid, message);
    }

    private void send(int csid, int streamId, RtmpMessage message) throws IOException {
        send(csid, MessageCodec.encode(message, streamId, 0));
    }

    private void send(int csid, RawMessage message) throws IOException {
        writeLock.lock();
        try {
            writeLocked(csid, message);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void writeLocked(int csid, RawMessage m) throws IOException {
        writer.write(csid, m);
    }

    /**
     * The next message from the server, answering pings and acknowledging on the way. Protocol
     * control messages are returned too, after they have been applied.
     */
    public RawMessage read() throws IOException {
        RawMessage queued = pending.pollFirst();
        return queued != null ? queued : readFromSocket();
    }

    /**
     * Reads until an audio, video or data message of the stream arrives and returns it. The
     * server's own data notices ({@code |RtmpSampleAccess}, {@code onStatus}) are skipped.
     */
    public RawMessage readMedia() throws IOException {
        while (true) {
            RawMessage m = read();
            switch (m.typeId()) {
                case MessageType.AUDIO, MessageType.VIDEO -> {
                    return m;
                }
                case MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> {
                    String name = MessageCodec.decode(m) instanceof RtmpMessage.Data d ? d.name() : "";
                    if (!name.equals("|RtmpSampleAccess") && !name.equals("onStatus")) {
                        return m;
                    }
                }
                default -> {
                }
            }
        }
    }

    private RawMessage readFromSocket() throws IOException {
        RawMessage m = reader.read();
        int window = reader.peerWindowAckSize();
        if (window > 0 && reader.bytesRead() - acknowledged >= window) {
            acknowledged = reader.bytesRead();
            send(CSID_PROTOCOL, 0, new RtmpMessage.Acknowledgement((int) acknowledged));
        }
        if (m.typeId() == MessageType.USER_CONTROL && MessageCodec.decode(m) instanceof UserControl u
                && u.event() == UserControl.PING_REQUEST) {
            send(CSID_PROTOCOL, 0, UserControl.of(UserControl.PING_RESPONSE, u.value()));
        }
        return m;
    }

    /** How long a read may block before failing with a timeout. */
    public void setReadTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Bytes read from the server so far. */
    public long bytesRead() {
        return reader.bytesRead();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /** Decodes a status or data message's AMF values, for callers that inspect them. */
    public static List<Object> values(RawMessage m) throws ProtocolException {
        return switch (MessageCodec.decode(m)) {
            case Command c -> {
                List<Object> all = new ArrayList<>();
                all.add(c.name());
                all.add(c.transactionId());
                all.add(c.commandObject());
                all.addAll(c.arguments());
                yield all;
            }
            case RtmpMessage.Data d -> d.values();
            default -> List.of();
        };
    }
}
