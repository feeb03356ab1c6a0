package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.handshake.ServerHandshake;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.StatusCode;
import org.tinylog.Logger;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One RTMP connection: the handshake, then a blocking read loop on this connection's virtual
 * thread, with everything it sends going through an {@link Outbound} drained by a second virtual
 * thread. A connection may publish and play any number of NetStreams.
 */
public final class Connection implements Runnable, Publisher {
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;
    /** What connect's _result announces; clients only display it. */
    private static final String FMS_VERSION = "FMS/3,5,7,7009";
    private static final double CAPABILITIES = 31;

    private final long id;
    private final Socket socket;
    private final SessionContext context;
    private final String description;
    private final Outbound out = new Outbound();
    private final CommandHandler commands;

    /** Keyed by message stream id; touched only by the reading thread. */
    private final Map<Integer, Publishing> publishing = new HashMap<>();
    private final Map<Integer, Playing> playing = new HashMap<>();

    // Read by the watchdog thread; written by the reading thread. All System.nanoTime() values.
    private volatile long lastActivity = System.nanoTime();
    private volatile long lastMedia;
    /** When the connection last had nothing to publish or play; 0 while it has. */
    private volatile long idleSince = System.nanoTime();
    private volatile boolean handshakeDone;
    private final long acceptedAt = System.nanoTime();
    private final AtomicBoolean closeRequested = new AtomicBoolean();

    public Connection(long id, Socket socket, SessionContext context) {
        this.id = id;
        this.socket = socket;
        this.context = context;
        this.description = "conn-" + id + " " + socket.getRemoteSocketAddress();
        this.commands = new CommandHandler(this);
    }

    @Override
    public String describe() {
        return description;
    }

    public long id() {
        return id;
    }

    @Override
    public long lastActivityNanos() {
        return lastActivity;
    }

    @Override
    public void evict(String reason) {
        Logger.info("{}: closing: {}", description, reason);
        closeAsync();
    }

    /**
     * Why this connection should be closed now, or null. Called periodically by the server's
     * watchdog; the handshake has its own socket timeout.
     */
    public String timeoutReason(long now) {
        if (closeRequested.get()) {
            return null;
        }
        SessionConfig c = context.config();
        if (!handshakeDone) {
            // The socket timeout normally fires first; this catches a peer trickling single bytes.
            return now - acceptedAt > c.handshakeTimeout().toNanos() * 2 ? "handshake not completed" : null;
        }
        long since = idleSince;
        if (since != 0 && now - since > c.idleTimeout().toNanos()) {
            return "neither published nor played for " + c.idleTimeout().toSeconds() + " s";
        }
        long media = lastMedia;
        if (media != 0 && now - media > c.mediaTimeout().toNanos()) {
            return "publisher sent no media for " + c.mediaTimeout().toSeconds() + " s";
        }
        if (out.stalledNanos(now) > c.writeTimeout().toNanos()) {
            return "socket accepted no bytes for " + c.writeTimeout().toSeconds() + " s";
        }
        return null;
    }

    /**
     * Closes the socket from a thread of its own, for callers (the publisher's thread, the
     * watchdog) that must not wait on someone else's socket.
     */
    public void closeAsync() {
        if (closeRequested.compareAndSet(false, true)) {
            Threads.startVirtual("conn-" + id + "-close", this::close);
        }
    }

    /** Closes the socket; the reading thread then cleans up. Safe from any thread. */
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            Logger.debug(e, "{}: close failed", description);
        }
    }

    @Override
    public void run() {
        Thread writer = null;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) context.config().handshakeTimeout().toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream(), READ_BUFFER_BYTES);
            OutputStream rawOut = socket.getOutputStream();
            ServerHandshake.perform(in, rawOut);
            socket.setSoTimeout(0);
            handshakeDone = true;
            idleSince = System.nanoTime();
            Logger.debug("{}: handshake done", description);
            writer = Threads.startVirtual("conn-" + id + "-writer", () -> write(rawOut));
            readLoop(new ChunkReader(in));
        } catch (SocketTimeoutException e) {
            Logger.info("{}: handshake not completed within {}, closing", description,
                    context.config().handshakeTimeout());
        } catch (EOFException e) {
            Logger.debug("{}: peer closed the connection", description);
        } catch (ProtocolException e) {
            Logger.warn("{}: protocol error, closing: {}", description, e.getMessage());
        } catch (SocketException e) {
            Logger.debug("{}: socket closed: {}", description, e.getMessage());
        } catch (IOException e) {
            Logger.info("{}: connection failed: {}", description, e.getMessage());
        } catch (RuntimeException e) {
            Logger.error(e, "{}: internal error, closing", description);
        } finally {
            cleanUp(writer);
        }
    }

    private void write(OutputStream stream) {
        try {
            out.drainTo(stream, WRITE_BUFFER_BYTES);
        } catch (IOException e) {
            Logger.debug("{}: write failed: {}", description, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // A dead socket on the sending side must end the reading side too.
            close();
        }
    }

    private void readLoop(ChunkReader reader) throws IOException {
        long acknowledged = 0;
        while (true) {
            RawMessage raw = reader.read();
            lastActivity = System.nanoTime();
            int window = reader.peerWindowAckSize() > 0 ? reader.peerWindowAckSize()
                    : context.config().windowAckSize();
            if (reader.bytesRead() - acknowledged >= window) {
                acknowledged = reader.bytesRead();
                out.send(new RtmpMessage.Acknowledgement((int) acknowledged), 0);
            }
            dispatch(raw);
        }
    }

    private void dispatch(RawMessage raw) throws IOException {
        switch (raw.typeId()) {
            case MessageType.VIDEO -> {
                Publishing p = publishing.get(raw.streamId());
                if (p != null) {
                    lastMedia = lastActivity;
                    p.onVideo(raw.timestamp(), raw.payload());
                }
            }
            case MessageType.AUDIO -> {
                Publishing p = publishing.get(raw.streamId());
                if (p != null) {
                    lastMedia = lastActivity;
                    p.onAudio(raw.timestamp(), raw.payload());
                }
            }
            default -> {
                switch (MessageCodec.decode(raw)) {
                    case Command c -> commands.handle(raw.streamId(), c);
                    case Data d -> onData(raw, d);
                    case UserControl u -> onUserControl(u);
                    case RtmpMessage.Unknown u -> Logger.debug("{}: ignoring message type {}", description, u.typeId());
                    default -> {
                        // Chunk-level control was applied by the reader; acknowledgements need nothing.
                    }
                }
            }
        }
    }

    private void onData(RawMessage raw, Data data) {
        Publishing p = publishing.get(raw.streamId());
        if (p == null) {
            Logger.debug("{}: data message '{}' on stream {} that is not publishing", description, data.name(),
                    raw.streamId());
            return;
        }
        List<Object> values = data.values();
        if ("@setDataFrame".equals(data.name()) && values.size() >= 2 && "onMetaData".equals(values.get(1))) {
            List<Object> rest = new ArrayList<>(values.subList(1, values.size()));
            p.onMetadata(raw.timestamp(), Amf0.encode(rest.toArray()), rest.size() > 1 ? rest.get(1) : null);
        } else if ("onMetaData".equals(data.name())) {
            p.onMetadata(raw.timestamp(), Amf0.encode(values.toArray()), values.size() > 1 ? values.get(1) : null);
        } else if (raw.typeId() == MessageType.DATA_AMF0) {
            p.onData(raw.timestamp(), raw.payload());
        } else {
            p.onData(raw.timestamp(), Amf0.encode(values.toArray()));
        }
    }

    private void onUserControl(UserControl u) {
        switch (u.event()) {
            case UserControl.PING_REQUEST -> out.send(UserControl.of(UserControl.PING_RESPONSE, u.value()), 0);
            case UserControl.SET_BUFFER_LENGTH ->
                    Logger.debug("{}: stream {} buffer length {} ms", description, u.value(), u.extra());
            default -> Logger.debug("{}: user control event {}", description, u.event());
        }
    }

    // ---- used by CommandHandler -------------------------------------------------------------

    Outbound out() {
        return out;
    }

    SessionContext context() {
        return context;
    }

    void send(RtmpMessage message, int streamId) {
        out.send(message, streamId);
    }

    static Command onStatus(StatusCode status, String description) {
        return new Command("onStatus", 0, null, List.of(status.info(description)));
    }

    static Map<String, Object> serverProperties() {
        return Amf0.object("fmsVer", FMS_VERSION, "capabilities", CAPABILITIES, "mode", 1.0);
    }

    /** Starts publishing {@code key} on {@code streamId}; answers the client either way. */
    void startPublishing(int streamId, StreamKey key, String query) {
        if (publishing.containsKey(streamId) || playing.containsKey(streamId)) {
            send(onStatus(StatusCode.PUBLISH_BAD_NAME, "stream " + streamId + " is already in use"), streamId);
            return;
        }
        LiveStream stream;
        try {
            stream = context.registry().publish(key, this);
        } catch (StreamBusyException e) {
            Logger.info("{}: publish {} refused: {}", description, key, e.getMessage());
            send(onStatus(StatusCode.PUBLISH_BAD_NAME, e.getMessage()), streamId);
            return;
        }
        publishing.put(streamId, new Publishing(streamId, key, query, stream));
        lastMedia = System.nanoTime();
        activityChanged();
        send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        send(onStatus(StatusCode.PUBLISH_START, key + " is now published"), streamId);
        Logger.info("{}: publishing {}", description, key);
    }

    /** Starts playing {@code key} on {@code streamId}. */
    void startPlaying(int streamId, StreamKey key, String query) {
        if (publishing.containsKey(streamId) || playing.containsKey(streamId)) {
            send(onStatus(StatusCode.PLAY_FAILED, "stream " + streamId + " is already in use"), streamId);
            return;
        }
        PlayerSink sink = new PlayerSink(out, streamId, key, description, context.config(), () -> {
            Logger.info("{}: closing: player too slow", description);
            closeAsync();
        });
        send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        send(onStatus(StatusCode.PLAY_RESET, "playing and resetting " + key), streamId);
        send(onStatus(StatusCode.PLAY_START, "started playing " + key), streamId);
        send(new Data(List.of("|RtmpSampleAccess", true, true)), streamId);
        LiveStream stream = context.registry().subscribe(key, sink);
        playing.put(streamId, new Playing(sink, stream, query));
        activityChanged();
        Logger.info("{}: playing {}{}", description, key, stream.isPublished() ? "" : " (waiting for a publisher)");
    }

    PlayerSink playerOn(int streamId) {
        Playing p = playing.get(streamId);
        return p == null ? null : p.sink();
    }

    /** Ends whatever stream {@code streamId} publishes or plays, at the client's request. */
    void closeStream(int streamId, String why) {
        endStream(streamId, why, false);
    }

    /**
     * @param lost the connection died: a publisher's players wait out the reconnect grace period
     *             instead of being told at once
     */
    private void endStream(int streamId, String why, boolean lost) {
        Publishing p = publishing.remove(streamId);
        if (p != null) {
            if (lost) {
                context.registry().publisherLost(p.stream(), this);
            } else {
                context.registry().unpublish(p.stream(), this);
            }
            Logger.info("{}: unpublished {} ({}): {}", description, p.key(), why, p.summary());
        }
        Playing pl = playing.remove(streamId);
        if (pl != null) {
            context.registry().unsubscribe(pl.stream(), pl.sink());
            Logger.info("{}: stopped playing {} ({}), {} frames dropped", description, pl.sink().key(), why,
                    pl.sink().droppedFrames());
        }
        activityChanged();
    }

    private void activityChanged() {
        if (publishing.isEmpty()) {
            lastMedia = 0;
        }
        boolean idle = publishing.isEmpty() && playing.isEmpty();
        if (!idle) {
            idleSince = 0;
        } else if (idleSince == 0) {
            idleSince = System.nanoTime();
        }
    }

    /** FCUnpublish names the stream instead of the NetStream. */
    void closePublishingByName(String name, String why) {
        for (Publishing p : List.copyOf(publishing.values())) {
            if (p.key().name().equals(name)) {
                closeStream(p.streamId(), why);
            }
        }
    }

    private void cleanUp(Thread writer) {
        for (int streamId : List.copyOf(publishing.keySet())) {
            endStream(streamId, "connection closed", true);
        }
        for (int streamId : List.copyOf(playing.keySet())) {
            endStream(streamId, "connection closed", true);
        }
        out.close();
        close();
        if (writer != null) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Logger.debug("{}: closed", description);
    }

    private record Playing(PlayerSink sink, LiveStream stream, String query) {
    }
}
