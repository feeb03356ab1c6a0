package dev.rtmpserver.stream;

import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.message.MessageType;

/**
 * One audio, video or data message of a live stream, read once from the publisher and shared by
 * every sink. Nothing may change it after construction: a sink that needs another timestamp or
 * stream id applies it while writing.
 *
 * @param timestamp milliseconds, unsigned 32-bit as on the wire
 * @param keyframe  a video frame a decoder can start from
 * @param config    a sequence header or metadata: never dropped, and replayed to late joiners
 */
public record MediaFrame(Kind kind, int timestamp, byte[] payload, boolean keyframe, boolean config) {

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

    public static MediaFrame video(int timestamp, byte[] payload) {
        VideoTag tag = VideoTag.parse(payload);
        return new MediaFrame(Kind.VIDEO, timestamp, payload, tag.keyframe() && !tag.sequenceHeader(),
                tag.sequenceHeader());
    }

    public static MediaFrame audio(int timestamp, byte[] payload) {
        return new MediaFrame(Kind.AUDIO, timestamp, payload, false, AudioTag.parse(payload).sequenceHeader());
    }

    /** The stream's onMetaData, already re-encoded without {@code @setDataFrame}. */
    public static MediaFrame metadata(int timestamp, byte[] payload) {
        return new MediaFrame(Kind.DATA, timestamp, payload, false, true);
    }

    /** Any other data message (cue points, captions): relayed but not cached. */
    public static MediaFrame data(int timestamp, byte[] payload) {
        return new MediaFrame(Kind.DATA, timestamp, payload, false, false);
    }

    public int size() {
        return payload.length;
    }

    /** The same frame, payload shared, at another point of the stream's timeline. */
    public MediaFrame withTimestamp(int newTimestamp) {
        return new MediaFrame(kind, newTimestamp, payload, keyframe, config);
    }
}
