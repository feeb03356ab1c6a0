package dev.rtmpserver.relay;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.StatusCode;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One RTMP play from another server, as an edge pulls a stream: handshake, connect, createStream
 * and play, then the server's audio, video and data messages as {@link MediaFrame}s, forwarded as
 * they came (Enhanced RTMP tags included). Made again from scratch for every reconnect.
 */
public final class RtmpPlayer implements Closeable {
    /** What a player asks the server to buffer, as ffmpeg does; some servers send nothing without it. */
    private static final int BUFFER_MILLIS = 3000;
    private static final byte[] SET_DATA_FRAME = Amf0.encode("@setDataFrame");
    /** Statuses that end what the server plays us, though they are not errors. */
    private static final Set<String> ENDINGS = Set.of(StatusCode.PLAY_UNPUBLISH_NOTIFY.code(),
            StatusCode.PLAY_STOP.code(), StatusCode.PLAY_COMPLETE.code());

    private final RtmpClient client;
    private final Duration silence;
    /** What arrived while {@link #open} waited for the stream to start, handed on first by {@link #relay}. */
    private final List<MediaFrame> first = new ArrayList<>();

    private RtmpPlayer(RtmpClient client, Duration silence) {
        this.client = client;
        this.silence = silence;
    }

    /**
     * Plays {@code url} (see {@link PushUrl#of}) and returns once the server sent its first media
     * message: only then is it known to have the stream, since nginx-rtmp, SRS and this server
     * all answer Play.Start to a play of a stream nobody publishes, and wait.
     *
     * @param insecure for rtmps, accept any certificate for any host
     * @param timeout  for the TCP connect, each answer during set-up, the first media message, and
     *                 any silence of the server once it plays
     * @throws IOException if the server refused, does not have the stream, or did not answer in time
     */
    public static RtmpPlayer open(PushUrl url, boolean insecure, Duration timeout) throws IOException {
        RtmpClient client = RtmpClient.connect(url, insecure, timeout, "LNX 9,0,124,2 (rtmp-server edge)");
        try {
            RtmpPlayer p = new RtmpPlayer(client, timeout);
            p.play();
            return p;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void play() throws IOException {
        PushUrl url = client.url();
        int streamId = client.createStream();
        client.send(RtmpClient.CSID_PROTOCOL, MessageCodec.encode(
                new UserControl(UserControl.SET_BUFFER_LENGTH, streamId, BUFFER_MILLIS), 0, 0));
        client.command(streamId, "play", 0, null, url.streamName());
        while (first.isEmpty()) {
            String ended = onMessage(client.readAnswering(), first::add);
            if (ended != null) {
                throw new IOException(ended);
            }
        }
    }

    /**
     * Hands every frame the server sends to {@code frames} until the play or the connection ends.
     * Blocks; called once.
     *
     * @return why it ended, for the log
     */
    public String relay(Consumer<MediaFrame> frames) {
        first.forEach(frames);
        first.clear();
        try {
            client.readTimeout(silence);
            while (true) {
                String ended = onMessage(client.readAnswering(), frames);
                if (ended != null) {
                    return ended;
                }
            }
        } catch (IOException e) {
            return client.isClosed() ? "closed" : "connection lost: " + PeerText.escape(String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            return "bad media from the server: " + PeerText.escape(String.valueOf(e.getMessage()));
        } finally {
            try {
                client.close();
            } catch (IOException ignored) {
                // Closing a socket that is already gone: nothing more to do.
            }
        }
    }

    /** @return why the play ended, or null while it goes on */
    private static String onMessage(RawMessage m, Consumer<MediaFrame> frames) throws IOException {
        switch (m.typeId()) {
            case MessageType.VIDEO -> {
                if (m.payload().length > 0) {
                    frames.accept(MediaFrame.video(m.timestamp(), m.payload()));
                }
            }
            case MessageType.AUDIO -> {
                if (m.payload().length > 0) {
                    frames.accept(MediaFrame.audio(m.timestamp(), m.payload()));
                }
            }
            case MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> {
                MediaFrame frame = data(m);
                if (frame != null) {
                    frames.accept(frame);
                }
            }
            case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> {
                Map<?, ?> status = RtmpClient.status(m);
                if (status != null) {
                    String code = String.valueOf(status.get("code"));
                    if ("error".equals(status.get("level")) || ENDINGS.contains(code)) {
                        return "the server said " + PeerText.escape(code);
                    }
                }
            }
            default -> { }
        }
        return null;
    }

    /** onMetaData and other data messages as players get them; null for what only concerns this client. */
    private static MediaFrame data(RawMessage m) throws IOException {
        if (!(MessageCodec.decode(m) instanceof Data d)) {
            return null;
        }
        byte[] p = m.payload();
        int from = m.typeId() == MessageType.DATA_AMF3 && p.length > 0 && p[0] == 0 ? 1 : 0;
        List<Object> values = d.values();
        String name = d.name();
        if (name.equals("@setDataFrame") && Arrays.equals(p, from, Math.min(p.length, from + SET_DATA_FRAME.length),
                SET_DATA_FRAME, 0, SET_DATA_FRAME.length)) {
            from += SET_DATA_FRAME.length;
            name = values.size() > 1 && values.get(1) instanceof String s ? s : "";
        }
        byte[] body = from == 0 ? p : Arrays.copyOfRange(p, from, p.length);
        return switch (name) {
            case "onMetaData" -> MediaFrame.metadata(m.timestamp(), body);
            // The edge tells its own players what they may access.
            case "|RtmpSampleAccess" -> null;
            default -> MediaFrame.data(m.timestamp(), body);
        };
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
