package dev.rtmpserver.relay;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.StatusCode;
import org.tinylog.Logger;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One RTMP publish to another server: handshake, connect, createStream and publish, then media
 * written by one thread while a reader thread answers the server (acknowledgements, pings) and
 * notices when it ends the publish. Made again from scratch for every reconnect.
 */
final class RtmpPublisher implements Closeable {
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;
    /** Prefix that makes a target keep onMetaData and give it to its own players. */
    private static final byte[] SET_DATA_FRAME = Amf0.encode("@setDataFrame");

    private final RtmpClient client;
    private final PushUrl url;
    private int streamId;
    /** Why the server ended the publish, set by the reader thread. */
    private volatile String endedBy;
    private volatile boolean readerEnded;

    private RtmpPublisher(RtmpClient client) {
        this.client = client;
        this.url = client.url();
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
        RtmpClient client = RtmpClient.connect(url, insecure, timeout, "FMLE/3.0 (compatible; rtmp-server relay)");
        try {
            RtmpPublisher p = new RtmpPublisher(client);
            p.publish();
            // Publishing, the server need not say anything for as long as the stream lasts.
            client.readTimeout(Duration.ZERO);
            Threads.startVirtual(threadName, () -> {
                p.readUntilClosed();
                p.readerEnded = true;
                onEnd.accept(p);
            });
            return p;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void publish() throws IOException {
        // Services such as Twitch and YouTube expect the FMLE sequence before createStream.
        client.notify(0, "releaseStream", url.streamName());
        client.notify(0, "FCPublish", url.streamName());
        streamId = client.createStream();
        client.command(streamId, "publish", 0, null, url.streamName(), "live");
        while (true) {
            Map<?, ?> status = RtmpClient.status(client.readAnswering());
            if (status != null && StatusCode.PUBLISH_START.code().equals(status.get("code"))) {
                return;
            }
            if (status != null && "error".equals(status.get("level"))) {
                throw new IOException("publish refused: " + status.get("code"));
            }
        }
    }

    private void readUntilClosed() {
        try {
            while (true) {
                Map<?, ?> status = RtmpClient.status(client.readAnswering());
                if (status != null && "error".equals(status.get("level"))) {
                    endedBy = "the server said " + status.get("code");
                    client.close();
                    return;
                }
            }
        } catch (IOException e) {
            if (endedBy == null && !client.isClosed()) {
                endedBy = "the server closed the connection";
            }
            Logger.debug("push to {}: reader ended: {}", url, e.getMessage());
            try {
                client.close();
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
        client.write(csid, m);
    }

    private static byte[] withSetDataFrame(byte[] metadata) {
        byte[] b = Arrays.copyOf(SET_DATA_FRAME, SET_DATA_FRAME.length + metadata.length);
        System.arraycopy(metadata, 0, b, SET_DATA_FRAME.length, metadata.length);
        return b;
    }

    void flush() throws IOException {
        client.flush();
    }

    /** Ends the publish as an encoder does, so the target tells its players at once. */
    void unpublish() throws IOException {
        client.command(0, "FCUnpublish", 0, null, url.streamName());
        client.command(0, "deleteStream", 0, null, (double) streamId);
    }

    long bytesSent() {
        return client.bytesSent();
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
