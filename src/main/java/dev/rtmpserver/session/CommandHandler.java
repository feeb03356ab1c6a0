package dev.rtmpserver.session;

import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamKey.NameAndQuery;
import dev.rtmpserver.wire.LimitExceededException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.SetChunkSize;
import dev.rtmpserver.wire.message.RtmpMessage.SetPeerBandwidth;
import dev.rtmpserver.wire.message.RtmpMessage.WindowAckSize;
import dev.rtmpserver.wire.message.StatusCode;
import org.tinylog.Logger;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers the NetConnection and NetStream commands of one connection. A command the server does
 * not know, or one sent out of order, gets an {@code _error} reply; it never ends the connection.
 */
final class CommandHandler {
    /** Peer bandwidth limit type "dynamic", as FMS sends it. */
    private static final int BANDWIDTH_DYNAMIC = 2;
    /** NetStreams open at once on one connection; real clients use one or two. */
    private static final int MAX_STREAMS = 64;

    private final Connection conn;
    private final NetStreams streams;
    private String app;
    private int nextStreamId = 1;
    private int commandsBeforeConnect;
    private final Set<Integer> openStreams = new HashSet<>();

    CommandHandler(Connection conn, NetStreams streams) {
        this.conn = conn;
        this.streams = streams;
    }

    void handle(int messageStreamId, Command c) throws LimitExceededException {
        if (app == null) {
            // Real clients connect first, and once; a few stray calls or rejected connects are
            // answered with _error, a stream of them is a peer probing or looping, and its
            // connection is closed.
            int max = conn.context().config().protocolLimits().maxCommandsBeforeConnect();
            if (++commandsBeforeConnect > max) {
                throw new LimitExceededException("commands_before_connect", "more than " + max
                        + " commands before a successful connect");
            }
            if (!c.name().equals("connect")) {
                error(c, StatusCode.CALL_FAILED, "connect first: '" + text(c.name()) + "' before connect");
                return;
            }
        }
        switch (c.name()) {
            case "connect" -> connect(c);
            case "createStream" -> createStream(c);
            case "releaseStream" -> result(c, null);
            case "FCPublish" -> {
                result(c, null);
                conn.send(new Command("onFCPublish", 0, null,
                        List.of(StatusCode.PUBLISH_START.info("FCPublish " + text(c.argument(0))))), 0);
            }
            case "FCUnpublish" -> {
                if (c.argument(0) instanceof String name) {
                    streams.unpublishByName(NameAndQuery.parse(name).name(), "FCUnpublish");
                }
                result(c, null);
                conn.send(new Command("onFCUnpublish", 0, null,
                        List.of(StatusCode.UNPUBLISH_SUCCESS.info("FCUnpublish " + text(c.argument(0))))), 0);
            }
            case "FCSubscribe" -> conn.send(new Command("onFCSubscribe", 0, null,
                    List.of(StatusCode.PLAY_START.info("FCSubscribe " + text(c.argument(0))))), 0);
            case "publish" -> publish(messageStreamId, c);
            case "play" -> play(messageStreamId, c);
            case "deleteStream" -> {
                if (c.argument(0) instanceof Double id) {
                    streams.end(id.intValue(), "deleteStream", NetStreams.End.CLIENT);
                    openStreams.remove(id.intValue());
                }
            }
            case "closeStream" -> streams.end(messageStreamId, "closeStream", NetStreams.End.CLIENT);
            case "getStreamLength" -> result(c, 0.0);
            case "receiveAudio" -> withPlayer(messageStreamId, c, s -> s.receiveAudio(flag(c)));
            case "receiveVideo" -> withPlayer(messageStreamId, c, s -> s.receiveVideo(flag(c)));
            case "pause" -> pause(messageStreamId, c);
            case "seek" -> seek(messageStreamId, c);
            case "_checkbw", "checkBandwidth" -> result(c, null);
            case "_result", "_error", "onBWDone", "onStatus" -> {
                // Replies to calls we never make, or notifications: nothing to answer.
            }
            default -> {
                Logger.info("{}: unknown command '{}'", conn.describe(), text(c.name()));
                error(c, StatusCode.CALL_FAILED, "Method not found (" + text(c.name()) + ")");
            }
        }
    }

    private void connect(Command c) {
        if (app != null) {
            error(c, StatusCode.CALL_FAILED, "already connected to " + app);
            return;
        }
        Map<?, ?> props = c.commandObject() instanceof Map<?, ?> m ? m : Map.of();
        String requested = props.get("app") instanceof String s ? s : "";
        // Some clients put the stream's query string or a trailing slash into the app name.
        String name = NameAndQuery.parse(requested).name();
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty()) {
            error(c, StatusCode.CONNECT_REJECTED, "connect without an application name; use rtmp://host/app/key");
            return;
        }
        String invalid = StreamKey.invalidName(name);
        if (invalid != null) {
            Logger.info("{}: connect to app '{}' rejected: {}", conn.describe(), text(name), invalid.replace("stream",
                    "application"));
            error(c, StatusCode.CONNECT_REJECTED, invalid.replace("stream", "application"));
            return;
        }
        app = name;
        ClientCodecs codecs = ClientCodecs.fromConnect(props);
        conn.connectedTo(name, props.get("tcUrl") instanceof String url ? url : "", codecs);
        double objectEncoding = props.get("objectEncoding") instanceof Double d ? d : 0;
        SessionConfig config = conn.context().config();
        conn.send(new WindowAckSize(config.windowAckSize()), 0);
        conn.send(new SetPeerBandwidth(config.windowAckSize(), BANDWIDTH_DYNAMIC), 0);
        conn.send(new SetChunkSize(config.chunkSize()), 0);
        Map<String, Object> info = StatusCode.CONNECT_SUCCESS.info("Connection succeeded.");
        info.put("objectEncoding", objectEncoding);
        conn.send(new Command("_result", c.transactionId(), Replies.serverProperties(codecs.enhanced()),
                List.of(info)), 0);
        Logger.info("{}: connected to app '{}' ({}{})", conn.describe(), app,
                props.get("flashVer") instanceof String v ? text(v) : "no flashVer",
                codecs.enhanced() ? ", Enhanced RTMP" : "");
    }

    private void createStream(Command c) {
        if (openStreams.size() >= MAX_STREAMS) {
            error(c, StatusCode.CALL_FAILED, "too many open streams on one connection; call deleteStream");
            return;
        }
        while (openStreams.contains(nextStreamId) || nextStreamId <= 0) {
            nextStreamId = nextStreamId <= 0 ? 1 : nextStreamId + 1;
        }
        openStreams.add(nextStreamId);
        result(c, (double) nextStreamId++);
    }

    private void publish(int streamId, Command c) {
        if (!(c.argument(0) instanceof String raw) || NameAndQuery.parse(raw).name().isEmpty()) {
            conn.send(Replies.onStatus(StatusCode.PUBLISH_BAD_NAME, "publish needs a stream name"), streamId);
            return;
        }
        if (streamId == 0) {
            conn.send(Replies.onStatus(StatusCode.PUBLISH_BAD_NAME, "publish on stream 0; call createStream"),
                    streamId);
            return;
        }
        NameAndQuery nq = NameAndQuery.parse(raw);
        streams.publish(streamId, new StreamKey(app, nq.name()), nq.query());
    }

    private void play(int streamId, Command c) {
        if (!(c.argument(0) instanceof String raw) || NameAndQuery.parse(raw).name().isEmpty()) {
            conn.send(Replies.onStatus(StatusCode.PLAY_FAILED, "play needs a stream name"), streamId);
            return;
        }
        if (streamId == 0) {
            conn.send(Replies.onStatus(StatusCode.PLAY_FAILED, "play on stream 0; call createStream"), streamId);
            return;
        }
        NameAndQuery nq = NameAndQuery.parse(raw);
        // Clients split rtmp://host/vod/live/file.flv differently: ffmpeg as app "vod" and name
        // "live/file", librtmp as app "vod/live" and name "file". Both name the same recording.
        String path = app + "/" + stripFlvPrefix(nq.name());
        if (path.startsWith(NetStreams.VOD_APP + "/")) {
            int start = c.argument(1) instanceof Double d && d >= 0 ? d.intValue() : 0;
            streams.playRecording(streamId, path.substring(NetStreams.VOD_APP.length() + 1), start, nq.query());
            return;
        }
        streams.play(streamId, new StreamKey(app, nq.name()), nq.query());
    }

    /** Flash-era clients name FLV streams {@code flv:name}. */
    private static String stripFlvPrefix(String name) {
        return name.startsWith("flv:") ? name.substring(4) : name;
    }

    private void seek(int streamId, Command c) {
        VodPlayback vod = streams.vodOn(streamId);
        if (vod == null || !(c.argument(0) instanceof Double millis)) {
            conn.send(Replies.onStatus(StatusCode.SEEK_FAILED, "seek needs a recording being played and a time"),
                    streamId);
            return;
        }
        vod.seek(millis.intValue());
    }

    private void pause(int streamId, Command c) {
        VodPlayback vod = streams.vodOn(streamId);
        if (vod != null) {
            boolean pause = flag(c);
            vod.pause(pause);
            StatusCode status = pause ? StatusCode.PAUSE_NOTIFY : StatusCode.UNPAUSE_NOTIFY;
            conn.send(Replies.onStatus(status, (pause ? "paused " : "unpaused ") + vod.name()), streamId);
            return;
        }
        withPlayer(streamId, c, sink -> {
            boolean pause = flag(c);
            sink.pause(pause);
            StatusCode status = pause ? StatusCode.PAUSE_NOTIFY : StatusCode.UNPAUSE_NOTIFY;
            conn.send(Replies.onStatus(status, (pause ? "paused " : "unpaused ") + sink.key()), streamId);
        });
    }

    private void withPlayer(int streamId, Command c, java.util.function.Consumer<PlayerSink> action) {
        PlayerSink sink = streams.playerOn(streamId);
        if (sink == null) {
            error(c, StatusCode.CALL_FAILED, text(c.name()) + " on stream " + streamId + ", which is not playing");
            return;
        }
        action.accept(sink);
    }

    /** A value from the peer, fit to be echoed in a reply or a log line. */
    private static String text(Object value) {
        return PeerText.of(value);
    }

    private static boolean flag(Command c) {
        return !(c.argument(0) instanceof Boolean b) || b;
    }

    private void result(Command c, Object value) {
        // Notifications carry transaction id 0 and expect no reply.
        if (c.transactionId() != 0) {
            conn.send(new Command("_result", c.transactionId(), null, Arrays.asList(value)), 0);
        }
    }

    private void error(Command c, StatusCode status, String description) {
        conn.send(new Command("_error", c.transactionId(), null, List.of(status.info(description))), 0);
    }
}
