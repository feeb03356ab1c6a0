package dev.rtmpserver.bench;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.amf.AmfEcmaArray;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import dev.rtmpserver.wire.message.StatusCode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * The AMF messages every session exchanges, encoded and decoded through {@link MessageCodec} as the
 * server does: a client's {@code connect}, the server's {@code onStatus}, and a publisher's
 * {@code onMetaData}; and {@code connect} once more as Flash Player sends it with AMF3 encoding.
 */
public class AmfBenchmark extends ShortRun {
    /** What OBS and ffmpeg put in their command object, together. */
    private static final Command CONNECT = new Command("connect", 1, Amf0.object(
            "app", "live",
            "type", "nonprivate",
            "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)",
            "swfUrl", "rtmp://live.example.com/live",
            "tcUrl", "rtmp://live.example.com/live",
            "fpad", false,
            "capabilities", 15.0,
            "audioCodecs", 3191.0,
            "videoCodecs", 252.0,
            "videoFunction", 1.0,
            "objectEncoding", 0.0), List.of());
    private static final Command ON_STATUS = new Command("onStatus", 0, null,
            List.of(StatusCode.PLAY_START.info("Started playing live/cam1.")));
    /** As ffmpeg writes it for H.264 720p25 with AAC. */
    private static final Data ON_METADATA = new Data(List.of("onMetaData", new AmfEcmaArray(Amf0.object(
            "duration", 0.0,
            "width", 1280.0,
            "height", 720.0,
            "videodatarate", 2441.40625,
            "framerate", 25.0,
            "videocodecid", 7.0,
            "audiodatarate", 125.0,
            "audiosamplerate", 44100.0,
            "audiosamplesize", 16.0,
            "stereo", true,
            "audiocodecid", 10.0,
            "encoder", "Lavf61.7.100",
            "filesize", 0.0))));

    private RawMessage connect;
    private RawMessage connectAmf3;
    private RawMessage onStatus;
    private RawMessage onMetaData;

    @Setup
    public void setUp() throws ProtocolException {
        connect = MessageCodec.encode(CONNECT, 0, 0);
        onStatus = MessageCodec.encode(ON_STATUS, 1, 0);
        onMetaData = MessageCodec.encode(ON_METADATA, 1, 0);
        connectAmf3 = new RawMessage(MessageType.COMMAND_AMF3, 0, 0, amf3Connect());
        // A fixture that decoded to something else would benchmark the wrong work without failing.
        if (!MessageCodec.decode(connectAmf3).equals(CONNECT)) {
            throw new IllegalStateException("the AMF3 connect fixture does not decode to the AMF0 one");
        }
    }

    @Benchmark
    public RawMessage connectEncode() {
        return MessageCodec.encode(CONNECT, 0, 0);
    }

    @Benchmark
    public RtmpMessage connectDecode() throws ProtocolException {
        return MessageCodec.decode(connect);
    }

    @Benchmark
    public RtmpMessage connectAmf3Decode() throws ProtocolException {
        return MessageCodec.decode(connectAmf3);
    }

    @Benchmark
    public RawMessage onStatusEncode() {
        return MessageCodec.encode(ON_STATUS, 1, 0);
    }

    @Benchmark
    public RtmpMessage onStatusDecode() throws ProtocolException {
        return MessageCodec.decode(onStatus);
    }

    @Benchmark
    public RawMessage onMetaDataEncode() {
        return MessageCodec.encode(ON_METADATA, 1, 0);
    }

    @Benchmark
    public RtmpMessage onMetaDataDecode() throws ProtocolException {
        return MessageCodec.decode(onMetaData);
    }

    /**
     * The format byte of an AMF3 command, name and transaction id in AMF0, then the command object
     * behind the AVM+ marker as an anonymous dynamic AMF3 object. The code has no AMF3 writer, so
     * the few markers needed are spelled out here.
     */
    private static byte[] amf3Connect() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x00);
        out.writeBytes(Amf0.encode(CONNECT.name(), CONNECT.transactionId()));
        out.write(0x11); // AVM+
        out.write(0x0A); // object
        out.write(0x0B); // inline object with inline traits, dynamic, no sealed members
        out.write(0x01); // class name "": anonymous
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) CONNECT.commandObject()).entrySet()) {
            amf3String(out, (String) entry.getKey());
            switch (entry.getValue()) {
                case String s -> {
                    out.write(0x06);
                    amf3String(out, s);
                }
                case Boolean b -> out.write(b ? 0x03 : 0x02);
                case Double d -> {
                    out.write(0x05);
                    out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
                }
                default -> throw new IllegalArgumentException("no AMF3 form here for " + entry.getValue());
            }
        }
        out.write(0x01); // the empty name that ends the dynamic members
        return out.toByteArray();
    }

    /** An inline string; those above are short enough for a one-byte U29 length. */
    private static void amf3String(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length >= 64) {
            throw new IllegalArgumentException("needs a longer U29 than this fixture writes: " + s);
        }
        out.write(utf8.length << 1 | 1);
        out.writeBytes(utf8);
    }
}
