package dev.rtmpserver.wire.message;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.Data;
import dev.rtmpserver.wire.message.RtmpMessage.SetPeerBandwidth;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.RtmpMessage.WindowAckSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Message bodies from annotated hex, decoded and re-encoded by one table. */
class MessageCodecTest {

    record Fixture(String name, int typeId, String hex, RtmpMessage message) {
        @Override
        public String toString() {
            return name;
        }

        byte[] bytes() {
            return AnnotatedHex.bytes(hex);
        }
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("window acknowledgement size", MessageType.WINDOW_ACK_SIZE, """
                        002625a0  # 2,500,000
                        """, new WindowAckSize(2_500_000)),
                new Fixture("set peer bandwidth, dynamic", MessageType.SET_PEER_BANDWIDTH, """
                        002625a0  # 2,500,000
                        02        # limit type dynamic
                        """, new SetPeerBandwidth(2_500_000, 2)),
                new Fixture("user control stream begin", MessageType.USER_CONTROL, """
                        0000      # event 0: Stream Begin
                        00000001  # stream id 1
                        """, UserControl.of(UserControl.STREAM_BEGIN, 1)),
                new Fixture("user control stream EOF", MessageType.USER_CONTROL, """
                        0001      # event 1: Stream EOF
                        00000001  # stream id 1
                        """, UserControl.of(UserControl.STREAM_EOF, 1)),
                new Fixture("user control set buffer length", MessageType.USER_CONTROL, """
                        0003      # event 3: Set Buffer Length
                        00000001  # stream id 1
                        00000bb8  # 3000 ms
                        """, new UserControl(UserControl.SET_BUFFER_LENGTH, 1, 3000)),
                new Fixture("user control ping request", MessageType.USER_CONTROL, """
                        0006      # event 6: Ping Request
                        0001e240  # timestamp 123456
                        """, UserControl.of(UserControl.PING_REQUEST, 123456)),
                new Fixture("createStream command", MessageType.COMMAND_AMF0, """
                        02 000c 63726561746553747265616d  # string "createStream"
                        00 4000000000000000               # number 2 (transaction id)
                        05                                # null command object
                        """, new Command("createStream", 2, null, List.of())),
                new Fixture("onStatus Publish.Start", MessageType.COMMAND_AMF0, """
                        02 0008 6f6e537461747573          # string "onStatus"
                        00 0000000000000000               # number 0
                        05                                # null
                        03                                # object
                          0005 6c6576656c                 #   "level"
                          02 0006 737461747573            #   "status"
                          0004 636f6465                   #   "code"
                          02 0017 4e657453747265616d2e5075626c6973682e5374617274  # "NetStream.Publish.Start"
                        000009                            # object end
                        """, new Command("onStatus", 0, null,
                        List.of(Amf0.object("level", "status", "code", "NetStream.Publish.Start")))),
                new Fixture("play with name and start", MessageType.COMMAND_AMF0, """
                        02 0004 706c6179                  # string "play"
                        00 0000000000000000               # number 0
                        05                                # null
                        02 0004 63616d31                  # "cam1"
                        00 c08f400000000000               # number -1000 (live or recorded)
                        """, new Command("play", 0, null, List.of("cam1", -1000.0))),
                new Fixture("@setDataFrame data message", MessageType.DATA_AMF0, """
                        02 000d 40736574446174614672616d65  # "@setDataFrame"
                        02 000a 6f6e4d65746144617461        # "onMetaData"
                        03                                  # object
                          0005 7769647468                   #   "width"
                          00 4084000000000000               #   640
                        000009                              # object end
                        """, new Data(List.of("@setDataFrame", "onMetaData", Amf0.object("width", 640.0)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesFixtureIntoItsMessage(Fixture f) throws ProtocolException {
        RtmpMessage got = MessageCodec.decode(new RawMessage(f.typeId(), 0, 0, f.bytes()));
        assertEquals(f.message(), got);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void encodesMessageIntoExactlyTheFixtureBytes(Fixture f) {
        RawMessage raw = MessageCodec.encode(f.message(), 0, 0);
        assertEquals(f.typeId(), raw.typeId());
        assertEquals(HexFormat.of().formatHex(f.bytes()), HexFormat.of().formatHex(raw.payload()));
    }

    @Test
    void amf3CommandWithFormatByteDecodesLikeAmf0() throws ProtocolException {
        byte[] amf0 = MessageCodec.encode(new Command("releaseStream", 2, null, List.of("cam1")), 0, 0).payload();
        byte[] amf3 = new byte[amf0.length + 1];
        System.arraycopy(amf0, 0, amf3, 1, amf0.length);
        RtmpMessage got = MessageCodec.decode(new RawMessage(MessageType.COMMAND_AMF3, 0, 0, amf3));
        assertEquals(new Command("releaseStream", 2, null, List.of("cam1")), got);
    }

    @Test
    void commandWithoutNameIsRejected() {
        byte[] body = Amf0.encode(1.0, "connect");
        assertThrows(ProtocolException.class,
                () -> MessageCodec.decode(new RawMessage(MessageType.COMMAND_AMF0, 0, 0, body)));
    }

    @Test
    void truncatedControlMessagesAreRejected() {
        for (Fixture f : fixtures().filter(f -> f.typeId() < MessageType.AUDIO).toList()) {
            byte[] whole = f.bytes();
            for (int len = 0; len < whole.length; len++) {
                byte[] cut = Arrays.copyOf(whole, len);
                assertThrows(ProtocolException.class, () -> MessageCodec.decode(new RawMessage(f.typeId(), 0, 0, cut)),
                        f.name() + " cut to " + len + " bytes");
            }
        }
    }

    @Test
    void commandsCutInsideAValueAreRejected() {
        byte[] whole = fixtures().filter(f -> f.name().startsWith("onStatus")).findFirst().orElseThrow().bytes();
        // Bytes 0-10 are the name; 20 and 21 end on a value boundary; from 22 on is the info object.
        int nameEnd = 11;
        int objectStart = 22;
        for (int len = 0; len < whole.length; len++) {
            if (len >= nameEnd && len < objectStart) {
                continue;
            }
            byte[] cut = Arrays.copyOf(whole, len);
            assertThrows(ProtocolException.class,
                    () -> MessageCodec.decode(new RawMessage(MessageType.COMMAND_AMF0, 0, 0, cut)), "cut to " + len);
        }
    }

    @Test
    void commandWithoutTransactionIdIsRejected() {
        byte[] body = Amf0.encode("connect");
        assertThrows(ProtocolException.class,
                () -> MessageCodec.decode(new RawMessage(MessageType.COMMAND_AMF0, 0, 0, body)));
    }

    @Test
    void unknownTypeIsKeptAsUnknown() throws ProtocolException {
        assertInstanceOf(RtmpMessage.Unknown.class,
                MessageCodec.decode(new RawMessage(MessageType.SHARED_OBJECT_AMF0, 0, 0, new byte[3])));
    }
}
