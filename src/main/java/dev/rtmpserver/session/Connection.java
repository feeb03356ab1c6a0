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
import java.io.BufferedOutputStream;
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
            Logger.debug("{}: handshake done", description);
            OutputStream bufferedOut = new BufferedOutputStream(rawOut, WRITE_BUFFER_BYTES);
            writer = Threads.startVirtual("conn-" + id + "-writer", () -> write(bufferedOut));
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
            out.drainTo(stream);
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
            case MessageType.VIDEO -> publishingOn(raw).ifPresent(p -> p.onVideo(raw.timestamp(), raw.payload()));
            case MessageType.AUDIO -> publishingOn(raw).ifPresent(p -> p.onAudio(raw.timestamp(), raw.payload()));
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

    private java.util.Optional<Publishing> publishingOn(RawMessage raw) {
        return java.util.Optional.ofNullable(publishing.get(raw.streamId()));
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
        PlayerSink sink = new PlayerSink(out, streamId, key, context.config().playerQueueBytes());
        send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        send(onStatus(StatusCode.PLAY_RESET, "playing and resetting " + key), streamId);
        send(onStatus(StatusCode.PLAY_START, "started playing " + key), streamId);
        send(new Data(List.of("|RtmpSampleAccess", true, true)), streamId);
        LiveStream stream = context.registry().subscribe(key, sink);
        playing.put(streamId, new Playing(sink, stream, query));
        Logger.info("{}: playing {}{}", description, key, stream.isPublished() ? "" : " (waiting for a publisher)");
    }

    PlayerSink playerOn(int streamId) {
        Playing p = playing.get(streamId);
        return p == null ? null : p.sink();
    }

    /** Ends whatever stream {@code streamId} publishes or plays. */
    void closeStream(int streamId, String why) {
        Publishing p = publishing.remove(streamId);
        if (p != null) {
            context.registry().unpublish(p.stream(), this);
            Logger.info("{}: unpublished {} ({}): {}", description, p.key(), why, p.summary());
        }
        Playing pl = playing.remove(streamId);
        if (pl != null) {
            context.registry().unsubscribe(pl.stream(), pl.sink());
            Logger.info("{}: stopped playing {} ({}), {} frames dropped", description, pl.sink().key(), why,
                    pl.sink().droppedFrames());
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
            closeStream(streamId, "connection closed");
        }
        for (int streamId : List.copyOf(playing.keySet())) {
            closeStream(streamId, "connection closed");
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
