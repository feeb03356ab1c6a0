package dev.rtmpserver.relay;

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
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client side of one RTMP connection to another server, shared by the push relay's publisher
 * and the edge's player: TCP (or TLS) connect, handshake, {@code connect} and {@code createStream},
 * then commands and messages either way. Reading answers acknowledgements and pings on the way, so
 * a long session never stalls on the server's acknowledgement window.
 */
final class RtmpClient implements Closeable {
    /** As ffmpeg and OBS send with: large enough that a video frame is a handful of chunks. */
    static final int CHUNK_SIZE = 4096;
    static final int CSID_PROTOCOL = 2;
    static final int CSID_COMMAND = 3;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Socket socket;
    private final PushUrl url;
    private final ChunkReader reader;
    private final OutputStream out;
    private final ChunkWriter writer;
    private final AtomicLong bytesSent = new AtomicLong();
    /** Guards {@link #writer} and {@link #out}: a reader thread may answer pings while another thread writes. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Touched by one thread at a time: the one setting the session up, then the reader. */
    private double nextTransactionId = 1;
    private long acknowledged;

    private RtmpClient(Socket socket, PushUrl url) throws IOException {
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
     * Connects, shakes hands, sets the chunk size and calls {@code connect} on the URL's application.
     *
     * @param insecure for rtmps, accept any certificate for any host
     * @param timeout  for the TCP connect and for each read until {@link #readTimeout} changes it
     * @param flashVer how this client introduces itself
     */
    static RtmpClient connect(PushUrl url, boolean insecure, Duration timeout, String flashVer) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(url.host(), url.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            if (url.tls()) {
                socket = tls(socket, url.host(), url.port(), insecure);
            }
            RtmpClient c = new RtmpClient(socket, url);
            c.start(flashVer);
            return c;
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

    private void start(String flashVer) throws IOException {
        ClientHandshake.perform(socket.getInputStream(), socket.getOutputStream(), true);
        writeLock.lock();
        try {
            writer.write(CSID_PROTOCOL, MessageCodec.encode(new RtmpMessage.SetChunkSize(CHUNK_SIZE), 0, 0));
            writer.setChunkSize(CHUNK_SIZE);
        } finally {
            writeLock.unlock();
        }
        call("connect", Amf0.object(
                "app", url.app(),
                "type", "nonprivate",
                "flashVer", flashVer,
                "tcUrl", url.tcUrl()));
    }

    PushUrl url() {
        return url;
    }

    /** Calls createStream; returns the new message stream id. */
    int createStream() throws IOException {
        Command created = call("createStream", null);
        if (!(created.argument(0) instanceof Double id)) {
            throw new ProtocolException("createStream answered without a stream id");
        }
        return id.intValue();
    }

    /** Calls a NetConnection method and waits for its _result; _error becomes an exception. */
    Command call(String name, Object commandObject) throws IOException {
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

    /** Sends a command that expects no _result of its own, with the next transaction id. */
    void notify(int stream, String name, Object... args) throws IOException {
        command(stream, name, nextTransactionId++, null, args);
    }

    void command(int stream, String name, double tx, Object commandObject, Object... args) throws IOException {
        send(CSID_COMMAND, MessageCodec.encode(new Command(name, tx, commandObject, Arrays.asList(args)), stream, 0));
    }

    /** The info object of an onStatus command, or null for any other message. */
    static Map<?, ?> status(RawMessage raw) throws ProtocolException {
        if (raw.typeId() != MessageType.COMMAND_AMF0 && raw.typeId() != MessageType.COMMAND_AMF3) {
            return null;
        }
        if (MessageCodec.decode(raw) instanceof Command c && c.name().equals("onStatus")
                && c.argument(0) instanceof Map<?, ?> info) {
            return info;
        }
        return null;
    }

    /** Reads one message, acknowledging and answering pings on the way. */
    RawMessage readAnswering() throws IOException {
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

    /** How long a read may wait from now on; 0 waits for ever. */
    void readTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Writes and flushes one message. */
    void send(int csid, RawMessage m) throws IOException {
        writeLock.lock();
        try {
            writer.write(csid, m);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes one message, buffered until {@link #flush}. */
    void write(int csid, RawMessage m) throws IOException {
        writeLock.lock();
        try {
            writer.write(csid, m);
        } finally {
            writeLock.unlock();
        }
    }

    void flush() throws IOException {
        writeLock.lock();
        try {
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    long bytesSent() {
        return bytesSent.get();
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** For {@code push-insecure}: the operator chose to trust whatever the server presents. */
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
