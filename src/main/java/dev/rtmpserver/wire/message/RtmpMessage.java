package dev.rtmpserver.wire.message;

import java.util.List;

/**
 * The body of an RTMP message, decoded. The header fields (timestamp, message stream id) stay in
 * {@link dev.rtmpserver.wire.chunk.RawMessage}; audio and video bodies are not decoded here at all,
 * because the relay forwards them untouched.
 */
public sealed interface RtmpMessage {

    record SetChunkSize(int size) implements RtmpMessage {
    }

    record Abort(int chunkStreamId) implements RtmpMessage {
    }

    record Acknowledgement(int sequenceNumber) implements RtmpMessage {
    }

    record WindowAckSize(int size) implements RtmpMessage {
    }

    /** @param limitType 0 hard, 1 soft, 2 dynamic */
    record SetPeerBandwidth(int size, int limitType) implements RtmpMessage {
    }

    /**
     * @param event one of the {@code UserControl} event constants
     * @param value the stream id, or the timestamp for ping events
     * @param extra the buffer length in milliseconds for Set Buffer Length, otherwise 0
     */
    record UserControl(int event, int value, int extra) implements RtmpMessage {
        public static final int STREAM_BEGIN = 0;
        public static final int STREAM_EOF = 1;
        public static final int STREAM_DRY = 2;
        public static final int SET_BUFFER_LENGTH = 3;
        public static final int STREAM_IS_RECORDED = 4;
        public static final int PING_REQUEST = 6;
        public static final int PING_RESPONSE = 7;

        public static UserControl of(int event, int value) {
            return new UserControl(event, value, 0);
        }
    }

    /** Audio or video: the body is kept as bytes, shared with every player. */
    record Media(int typeId, byte[] payload) implements RtmpMessage {
    }

    /**
     * A command (AMF0 type 20 or AMF3 type 17).
     *
     * @param commandObject the second AMF value after the transaction id; often null
     * @param arguments     the values that follow it
     */
    record Command(String name, double transactionId, Object commandObject, List<Object> arguments)
            implements RtmpMessage {
        public Object argument(int index) {
            return index < arguments.size() ? arguments.get(index) : null;
        }
    }

    /** A data message (AMF0 type 18 or AMF3 type 15), such as {@code @setDataFrame}. */
    record Data(List<Object> values) implements RtmpMessage {
        public String name() {
            return !values.isEmpty() && values.get(0) instanceof String s ? s : "";
        }
    }

    /** Any type this server does not interpret (shared objects, aggregates), kept for logging. */
    record Unknown(int typeId, byte[] payload) implements RtmpMessage {
    }
}
