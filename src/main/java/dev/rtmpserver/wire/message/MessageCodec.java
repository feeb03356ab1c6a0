package dev.rtmpserver.wire.message;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.RtmpMessage.Abort;
import dev.rtmpserver.wire.message.RtmpMessage.Acknowledgement;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import dev.rtmpserver.wire.message.RtmpMessage.Media;
import dev.rtmpserver.wire.message.RtmpMessage.SetChunkSize;
import dev.rtmpserver.wire.message.RtmpMessage.SetPeerBandwidth;
import dev.rtmpserver.wire.message.RtmpMessage.Unknown;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.RtmpMessage.WindowAckSize;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Turns message bodies into {@link RtmpMessage} values and back. */
public final class MessageCodec {
    private MessageCodec() {
    }

    public static RtmpMessage decode(RawMessage raw) throws ProtocolException {
        return decode(raw, Amf0.DEFAULT_MAX_DEPTH);
    }

    /** @param maxAmfDepth how deeply AMF containers in commands and data may nest */
    public static RtmpMessage decode(RawMessage raw, int maxAmfDepth) throws ProtocolException {
        byte[] p = raw.payload();
        return switch (raw.typeId()) {
            case MessageType.SET_CHUNK_SIZE -> new SetChunkSize(int32(p, 0, "Set Chunk Size"));
            case MessageType.ABORT -> new Abort(int32(p, 0, "Abort"));
            case MessageType.ACKNOWLEDGEMENT -> new Acknowledgement(int32(p, 0, "Acknowledgement"));
            case MessageType.WINDOW_ACK_SIZE -> new WindowAckSize(int32(p, 0, "Window Acknowledgement Size"));
            case MessageType.SET_PEER_BANDWIDTH -> {
                if (p.length < 5) {
                    throw new ProtocolException("Set Peer Bandwidth message has " + p.length + " bytes, needs 5");
                }
                yield new SetPeerBandwidth(int32(p, 0, "Set Peer Bandwidth"), p[4] & 0xFF);
            }
            case MessageType.USER_CONTROL -> decodeUserControl(p);
            case MessageType.AUDIO, MessageType.VIDEO -> new Media(raw.typeId(), p);
            case MessageType.COMMAND_AMF0 -> command(Amf0.decodeAll(p, 0, p.length, maxAmfDepth));
            case MessageType.COMMAND_AMF3 -> command(Amf0.decodeAmf3Command(p, 0, p.length, maxAmfDepth));
            case MessageType.DATA_AMF0 -> new Data(Amf0.decodeAll(p, 0, p.length, maxAmfDepth));
            case MessageType.DATA_AMF3 -> new Data(Amf0.decodeAmf3Command(p, 0, p.length, maxAmfDepth));
            default -> new Unknown(raw.typeId(), p);
        };
    }

    /** Encodes a message body and its type id; the caller supplies stream id and timestamp. */
    public static RawMessage encode(RtmpMessage message, int streamId, int timestamp) {
        return switch (message) {
            case SetChunkSize m -> new RawMessage(MessageType.SET_CHUNK_SIZE, streamId, timestamp, int32(m.size()));
            case Abort m -> new RawMessage(MessageType.ABORT, streamId, timestamp, int32(m.chunkStreamId()));
            case Acknowledgement m ->
                    new RawMessage(MessageType.ACKNOWLEDGEMENT, streamId, timestamp, int32(m.sequenceNumber()));
            case WindowAckSize m -> new RawMessage(MessageType.WINDOW_ACK_SIZE, streamId, timestamp, int32(m.size()));
            case SetPeerBandwidth m -> new RawMessage(MessageType.SET_PEER_BANDWIDTH, streamId, timestamp,
                    ByteBuffer.allocate(5).putInt(m.size()).put((byte) m.limitType()).array());
            case UserControl m -> new RawMessage(MessageType.USER_CONTROL, streamId, timestamp, encodeUserControl(m));
            case Media m -> new RawMessage(m.typeId(), streamId, timestamp, m.payload());
            case Command m -> {
                List<Object> values = new ArrayList<>(3 + m.arguments().size());
                values.add(m.name());
                values.add(m.transactionId());
                values.add(m.commandObject());
                values.addAll(m.arguments());
                yield new RawMessage(MessageType.COMMAND_AMF0, streamId, timestamp, Amf0.encode(values.toArray()));
            }
            case Data m -> new RawMessage(MessageType.DATA_AMF0, streamId, timestamp, Amf0.encode(m.values().toArray()));
            case Unknown m -> new RawMessage(m.typeId(), streamId, timestamp, m.payload());
        };
    }

    private static Command command(List<Object> values) throws ProtocolException {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new ProtocolException("command message does not start with a command name");
        }
        if (values.size() < 2 || !(values.get(1) instanceof Double txId)) {
            throw new ProtocolException("command '" + name + "' has no transaction id");
        }
        Object commandObject = values.size() > 2 ? values.get(2) : null;
        List<Object> args = values.size() > 3 ? nullSafe(values.subList(3, values.size())) : List.of();
        return new Command(name, txId, commandObject, args);
    }

    /** List.copyOf rejects nulls, and AMF null is a common argument. */
    private static List<Object> nullSafe(List<Object> values) {
        return Collections.unmodifiableList(new ArrayList<>(values));
    }

    private static UserControl decodeUserControl(byte[] p) throws ProtocolException {
        if (p.length < 6) {
            throw new ProtocolException("User Control message has " + p.length + " bytes, needs at least 6");
        }
        int event = (p[0] & 0xFF) << 8 | (p[1] & 0xFF);
        int value = int32(p, 2, "User Control");
        int extra = 0;
        if (event == UserControl.SET_BUFFER_LENGTH) {
            if (p.length < 10) {
                throw new ProtocolException("Set Buffer Length event has " + p.length + " bytes, needs 10");
            }
            extra = int32(p, 6, "Set Buffer Length");
        }
        return new UserControl(event, value, extra);
    }

    private static byte[] encodeUserControl(UserControl m) {
        ByteBuffer b = ByteBuffer.allocate(m.event() == UserControl.SET_BUFFER_LENGTH ? 10 : 6);
        b.putShort((short) m.event()).putInt(m.value());
        if (m.event() == UserControl.SET_BUFFER_LENGTH) {
            b.putInt(m.extra());
        }
        return b.array();
    }

    private static int int32(byte[] p, int off, String what) throws ProtocolException {
        if (p.length < off + 4) {
            throw new ProtocolException(what + " message has " + p.length + " bytes, needs " + (off + 4));
        }
        return (p[off] & 0xFF) << 24 | (p[off + 1] & 0xFF) << 16 | (p[off + 2] & 0xFF) << 8 | (p[off + 3] & 0xFF);
    }

    private static byte[] int32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }
}
