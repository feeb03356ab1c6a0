package dev.rtmpserver.relay;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.MediaFrame;
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
import dev.rtmpserver.wire.message.StatusCode;
import org.tinylog.Logger;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One RTMP publish to another server: handshake, connect, createStream and publish, then media
 * written by one thread while a reader thread answers the server (acknowledgements, pings) and
 * notices when it ends the publish. Made again from scratch for every reconnect.
 */
final class RtmpPublisher implements Closeable {
    /** As ffmpeg and OBS send with: large enough that a video frame is a handful of chunks. */
    static final int CHUNK_SIZE = 4096;
    private static final int CSID_PROTOCOL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;
    private static final int BUFFER_BYTES = 64 * 1024;
    /** Prefix that makes a target keep onMetaData and give it to its own players. */
    private static final byte[] SET_DATA_FRAME = Amf0.encode("@setDataFrame");

    private final Socket socket;
    private final PushUrl url;
    private final ChunkReader reader;
    private final OutputStream out;
    private final ChunkWriter writer;
    private final AtomicLong bytesSent = new AtomicLong();
    /** Guards {@link #writer} and {@link #out}: the reader thread answers pings while media is written. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private double nextTransactionId = 1;
    private long acknowledged;
    private int streamId;
    /** Why the server ended the publish, set by the reader thread. */
    private volatile String endedBy;
    private volatile boolean readerEnded;

    private RtmpPublisher(Socket socket, PushUrl url) throws IOException {
        this.socket = socket;
        this.url = url;
        this.reader = new ChunkReader(new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES));
        this.out = new BufferedOutputStream(new FilterOutputStream(socket.getOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                bytesSent.addAndGet(len);
            }
        }, BUFFER_BYTES);
        this.writer = new ChunkWriter(out);
    }

    /**
     * Connects and publishes; returns once the server said NetStream.Publish.Start.
     *
     * @param insecure for rtmps, accept any certificate for any host
     * @param timeout  for the TCP connect and for each answer during set-up
     * @param onEnd    run on the reader thread when the server ends the publish or the connection
     */
    static RtmpPublisher open(PushUrl url, boolean insecure, Duration timeout, String threadName,
                              Consumer<RtmpPublisher> onEnd)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(url.host(), url.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            if (url.tls()) {
                socket = tls(socket, url.host(), url.port(), insecure);
            }
            RtmpPublisher p = new RtmpPublisher(socket, url);
            p.publish();
            // Publishing, the server need not say anything for as long as the stream lasts.
            socket.setSoTimeout(0);
            Threads.startVirtual(threadName, () -> {
                p.readUntilClosed();
                p.readerEnded = true;
                onEnd.accept(p);
            });
            return p;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static Socket tls(Socket plain, String host, int port, boolean insecure) throws IOException {
        SSLContext context;
        try {
            if (insecure) {
                context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAnyCertificate()}, null);
            } else {
                context = SSLContext.getDefault();
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS is not available: " + e.getMessage(), e);
        }
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters params = s.getSSLParameters();
        if (!insecure) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpLiteral(host)) {
            params.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    private void publish() throws IOException {
        ClientHandshake.perform(socket.getInputStream(), socket.getOutputStream(), true);
        writeLock.lock();
        try {
            write(CSID_PROTOCOL, MessageCodec.encode(new RtmpMessage.SetChunkSize(CHUNK_SIZE), 0, 0));
            writer.setChunkSize(CHUNK_SIZE);
        } finally {
            writeLock.unlock();
        }
        call("connect", Amf0.object(
                "app", url.app(),
                "type", "nonprivate",
                "flashVer", "FMLE/3.0 (compatible; rtmp-server relay)",
                "tcUrl", url.tcUrl()));
        // Services such as Twitch and YouTube expect the FMLE sequence before createStream.
        command(0, "releaseStream", nextTransactionId++, null, url.streamName());
        command(0, "FCPublish", nextTransactionId++, null, url.streamName());
        Command created = call("createStream", null);
        if (!(created.argument(0) instanceof Double id)) {
            throw new ProtocolException("createStream answered without a stream id");
        }
        streamId = id.intValue();
        command(streamId, "publish", 0, null, url.streamName(), "live");
        while (true) {
            Map<?, ?> status = status(readAnswering());
            if (status != null && StatusCode.PUBLISH_START.code().equals(status.get("code"))) {
                return;
            }
            if (status != null && "error".equals(status.get("level"))) {
                throw new IOException("publish refused: " + status.get("code"));
            }
        }
    }

    /** Calls a NetConnection method and waits for its _result; _error becomes an exception. */
    private Command call(String name, Object commandObject) throws IOException {
        double tx = nextTransactionId++;
        command(0, name, tx, commandObject);
        while (true) {
            if (MessageCodec.decode(readAnswering()) instanceof Command c && c.transactionId() == tx) {
                if (c.name().equals("_error")) {
                    String code = c.argument(0) instanceof Map<?, ?> m ? String.valueOf(m.get("code")) : "";
                    throw new IOException(name + " refused: " + code);
                }
                if (c.name().equals("_result")) {
                    return c;
                }
            }
        }
    }

    private void command(int stream, String name, double tx, Object commandObject, Object... args)
            throws IOException {
        send(CSID_COMMAND, MessageCodec.encode(new Command(name, tx, commandObject, Arrays.asList(args)), stream, 0));
    }

    /** The info object of an onStatus command, or null for any other message. */
    private static Map<?, ?> status(RawMessage raw) throws ProtocolException {
        if (MessageCodec.decode(raw) instanceof Command c && c.name().equals("onStatus")
                && c.argument(0) instanceof Map<?, ?> info) {
            return info;
        }
        return null;
    }

    /** Reads one message, acknowledging and answering pings on the way. */
    private RawMessage readAnswering() throws IOException {
        RawMessage m = reader.read();
        int window = reader.peerWindowAckSize();
        if (window > 0 && reader.bytesRead() - acknowledged >= window) {
            acknowledged = reader.bytesRead();
            send(CSID_PROTOCOL, MessageCodec.encode(new RtmpMessage.Acknowledgement((int) acknowledged), 0, 0));
        }
        if (m.typeId() == MessageType.USER_CONTROL
                && MessageCodec.decode(m) instanceof UserControl u && u.event() == UserControl.PING_REQUEST) {
            send(CSID_PROTOCOL, MessageCodec.encode(UserControl.of(UserControl.PING_RESPONSE, u.value()), 0, 0));
        }
        return m;
    }

    private void readUntilClosed() {
        try {
            while (true) {
                Map<?, ?> status = status(readAnswering());
                if (status != null && "error".equals(status.get("level"))) {
                    endedBy = "the server said " + status.get("code");
                    socket.close();
                    return;
                }
            }
        } catch (IOException e) {
            if (endedBy == null && !socket.isClosed()) {
                endedBy = "the server closed the connection";
            }
            Logger.debug("push to {}: reader ended: {}", url, e.getMessage());
            try {
                socket.close();
            } catch (IOException closeFailed) {
                Logger.debug(closeFailed, "closing a push connection");
            }
        }
    }

    /** Whether the reader thread has ended: the connection is over. */
    boolean readerEnded() {
        return readerEnded;
    }

    /** Why the server ended this publish, or null while it goes on. */
    String endedBy() {
        return endedBy;
    }

    /** Writes one frame at {@code timestamp}; buffered until {@link #flush}. */
    void write(MediaFrame frame, int timestamp) throws IOException {
        byte[] payload = frame.kind() == MediaFrame.Kind.DATA && frame.config()
                ? withSetDataFrame(frame.payload()) : frame.payload();
        RawMessage m = new RawMessage(frame.kind().typeId(), streamId, timestamp, payload);
        int csid = switch (frame.kind()) {
            case AUDIO -> CSID_AUDIO;
            case VIDEO -> CSID_VIDEO;
            case DATA -> CSID_DATA;
        };
        writeLock.lock();
        try {
            write(csid, m);
        } finally {
            writeLock.unlock();
        }
    }

    private static byte[] withSetDataFrame(byte[] metadata) {
        byte[] b = Arrays.copyOf(SET_DATA_FRAME, SET_DATA_FRAME.length + metadata.length);
        System.arraycopy(metadata, 0, b, SET_DATA_FRAME.length, metadata.length);
        return b;
    }

    void flush() throws IOException {
        writeLock.lock();
        try {
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    /** Ends the publish as an encoder does, so the target tells its players at once. */
    void unpublish() throws IOException {
        command(0, "FCUnpublish", 0, null, url.streamName());
        command(0, "deleteStream", 0, null, (double) streamId);
    }

    long bytesSent() {
        return bytesSent.get();
    }

    private void send(int csid, RawMessage m) throws IOException {
        writeLock.lock();
        try {
            write(csid, m);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private void write(int csid, RawMessage m) throws IOException {
        writer.write(csid, m);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** For {@code push-insecure}: the operator chose to trust whatever the target presents. */
    private static final class TrustAnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
