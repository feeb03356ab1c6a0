package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.net.HostPort;
import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.LimitExceededException;
import dev.rtmpserver.wire.ProtocolException;
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
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One RTMP connection: the socket and its two virtual threads. The reading thread does the
 * handshake and then a blocking read loop, handing commands to {@link CommandHandler} and media to
 * what the connection publishes; everything sent goes through an {@link Outbound} drained by the
 * writer thread. What the connection publishes and plays is its {@link NetStreams}; when it has
 * timed out is the {@link Watchdog}'s decision.
 */
public final class Connection implements Runnable, Publisher {
    /**
     * Read buffers start small because most connections are players, which read a few commands in
     * their lifetime: ten thousand of them then cost little. A command fits; the handshake's
     * 1,536-byte blocks are larger and bypass the buffer.
     */
    private static final int INITIAL_BUFFER_BYTES = 1024;
    /** A publisher's reads: one system call for many chunks, even at tens of Mbit/s. */
    private static final int PUBLISHER_READ_BUFFER_BYTES = 64 * 1024;
    /**
     * A writer's batch goes out in one gathering write of the frames' shared encoded bytes; what
     * is the connection's own (control, commands, patched headers) is copied into a scratch buffer
     * first. Over TLS, which has no channel, the whole batch is copied into such buffers, one
     * system call each. Writers borrow them only while they write, so every connection shares a
     * few: 500 players holding one each would cost 8 MB.
     */
    private static final int WRITE_BUFFER_BYTES = 16 * 1024;
    /** More writers than this rarely write at the same moment on a few cores; extra buffers are garbage. */
    private static final int IDLE_WRITE_BUFFERS = 64;
    private static final BufferPool WRITE_BUFFERS = new BufferPool(WRITE_BUFFER_BYTES, IDLE_WRITE_BUFFERS);
    private static final BufferPool SCRATCH_BUFFERS = BufferPool.direct(WRITE_BUFFER_BYTES, IDLE_WRITE_BUFFERS);
    /** How often a shutdown checks whether a connection's queue has been written out. */
    private static final long DRAIN_POLL_NANOS = 10_000_000L;
    /**
     * What may be queued beyond the live-media limit: sequence headers, metadata and replies, which
     * are never dropped. Past it the peer is not reading at all, and the connection is closed.
     */
    private static final long OUTBOUND_SLACK_BYTES = 8L * 1024 * 1024;

    private final long id;
    private final Socket socket;
    private final SessionContext context;
    private final String description;
    private final Outbound out;
    private final CommandHandler commands;
    private final NetStreams streams;

    // Read by the watchdog thread; written by the reading thread. All System.nanoTime() values.
    private final long acceptedAt = System.nanoTime();
    private volatile long lastActivity = acceptedAt;
    /** When the publisher last sent media; 0 while the connection publishes nothing. */
    private volatile long lastMedia;
    private volatile boolean handshakeDone;
    private volatile boolean connected;
    /** When the watchdog last pinged the peer; only the watchdog thread touches it. */
    private long lastPing = acceptedAt;
    /** Set and used by the reading thread only: publishing enlarges it. */
    private ReadBuffer readBuffer;
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    /** Why the server closed the connection, if it did; read by the reading thread's last log line. */
    private volatile String closeReason;
    /** Why the reading thread ended, for the disconnect log line. */
    private String endReason = "closed";
    private volatile long bytesIn;
    private volatile String app;
    /** It may carry a token, so it is never logged. */
    private volatile String tcUrl = "";
    private volatile ClientCodecs codecs = ClientCodecs.LEGACY;
    private final long connectedAtMillis = System.currentTimeMillis();

    public Connection(long id, Socket socket, SessionContext context) {
        this.id = id;
        this.socket = socket;
        this.context = context;
        this.description = "conn-" + id + " " + HostPort.of(socket.getRemoteSocketAddress());
        long outboundLimit = context.config().playerQueueBytes() + OUTBOUND_SLACK_BYTES;
        this.out = new Outbound(outboundLimit, context.counters(),
                () -> closeAsync("more than " + outboundLimit + " bytes waiting to be sent"));
        this.streams = new NetStreams(this, context, out, acceptedAt);
        this.commands = new CommandHandler(this, streams);
    }

    @Override
    public String describe() {
        return description;
    }

    public long id() {
        return id;
    }

    /** What the HTTP API shows of a connection. */
    @SuppressWarnings("AvoidCommonTypeNames") // always written Connection.Info, never imported alone
    public record Info(long id, String address, String role, String app, List<String> publishing,
                       List<PlayerInfo> playing, List<String> recordings, long bytesIn, long bytesOut,
                       long connectedAtMillis) {
    }

    /**
     * @param lagMillis how long the oldest live frame has waited in this player's queue
     * @param bytesSent bytes of the stream written to this player so far
     */
    public record PlayerInfo(String stream, long droppedFrames, long lagMillis, long bytesSent) {
    }

    public Info info() {
        NetStreams.Snapshot s = streams.snapshot();
        return new Info(id, HostPort.of(socket.getRemoteSocketAddress()), s.role(), app, s.publishing(),
                s.playing(), s.recordings(), bytesIn, out.bytesWritten(), connectedAtMillis);
    }

    /**
     * Asks a publisher whose connect announced Enhanced RTMP reconnect support to reconnect, with
     * {@code NetConnection.Connect.ReconnectRequest}: it carries on to its next keyframe, then
     * connects again (to whichever server now answers the same URL) without a gap for viewers.
     *
     * @return whether it was asked: it publishes and said it understands the request
     */
    public boolean requestReconnect(String why) {
        if (!connected || !codecs.canReconnect() || streams.snapshot().publishing().isEmpty()) {
            return false;
        }
        out.send(Replies.onStatus(StatusCode.CONNECT_RECONNECT_REQUEST, why), 0);
        Logger.info("{}: asked to reconnect ({})", description, why);
        return true;
    }

    /** Keys this connection publishes; for kicking a stream's publisher. */
    public boolean publishes(StreamKey key) {
        return streams.publishes(key);
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
     * The watchdog's periodic look at this connection: pings a peer that has gone quiet, ends
     * plays that waited too long for a publisher, and returns why the connection should be closed
     * now, or null.
     */
    public String watchdogCheck(long now) {
        if (closeRequested.get()) {
            return null;
        }
        Watchdog.Verdict verdict = Watchdog.check(new Watchdog.State(acceptedAt, handshakeDone, connected,
                streams.idleSince(), lastMedia, out.stalledNanos(now), lastActivity, lastPing), now, context.config());
        if (verdict.ping()) {
            lastPing = now;
            out.send(UserControl.of(UserControl.PING_REQUEST, (int) ((now - acceptedAt) / 1_000_000)), 0);
        }
        if (verdict.close() == null && connected) {
            streams.endExpiredWaits(now);
        }
        return verdict.close();
    }

    /**
     * Closes the socket from a thread of its own, for callers (the publisher's thread, the
     * watchdog) that must not wait on someone else's socket. Streams this connection publishes
     * end at once: the server decided, so nobody is waited for.
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
            // From here the watchdog holds the peer to the handshake timeout until it connects.
            socket.setSoTimeout(0);
            handshakeDone = true;
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
            SocketChannel channel = socket.getChannel();
            if (channel != null) {
                out.drainTo(channel, SCRATCH_BUFFERS);
            } else {
                out.drainTo(stream, WRITE_BUFFERS);
            }
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
                Publishing p = streams.publishingOn(raw.streamId());
                if (p != null) {
                    lastMedia = lastActivity;
                    p.onVideo(raw.timestamp(), raw.payload());
                }
            }
            case MessageType.AUDIO -> {
                Publishing p = streams.publishingOn(raw.streamId());
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
        Publishing p = streams.publishingOn(raw.streamId());
        if (p == null) {
            Logger.debug("{}: data message '{}' on stream {} that is not publishing", description,
                    PeerText.of(data.name()), raw.streamId());
            return;
        }
        p.onDataMessage(raw, data);
    }

    private void onUserControl(UserControl u) {
        switch (u.event()) {
            case UserControl.PING_REQUEST -> out.send(UserControl.of(UserControl.PING_RESPONSE, u.value()), 0);
            case UserControl.SET_BUFFER_LENGTH ->
                    Logger.debug("{}: stream {} buffer length {} ms", description, u.value(), u.extra());
            default -> Logger.debug("{}: user control event {}", description, u.event());
        }
    }

    // ---- used by CommandHandler and NetStreams ---------------------------------------------

    SessionContext context() {
        return context;
    }

    void send(RtmpMessage message, int streamId) {
        out.send(message, streamId);
    }

    /** A connect succeeded: the handshake timeout no longer applies. */
    void connectedTo(String application, String url, ClientCodecs announced) {
        app = application;
        tcUrl = url;
        codecs = announced;
        connected = true;
    }

    /** What the client's connect announced it can take; legacy until it connects. */
    ClientCodecs codecs() {
        return codecs;
    }

    String tcUrl() {
        return tcUrl;
    }

    String clientAddress() {
        return socket.getInetAddress().getHostAddress();
    }

    /** Called on the reading thread when a publish starts. */
    void startedPublishing() {
        readBuffer.enlarge(PUBLISHER_READ_BUFFER_BYTES);
        lastMedia = System.nanoTime();
    }

    /** The connection publishes nothing any more: the media timeout no longer applies. */
    void stoppedPublishing() {
        lastMedia = 0;
    }

    private void ended(String reason) {
        endReason = closeReason != null ? closeReason : reason;
    }

    private void cleanUp(Thread writer) {
        // A close the server decided (kick, timeout, eviction) ends the streams now; otherwise the
        // connection was lost, and its players wait for the publisher to come back.
        streams.endAll("connection closed", closeReason != null ? NetStreams.End.SERVER : NetStreams.End.LOST);
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
}
