package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamLimitException;
import dev.rtmpserver.wire.LimitExceededException;
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

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One RTMP connection: the handshake, then a blocking read loop on this connection's virtual
 * thread, with everything it sends going through an {@link Outbound} drained by a second virtual
 * thread. A connection may publish and play any number of NetStreams.
 */
public final class Connection implements Runnable, Publisher {
    /**
     * Buffers start small because most connections are players, which read a few commands in
     * their lifetime: ten thousand of them then cost little. A command fits; the handshake's
     * 1,536-byte blocks are larger and bypass the buffer.
     */
    private static final int INITIAL_BUFFER_BYTES = 1024;
    /** A publisher's reads: one system call for many chunks, even at tens of Mbit/s. */
    private static final int PUBLISHER_READ_BUFFER_BYTES = 64 * 1024;
    /**
     * A writer's batch of small messages (audio, control, small video frames) goes out in one
     * system call; larger frames are written straight from their shared encoded bytes.
     */
    private static final int MAX_WRITE_BUFFER_BYTES = 16 * 1024;
    /** How often a shutdown checks whether a connection's queue has been written out. */
    private static final long DRAIN_POLL_NANOS = 10_000_000L;
    /**
     * What may be queued beyond the live-media limit: sequence headers, metadata and replies, which
     * are never dropped. Past it the peer is not reading at all, and the connection is closed.
     */
    private static final long OUTBOUND_SLACK_BYTES = 8L * 1024 * 1024;
    /** What connect's _result announces; clients only display it. */
    private static final String FMS_VERSION = "FMS/3,5,7,7009";
    private static final double CAPABILITIES = 31;
    /** The AMF0 string {@code "@setDataFrame"} as it starts a publisher's metadata message. */
    private static final byte[] SET_DATA_FRAME = Amf0.encode("@setDataFrame");

    private final long id;
    private final Socket socket;
    private final SessionContext context;
    private final String description;
    private final Outbound out;
    private final CommandHandler commands;

    /** Keyed by message stream id; changed only by the reading thread, read by the HTTP API too. */
    private final Map<Integer, Publishing> publishing = new ConcurrentHashMap<>();
    private final Map<Integer, Playing> playing = new ConcurrentHashMap<>();
    private final Map<Integer, VodPlayback> vods = new ConcurrentHashMap<>();

    // Read by the watchdog thread; written by the reading thread. All System.nanoTime() values.
    private volatile long lastActivity = System.nanoTime();
    private volatile long lastMedia;
    /** When the connection last had nothing to publish or play; 0 while it has. */
    private volatile long idleSince = System.nanoTime();
    private volatile boolean handshakeDone;
    /** Set and used by the reading thread only: publishing enlarges it. */
    private ReadBuffer readBuffer;
    private final long acceptedAt = System.nanoTime();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    /** Why we closed the connection, if we did; read by the reading thread's last log line. */
    private volatile String closeReason;
    /** Why the reading thread ended, for the disconnect log line. */
    private String endReason = "closed";
    private volatile long bytesIn;
    private volatile String app;
    /** Only the reading thread touches it; it may carry a token, so it is never logged. */
    private String tcUrl;
    private final long connectedAtMillis = System.currentTimeMillis();
    /** When the watchdog last pinged the peer; only the watchdog thread touches it. */
    private long lastPing = System.nanoTime();

    public Connection(long id, Socket socket, SessionContext context) {
        this.id = id;
        this.socket = socket;
        this.context = context;
        this.description = "conn-" + id + " " + socket.getRemoteSocketAddress();
        this.out = new Outbound(context.config().playerQueueBytes() + OUTBOUND_SLACK_BYTES, context.counters(),
                () -> closeAsync("more than " + (context.config().playerQueueBytes() + OUTBOUND_SLACK_BYTES)
                        + " bytes waiting to be sent"));
        this.commands = new CommandHandler(this);
    }

    @Override
    public String describe() {
        return description;
    }

    public long id() {
        return id;
    }

    /** What the HTTP API shows of a connection. */
    public record Info(long id, String address, String role, String app, List<String> publishing,
                       List<PlayerInfo> playing, List<String> recordings, long bytesIn, long bytesOut,
                       long connectedAtMillis) {
    }

    /**
     * @param lagMillis how long the oldest live frame has waited in this player's queue
     */
    public record PlayerInfo(String stream, long droppedFrames, long lagMillis) {
    }

    public Info info() {
        String role = !publishing.isEmpty() ? "publisher" : !playing.isEmpty() || !vods.isEmpty() ? "player" : "idle";
        List<String> published = publishing.values().stream().map(p -> p.key().toString()).toList();
        List<PlayerInfo> played = playing.values().stream()
                .map(p -> new PlayerInfo(p.sink().key().toString(), p.sink().droppedFrames(), out.liveWaitMillis()))
                .toList();
        List<String> recordings = vods.values().stream().map(VodPlayback::name).toList();
        return new Info(id, String.valueOf(socket.getRemoteSocketAddress()), role, app, published, played, recordings,
                bytesIn, out.bytesWritten(), connectedAtMillis);
    }

    /** Keys this connection publishes; for kicking a stream's publisher. */
    public boolean publishes(StreamKey key) {
        return publishing.values().stream().anyMatch(p -> p.key().equals(key));
    }

    void connectedTo(String application, String url) {
        app = application;
        tcUrl = url;
    }

    /** Null if the access rules allow it; otherwise the reason, already counted and logged. */
    private String denied(AccessControl.Action action, StreamKey key, String query) {
        String reason = context.access().deny(new AccessControl.Request(action, key.app(), key.name(), query,
                tcUrl == null ? "" : tcUrl, socket.getInetAddress().getHostAddress()));
        if (reason != null) {
            (action == AccessControl.Action.PUBLISH ? context.counters().publishesRejected
                    : context.counters().playsRejected).increment();
            Logger.info("{}: {} {} denied: {}", description, action.name().toLowerCase(java.util.Locale.ROOT), key,
                    reason);
        }
        return reason;
    }

    @Override
    public long lastActivityNanos() {
        return lastActivity;
    }

    @Override
    public void evict(String reason) {
        closeAsync(reason);
    }

    /**
     * The watchdog's periodic look at this connection: pings a peer that has gone quiet, and
     * returns why the connection should be closed now, or null. The handshake has its own socket
     * timeout.
     */
    public String watchdogCheck(long now) {
        if (closeRequested.get()) {
            return null;
        }
        SessionConfig c = context.config();
        if (!handshakeDone) {
            // The socket timeout normally fires first; this catches a peer trickling single bytes.
            return now - acceptedAt > c.handshakeTimeout().toNanos() * 2 ? "handshake not completed" : null;
        }
        long idleLimit = c.idleTimeout().toNanos();
        long since = idleSince;
        if (since != 0 && now - since > idleLimit) {
            return "neither published nor played for " + c.idleTimeout().toSeconds() + " s";
        }
        long media = lastMedia;
        if (media != 0 && now - media > c.mediaTimeout().toNanos()) {
            return "publisher sent no media for " + c.mediaTimeout().toSeconds() + " s";
        }
        if (out.stalledNanos(now) > c.writeTimeout().toNanos()) {
            return "socket accepted no bytes for " + c.writeTimeout().toSeconds() + " s";
        }
        // A player of a quiet stream sends nothing; a ping tells a live peer from a vanished one.
        long silent = now - lastActivity;
        if (silent > idleLimit) {
            return "sent nothing, not even a ping response, for " + c.idleTimeout().toSeconds() + " s";
        }
        if (silent > idleLimit / 2 && lastPing - lastActivity < 0) {
            lastPing = now;
            out.send(UserControl.of(UserControl.PING_REQUEST, (int) ((now - acceptedAt) / 1_000_000)), 0);
        }
        return null;
    }

    /**
     * Closes the socket from a thread of its own, for callers (the publisher's thread, the
     * watchdog) that must not wait on someone else's socket.
     */
    public void closeAsync(String reason) {
        if (closeRequested.compareAndSet(false, true)) {
            closeReason = reason;
            Logger.info("{}: closing: {}", description, reason);
            Threads.startVirtual("conn-" + id + "-close", this::close);
        }
    }

    /**
     * Shutdown: lets the writer deliver what is queued (end-of-stream notices, say) until
     * {@code deadlineNanos}, then closes.
     */
    public void closeWhenDrained(long deadlineNanos) {
        while (!out.isDrained() && System.nanoTime() < deadlineNanos) {
            LockSupport.parkNanos(DRAIN_POLL_NANOS);
        }
        closeReason = "server shutting down";
        close();
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
            ReadBuffer in = new ReadBuffer(socket.getInputStream(), INITIAL_BUFFER_BYTES);
            readBuffer = in;
            OutputStream rawOut = socket.getOutputStream();
            ServerHandshake.perform(in, rawOut);
            socket.setSoTimeout(0);
            handshakeDone = true;
            idleSince = System.nanoTime();
            Logger.debug("{}: handshake done", description);
            writer = Threads.startVirtual("conn-" + id + "-writer", () -> write(rawOut));
            ProtocolLimits limits = context.config().protocolLimits();
            readLoop(new ChunkReader(in, limits.maxMessageBytes(), limits.maxChunkSize()));
        } catch (SocketTimeoutException e) {
            context.counters().handshakeFailures.increment();
            ended("handshake not completed within " + context.config().handshakeTimeout().toSeconds() + " s");
        } catch (EOFException e) {
            ended("peer closed the connection");
        } catch (LimitExceededException e) {
            context.counters().protocolErrors.increment();
            context.counters().limitExceeded(e.limit());
            Logger.warn("{}: closing, over the {} limit: {}", description, e.limit(), e.getMessage());
            ended("limit exceeded");
        } catch (ProtocolException e) {
            if (handshakeDone) {
                context.counters().protocolErrors.increment();
                Logger.warn("{}: protocol error: {}", description, e.getMessage());
            } else {
                // Mostly scanners and non-RTMP clients: a log line each, but not a warning each.
                context.counters().handshakeFailures.increment();
                Logger.info("{}: not an RTMP handshake: {}", description, e.getMessage());
            }
            ended("protocol error");
        } catch (SocketException e) {
            ended("socket closed: " + e.getMessage());
        } catch (IOException e) {
            ended("connection failed: " + e.getMessage());
        } catch (RuntimeException e) {
            Logger.error(e, "{}: internal error, closing", description);
            ended("internal error");
        } finally {
            cleanUp(writer);
        }
    }

    private void write(OutputStream stream) {
        try {
            out.drainTo(stream, INITIAL_BUFFER_BYTES, MAX_WRITE_BUFFER_BYTES);
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
        long counted = 0;
        while (true) {
            RawMessage raw = reader.read();
            lastActivity = System.nanoTime();
            long read = reader.bytesRead();
            context.counters().bytesIn.add(read - counted);
            context.counters().messagesIn.increment();
            counted = read;
            bytesIn = read;
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
                switch (MessageCodec.decode(raw, context.config().protocolLimits().maxAmfDepth())) {
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
            Logger.debug("{}: data message '{}' on stream {} that is not publishing", description,
                    CommandHandler.text(data.name()), raw.streamId());
            return;
        }
        List<Object> values = data.values();
        boolean setDataFrame = "@setDataFrame".equals(data.name());
        if (setDataFrame && values.size() >= 2 && "onMetaData".equals(values.get(1))
                || "onMetaData".equals(data.name())) {
            int properties = setDataFrame ? 2 : 1;
            p.onMetadata(raw.timestamp(), amf0Body(raw, setDataFrame),
                    values.size() > properties ? values.get(properties) : null);
        } else {
            p.onData(raw.timestamp(), amf0Body(raw, setDataFrame));
        }
    }

    /**
     * The message's AMF0 values as players get them: the publisher's own bytes, minus a leading
     * {@code @setDataFrame} and an AMF3 message's format byte. The bytes are forwarded rather than
     * re-encoded, because re-encoding expands AMF references and could grow without bound.
     */
    private static byte[] amf0Body(RawMessage raw, boolean stripSetDataFrame) {
        byte[] p = raw.payload();
        int from = raw.typeId() == MessageType.DATA_AMF3 && p.length > 0 && p[0] == 0 ? 1 : 0;
        if (stripSetDataFrame && startsWith(p, from, SET_DATA_FRAME)) {
            from += SET_DATA_FRAME.length;
        }
        return from == 0 ? p : Arrays.copyOfRange(p, from, p.length);
    }

    private static boolean startsWith(byte[] p, int from, byte[] prefix) {
        return p.length - from >= prefix.length && Arrays.equals(p, from, from + prefix.length, prefix, 0, prefix.length);
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
        String denial = denied(AccessControl.Action.PUBLISH, key, query);
        if (denial != null) {
            send(onStatus(StatusCode.PUBLISH_BAD_NAME, "publish " + key + " denied: " + denial), streamId);
            return;
        }
        LiveStream stream;
        try {
            stream = context.registry().publish(key, this);
        } catch (StreamLimitException e) {
            context.counters().publishesRejected.increment();
            context.counters().limitExceeded("streams");
            Logger.warn("{}: publish {} refused: {}", description, key, e.getMessage());
            send(onStatus(StatusCode.PUBLISH_BAD_NAME, e.getMessage()), streamId);
            return;
        } catch (StreamBusyException e) {
            context.counters().publishesRejected.increment();
            Logger.info("{}: publish {} refused: {}", description, key, e.getMessage());
            send(onStatus(StatusCode.PUBLISH_BAD_NAME, e.getMessage()), streamId);
            return;
        }
        publishing.put(streamId, new Publishing(this, streamId, key, query, stream));
        readBuffer.enlarge(PUBLISHER_READ_BUFFER_BYTES);
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
        String denial = denied(AccessControl.Action.PLAY, key, query);
        if (denial != null) {
            send(onStatus(StatusCode.PLAY_FAILED, "play " + key + " denied: " + denial), streamId);
            return;
        }
        PlayerSink sink = new PlayerSink(out, streamId, key, description, context.config(),
                context.registry().policy(key.app()).audioWithVideo(), context.counters().framesDroppedPlayerBehind,
                () -> closeAsync("player too slow"));
        send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        send(onStatus(StatusCode.PLAY_RESET, "playing and resetting " + key), streamId);
        send(onStatus(StatusCode.PLAY_START, "started playing " + key), streamId);
        send(new Data(List.of("|RtmpSampleAccess", true, true)), streamId);
        LiveStream stream;
        try {
            stream = context.registry().subscribe(key, sink);
        } catch (StreamLimitException e) {
            context.counters().playsRejected.increment();
            context.counters().limitExceeded("streams");
            Logger.warn("{}: play {} refused: {}", description, key, e.getMessage());
            send(onStatus(StatusCode.PLAY_FAILED, e.getMessage()), streamId);
            return;
        }
        playing.put(streamId, new Playing(sink, stream, query));
        activityChanged();
        Logger.info("{}: playing {}{}", description, key, stream.isPublished() ? "" : " (waiting for a publisher)");
    }

    /** Plays the recording {@code name} (a path inside the record directory) on {@code streamId}. */
    void startVod(int streamId, String name, int startMillis, String query) {
        if (publishing.containsKey(streamId) || playing.containsKey(streamId) || vods.containsKey(streamId)) {
            send(onStatus(StatusCode.PLAY_FAILED, "stream " + streamId + " is already in use"), streamId);
            return;
        }
        String denial = denied(AccessControl.Action.PLAY, new StreamKey(CommandHandler.VOD_APP, name), query);
        if (denial != null) {
            send(onStatus(StatusCode.PLAY_FAILED, "play denied: " + denial), streamId);
            return;
        }
        var file = context.recordings().apply(name);
        if (file.isEmpty()) {
            context.counters().playsRejected.increment();
            Logger.info("{}: no recording '{}' to play", description, CommandHandler.text(name));
            send(onStatus(StatusCode.PLAY_STREAM_NOT_FOUND, "no recording " + CommandHandler.text(name)), streamId);
            return;
        }
        VodPlayback vod = new VodPlayback(out, streamId, file.get(), name, description);
        vods.put(streamId, vod);
        activityChanged();
        Logger.info("{}: playing recording {} from {} ms", description, file.get(), startMillis);
        vod.start(startMillis, "conn-" + id + "-vod-" + streamId);
    }

    VodPlayback vodOn(int streamId) {
        return vods.get(streamId);
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
        VodPlayback vod = vods.remove(streamId);
        if (vod != null) {
            vod.stop();
            Logger.info("{}: stopped playing recording {} ({})", description, vod.name(), why);
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
        boolean idle = publishing.isEmpty() && playing.isEmpty() && vods.isEmpty();
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

    private void ended(String reason) {
        endReason = closeReason != null ? closeReason : reason;
    }

    private void cleanUp(Thread writer) {
        for (int streamId : List.copyOf(publishing.keySet())) {
            endStream(streamId, "connection closed", true);
        }
        for (int streamId : List.copyOf(playing.keySet())) {
            endStream(streamId, "connection closed", true);
        }
        for (int streamId : List.copyOf(vods.keySet())) {
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
        if (handshakeDone || closeReason != null) {
            Logger.info("{}: disconnected ({}) after {} s, {} bytes in, {} bytes out", description,
                    closeReason != null ? closeReason : endReason,
                    (System.currentTimeMillis() - connectedAtMillis) / 1000, bytesIn, out.bytesWritten());
        } else {
            Logger.debug("{}: disconnected before the handshake ({})", description, endReason);
        }
    }

    private record Playing(PlayerSink sink, LiveStream stream, String query) {
    }
}
