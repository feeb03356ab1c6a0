package dev.rtmpserver.wire.message;

import dev.rtmpserver.wire.amf.Amf0;

import java.util.Map;

/** The {@code code} strings of onStatus and _result/_error info objects that this server sends. */
public enum StatusCode {
    CONNECT_SUCCESS("NetConnection.Connect.Success", Level.STATUS),
    CONNECT_REJECTED("NetConnection.Connect.Rejected", Level.ERROR),
    /** Enhanced RTMP: the server asks the client to reconnect (to the same tcUrl unless it gives another). */
    CONNECT_RECONNECT_REQUEST("NetConnection.Connect.ReconnectRequest", Level.STATUS),
    CALL_FAILED("NetConnection.Call.Failed", Level.ERROR),
    PUBLISH_START("NetStream.Publish.Start", Level.STATUS),
    PUBLISH_BAD_NAME("NetStream.Publish.BadName", Level.ERROR),
    UNPUBLISH_SUCCESS("NetStream.Unpublish.Success", Level.STATUS),
    PLAY_RESET("NetStream.Play.Reset", Level.STATUS),
    PLAY_START("NetStream.Play.Start", Level.STATUS),
    PLAY_STOP("NetStream.Play.Stop", Level.STATUS),
    PLAY_FAILED("NetStream.Play.Failed", Level.ERROR),
    PLAY_STREAM_NOT_FOUND("NetStream.Play.StreamNotFound", Level.ERROR),
    PLAY_COMPLETE("NetStream.Play.Complete", Level.STATUS),
    SEEK_NOTIFY("NetStream.Seek.Notify", Level.STATUS),
    SEEK_FAILED("NetStream.Seek.Failed", Level.ERROR),
    PLAY_PUBLISH_NOTIFY("NetStream.Play.PublishNotify", Level.STATUS),
    PLAY_UNPUBLISH_NOTIFY("NetStream.Play.UnpublishNotify", Level.STATUS),
    PAUSE_NOTIFY("NetStream.Pause.Notify", Level.STATUS),
    UNPAUSE_NOTIFY("NetStream.Unpause.Notify", Level.STATUS);

    public enum Level {
        STATUS("status"), ERROR("error");

        private final String wire;

        Level(String wire) {
            this.wire = wire;
        }
    }

    private final String code;
    private final Level level;

    StatusCode(String code, Level level) {
        this.code = code;
        this.level = level;
    }

    public String code() {
        return code;
    }

    public Level level() {
        return level;
    }

    /** The info object sent as the argument of onStatus, _result or _error. */
    public Map<String, Object> info(String description) {
        return Amf0.object("level", level.wire, "code", code, "description", description);
    }
}
