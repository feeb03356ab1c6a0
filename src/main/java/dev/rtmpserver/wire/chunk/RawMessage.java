package dev.rtmpserver.wire.chunk;

/**
 * One whole RTMP message as it travels in chunks: the header fields and the body.
 *
 * @param typeId    message type id (see {@code dev.rtmpserver.wire.message.MessageType})
 * @param streamId  message stream id (0 for protocol control and connection commands)
 * @param timestamp unsigned 32-bit milliseconds, wrapping, held in an int
 * @param payload   the body; never mutated once the message is built, so it can be shared
 */
public record RawMessage(int typeId, int streamId, int timestamp, byte[] payload) {
}
