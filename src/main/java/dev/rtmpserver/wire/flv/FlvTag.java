package dev.rtmpserver.wire.flv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One FLV tag without its framing: what an RTMP audio, video or data message carries, which is why
 * the type numbers are the RTMP message type ids.
 *
 * <p>The record does not copy {@code payload}: tags are built once per frame and handed on, and a
 * copy per tag would double the recorder's garbage. Whoever builds a tag must not change the array
 * afterwards. Equality compares payload contents, so that tags read back from a file can be
 * compared with the tags written.
 *
 * @param type      {@link #AUDIO}, {@link #VIDEO} or {@link #SCRIPT}
 * @param timestamp milliseconds, all 32 bits: the low 24 travel in Timestamp and the high 8 in
 *                  TimestampExtended. The spec calls the sum SI32, but like RTMP and FFmpeg this
 *                  package compares timestamps as unsigned, because a negative time has no place
 *                  in a file and 2^31 ms is only 24.8 days
 * @param payload   the tag's data, everything after StreamID
 */
public record FlvTag(int type, int timestamp, byte[] payload) {
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int SCRIPT = 18;

    /** TagType, DataSize, Timestamp, TimestampExtended, StreamID. */
    public static final int HEADER_BYTES = 11;
    /** The UI32 back-pointer after every tag: its header and payload size. */
    public static final int PREVIOUS_TAG_SIZE_BYTES = 4;
    /** DataSize is a UI24. */
    public static final int MAX_PAYLOAD_BYTES = 0xFFFFFF;
    /**
     * Script tags are sent on as RTMP data messages, which RTMP peers (this server's chunk reader
     * and nginx-rtmp among them) refuse above 1 MiB; real onMetaData is under a few kilobytes. A
     * larger script tag could not be played back, so the writer refuses it and the reader calls it
     * malformed.
     */
    public static final int MAX_SCRIPT_PAYLOAD_BYTES = 1024 * 1024;

    /**
     * Refuses what FLV cannot hold.
     *
     * @throws IllegalArgumentException if the type is not one of the three, or the payload is larger
     *                                  than {@link #maxPayloadBytes(int)} allows for it
     */
    public FlvTag {
        Objects.requireNonNull(payload, "payload");
        if (!isKnownType(type)) {
            throw new IllegalArgumentException("FLV tag type must be 8, 9 or 18, not " + type);
        }
        if (payload.length > maxPayloadBytes(type)) {
            throw new IllegalArgumentException("a type " + type + " FLV tag holds at most " + maxPayloadBytes(type)
                    + " bytes, not " + payload.length);
        }
    }

    public static FlvTag audio(int timestamp, byte[] payload) {
        return new FlvTag(AUDIO, timestamp, payload);
    }

    public static FlvTag video(int timestamp, byte[] payload) {
        return new FlvTag(VIDEO, timestamp, payload);
    }

    public static FlvTag script(int timestamp, byte[] payload) {
        return new FlvTag(SCRIPT, timestamp, payload);
    }

    /** Audio, video and script data: the only types FLV defines. */
    public static boolean isKnownType(int type) {
        return type == AUDIO || type == VIDEO || type == SCRIPT;
    }

    public static int maxPayloadBytes(int type) {
        return type == SCRIPT ? MAX_SCRIPT_PAYLOAD_BYTES : MAX_PAYLOAD_BYTES;
    }

    /** The tag's size in a file: header, payload and the PreviousTagSize that follows it. */
    public long fileBytes() {
        return HEADER_BYTES + (long) payload.length + PREVIOUS_TAG_SIZE_BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlvTag t && type == t.type && timestamp == t.timestamp && Arrays.equals(payload, t.payload);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type + timestamp) + Arrays.hashCode(payload);
    }

    /** Sizes rather than bytes: a video payload printed in full would bury a failure message. */
    @Override
    public String toString() {
        return "FlvTag[type=" + type + ", timestamp=" + Integer.toUnsignedString(timestamp) + ", payload="
                + payload.length + " bytes]";
    }
}
