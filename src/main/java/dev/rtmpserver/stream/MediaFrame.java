package dev.rtmpserver.stream;

import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.TrackIds;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.message.MessageType;

/**
 * One audio, video or data message of a live stream, read once from the publisher and shared by
 * every sink. Nothing may change it after construction: a sink that needs another timestamp applies
 * it by making a new frame around the same payload.
 *
 * <p>A frame also keeps its chunked encoding, made by the first player's writer that needs it and
 * reused by every other player with the same chunk size, so fan-out to N players chunks each
 * message once, not N times. Players on another message stream id patch the header of the first
 * chunk as they write it (see {@link ChunkWriter#standaloneHeader}).
 */
public final class MediaFrame {

    public enum Kind {
        AUDIO(MessageType.AUDIO), VIDEO(MessageType.VIDEO), DATA(MessageType.DATA_AMF0);

        private final int typeId;

        Kind(int typeId) {
            this.typeId = typeId;
        }

        public int typeId() {
            return typeId;
        }
    }

    /** One cached encoding; a frame keeps the last one made. */
    private record Chunked(int csid, int chunkSize, byte[] bytes) {
    }

    private final Kind kind;
    private final int timestamp;
    private final byte[] payload;
    private final boolean keyframe;
    private final boolean config;
    /** Written by whichever writer thread encodes first; a race only encodes twice. */
    private volatile Chunked chunked;

    /**
     * @param timestamp milliseconds, unsigned 32-bit as on the wire
     * @param keyframe  a video frame a decoder can start from
     * @param config    a sequence header or metadata: never dropped, and replayed to late joiners
     */
    public MediaFrame(Kind kind, int timestamp, byte[] payload, boolean keyframe, boolean config) {
        this.kind = kind;
        this.timestamp = timestamp;
        this.payload = payload;
        this.keyframe = keyframe;
        this.config = config;
    }

    /**
     * A video message. Only a keyframe of the default track counts as one: with Enhanced RTMP
     * multitrack, a joiner or a recording that started at another track's keyframe would begin
     * the main track mid-group.
     */
    public static MediaFrame video(int timestamp, byte[] payload) {
        VideoTag tag = VideoTag.parse(payload);
        boolean keyframe = tag.keyframe() && !tag.sequenceHeader() && TrackIds.isDefaultVideoTrack(payload);
        return new MediaFrame(Kind.VIDEO, timestamp, payload, keyframe, tag.sequenceHeader());
    }

    public static MediaFrame audio(int timestamp, byte[] payload) {
        return new MediaFrame(Kind.AUDIO, timestamp, payload, false, AudioTag.parse(payload).sequenceHeader());
    }

    /** The stream's onMetaData, as players get it (without {@code @setDataFrame}). */
    public static MediaFrame metadata(int timestamp, byte[] payload) {
        return new MediaFrame(Kind.DATA, timestamp, payload, false, true);
    }

    /** Any other data message (cue points, captions): relayed but not cached. */
    public static MediaFrame data(int timestamp, byte[] payload) {
        return new MediaFrame(Kind.DATA, timestamp, payload, false, false);
    }

    public Kind kind() {
        return kind;
    }

    public int timestamp() {
        return timestamp;
    }

    /** The message body; shared, never to be modified. */
    public byte[] payload() {
        return payload;
    }

    public boolean keyframe() {
        return keyframe;
    }

    public boolean config() {
        return config;
    }

    public int size() {
        return payload.length;
    }

    /** The same frame, payload shared, at another point of the stream's timeline. */
    public MediaFrame withTimestamp(int newTimestamp) {
        return new MediaFrame(kind, newTimestamp, payload, keyframe, config);
    }

    /**
     * This frame as RTMP chunks (see {@link ChunkWriter#encodeStandalone}), encoded at most once
     * per chunk stream and chunk size. The message stream id in the result is {@code streamId} if
     * this call encoded it, and otherwise that of the call that did.
     */
    public byte[] chunked(int csid, int streamId, int chunkSize) {
        Chunked c = chunked;
        if (c != null && c.csid == csid && c.chunkSize == chunkSize) {
            return c.bytes;
        }
        byte[] bytes = ChunkWriter.encodeStandalone(csid, kind.typeId(), streamId, timestamp, payload, chunkSize);
        chunked = new Chunked(csid, chunkSize, bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return kind + "@" + timestamp + (keyframe ? " key" : "") + (config ? " config" : "") + " " + payload.length
                + " bytes";
    }
}
