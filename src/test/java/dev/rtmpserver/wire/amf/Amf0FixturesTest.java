package dev.rtmpserver.wire.amf;

import static dev.rtmpserver.wire.amf.AmfFixture.assertAmfEquals;
import static dev.rtmpserver.wire.amf.AmfFixture.fixture;
import static dev.rtmpserver.wire.amf.AmfFixture.hex;
import static dev.rtmpserver.wire.amf.AmfFixture.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rtmpserver.wire.ProtocolException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Amf0FixturesTest {

    /** Examples that must decode to the value and that the value must encode to, byte for byte. */
    static Stream<AmfFixture> encodeAndDecodeCases() {
        return Stream.of(
                fixture("number 0", """
                        00                 # number marker
                        0000000000000000   # 0.0
                        """, 0.0),
                fixture("number 1.5", """
                        00                 # number marker
                        3FF8000000000000   # 1.5
                        """, 1.5),
                fixture("number -2.5", """
                        00                 # number marker
                        C004000000000000   # -2.5, sign bit set
                        """, -2.5),
                fixture("number NaN", """
                        00                 # number marker
                        7FF8000000000000   # canonical quiet NaN
                        """, Double.NaN),
                fixture("boolean true", """
                        01                 # boolean marker
                        01                 # true
                        """, true),
                fixture("boolean false", """
                        01                 # boolean marker
                        00                 # false
                        """, false),
                fixture("string \"hi\"", """
                        02                 # string marker
                        0002               # length
                        6869               # "hi"
                        """, "hi"),
                fixture("empty string", """
                        02                 # string marker
                        0000               # length 0
                        """, ""),
                fixture("string length counts UTF-8 bytes", """
                        02                 # string marker
                        0003               # 3 bytes for 1 char
                        E282AC             # "€"
                        """, "€"),
                fixture("string of 65535 bytes stays short", """
                        02                 # string marker
                        FFFF               # length 65535, the largest U16
                        """ + "61".repeat(0xFFFF) + " # 'a' x 65535", "a".repeat(0xFFFF)),
                fixture("long string of 65536 bytes", """
                        0C                 # long string marker
                        00010000           # length 65536 as U32
                        """ + "61".repeat(0x10000) + " # 'a' x 65536", "a".repeat(0x10000)),
                fixture("null", """
                        05                 # null marker
                        """, null),
                fixture("undefined", """
                        06                 # undefined marker
                        """, Amf0.UNDEFINED),
                fixture("empty object", """
                        03                 # object marker
                        0000 09            # empty name + object end
                        """, Map.of()),
                fixture("nested object keeps order", """
                        03                 # object marker
                        0001 62            # name "b"
                        00 3FF0000000000000 #   number 1
                        0001 61            # name "a"
                        03                 #   object marker
                        0001 78            #   name "x"
                        05                 #     null
                        0000 09            #   end of inner object
                        0000 09            # end of outer object
                        """, Amf0.object("b", 1.0, "a", Amf0.object("x", null))),
                fixture("object with an empty property name", """
                        03                 # object marker
                        0000               # name "" ...
                        05                 # ... followed by a value, not by the end marker
                        0000 09            # end of object
                        """, Amf0.object("", null)),
                fixture("ECMA array", """
                        08                 # ECMA array marker
                        00000002           # count 2
                        0003 666F6F        # name "foo"
                        02 0003 626172     #   string "bar"
                        0001 6E            # name "n"
                        06                 #   undefined
                        0000 09            # end of entries
                        """, new AmfEcmaArray(Amf0.object("foo", "bar", "n", Amf0.UNDEFINED))),
                fixture("empty ECMA array", """
                        08                 # ECMA array marker
                        00000000           # count 0
                        0000 09            # end of entries
                        """, new AmfEcmaArray(Map.of())),
                fixture("strict array", """
                        0A                 # strict array marker
                        00000003           # 3 elements
                        00 3FF0000000000000 # number 1
                        02 0001 61         # string "a"
                        05                 # null
                        """, Arrays.asList(1.0, "a", null)),
                fixture("empty strict array", """
                        0A                 # strict array marker
                        00000000           # 0 elements
                        """, List.of()),
                fixture("date", """
                        0B                 # date marker
                        4278BCFE56800000   # 1700000000000 ms = 2023-11-14T22:13:20Z
                        0000               # time zone, reserved
                        """, new AmfDate(1_700_000_000_000.0, (short) 0)),
                fixture("typed object", """
                        10                 # typed object marker
                        0005 506F696E74    # class name "Point"
                        0001 78            # name "x"
                        00 3FF0000000000000 #   number 1
                        0001 79            # name "y"
                        00 4000000000000000 #   number 2
                        0000 09            # end of object
                        """, new AmfTypedObject("Point", Amf0.object("x", 1.0, "y", 2.0))),
                fixture("RTMP connect command", """
                        02 0007 636F6E6E656374                    # command name "connect"
                        00 3FF0000000000000                       # transaction id 1
                        03                                        # command object
                        0003 617070                               #   "app"
                        02 0004 6C697665                          #     "live"
                        0008 666C617368566572                     #   "flashVer"
                        02 000D 4C4E5820392C302C3132342C32        #     "LNX 9,0,124,2"
                        0005 746355726C                           #   "tcUrl"
                        02 0015 72746D703A2F2F6C6F63616C686F73742F6C697665 # "rtmp://localhost/live"
                        0004 66706164                             #   "fpad"
                        01 00                                     #     false
                        000C 6361706162696C6974696573             #   "capabilities"
                        00 402E000000000000                       #     15
                        000B 617564696F436F64656373               #   "audioCodecs"
                        00 40A8EE0000000000                       #     3191
                        000B 766964656F436F64656373               #   "videoCodecs"
                        00 406F800000000000                       #     252
                        000E 6F626A656374456E636F64696E67         #   "objectEncoding"
                        00 0000000000000000                       #     0 (AMF0)
                        0000 09                                   # end of command object
                        """, AmfFixture.values("connect", 1.0, Amf0.object(
                                "app", "live",
                                "flashVer", "LNX 9,0,124,2",
                                "tcUrl", "rtmp://localhost/live",
                                "fpad", false,
                                "capabilities", 15.0,
                                "audioCodecs", 3191.0,
                                "videoCodecs", 252.0,
                                "objectEncoding", 0.0))),
                fixture("@setDataFrame onMetaData", """
                        02 000D 40736574446174614672616D65        # "@setDataFrame"
                        02 000A 6F6E4D65746144617461              # "onMetaData"
                        08 00000007                               # ECMA array, 7 entries
                        0008 6475726174696F6E                     #   "duration"
                        00 0000000000000000                       #     0 (live)
                        0005 7769647468                           #   "width"
                        00 4094000000000000                       #     1280
                        0006 686569676874                         #   "height"
                        00 4086800000000000                       #     720
                        000C 766964656F636F6465636964             #   "videocodecid"
                        00 401C000000000000                       #     7 (AVC)
                        000C 617564696F636F6465636964             #   "audiocodecid"
                        00 4024000000000000                       #     10 (AAC)
                        0009 6672616D6572617465                   #   "framerate"
                        00 403E000000000000                       #     30
                        0007 656E636F646572                       #   "encoder"
                        02 000D 4C61766636302E31362E313030        #     "Lavf60.16.100"
                        0000 09                                   # end of entries
                        """, AmfFixture.values("@setDataFrame", "onMetaData", new AmfEcmaArray(Amf0.object(
                                "duration", 0.0,
                                "width", 1280.0,
                                "height", 720.0,
                                "videocodecid", 7.0,
                                "audiocodecid", 10.0,
                                "framerate", 30.0,
                                "encoder", "Lavf60.16.100")))));
    }

    /** Examples the encoder never produces (references, AMF3, lenient forms) but the decoder must read. */
    static Stream<AmfFixture> decodeOnlyCases() {
        Map<String, Object> a1 = Amf0.object("a", 1.0);
        Map<String, Object> innerX = Amf0.object("x", null);
        return Stream.of(
                fixture("reference to an earlier element of the same array", """
                        0A 00000002        # strict array (reference 0), 2 elements
                        03                 #   object (reference 1)
                        0001 61            #     name "a"
                        00 3FF0000000000000 #       number 1
                        0000 09            #   end of object
                        07 0001            #   reference 1
                        """, Arrays.asList(a1, a1)),
                fixture("references count containers in the order they start", """
                        03                 # object (reference 0)
                        0001 6F            #   name "o"
                        03                 #   object (reference 1)
                        0001 78            #     name "x"
                        05                 #       null
                        0000 09            #   end of inner object
                        0001 72            #   name "r"
                        07 0001            #   reference 1, the inner object
                        0000 09            # end of outer object
                        """, Amf0.object("o", innerX, "r", innerX)),
                fixture("reference across top-level values", """
                        03 0000 09         # empty object (reference 0)
                        07 0000            # reference 0
                        """, AmfFixture.values(Map.of(), Map.of())),
                fixture("AVM+ switch to an AMF3 string", """
                        11                 # AVM+ marker: next value is AMF3
                        06 05 6869         # AMF3 string, inline length 2, "hi"
                        """, "hi"),
                fixture("AMF3 string table lives for the rest of the message", """
                        11 06 07 666F6F    # AMF3 "foo", string table entry 0
                        02 0003 626172     # AMF0 "bar"
                        11 06 00           # AMF3 string reference 0
                        """, AmfFixture.values("foo", "bar", "foo")),
                fixture("AVM+ switch inside an AMF0 object", """
                        03                 # AMF0 object
                        0004 61726773      #   name "args"
                        11                 #   AVM+ marker
                        0A 0B 01           #     AMF3 object, dynamic traits, anonymous
                        03 6E 04 05        #     "n" = integer 5
                        01                 #     end of dynamic members
                        0000 09            # end of AMF0 object
                        """, Amf0.object("args", Amf0.object("n", 5.0))),
                fixture("ECMA array count is only a hint", """
                        08 00000000        # ECMA array claiming 0 entries
                        0001 61 05         #   "a" = null anyway
                        0000 09            # end of entries
                        """, new AmfEcmaArray(Amf0.object("a", null))),
                fixture("any nonzero boolean byte is true", """
                        01 02              # boolean 2
                        """, true),
                fixture("XML document decodes to a string", """
                        0F 00000004        # XML document, length 4
                        3C612F3E           # "<a/>"
                        """, "<a/>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodeAndDecodeCases")
    void fixtureDecodesToItsValue(AmfFixture fixture) throws ProtocolException {
        assertAmfEquals(fixture.expectedValues(), Amf0.decodeAll(fixture.bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodeAndDecodeCases")
    void valueEncodesToExactlyTheFixtureBytes(AmfFixture fixture) {
        assertEquals(toHex(fixture.bytes()), toHex(Amf0.encode(fixture.expectedValues().toArray())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodeOnlyCases")
    void decodeOnlyFixtureDecodesToItsValue(AmfFixture fixture) throws ProtocolException {
        assertAmfEquals(fixture.expectedValues(), Amf0.decodeAll(fixture.bytes()));
    }

    @Test
    void referenceResolvesToTheSameInstance() throws ProtocolException {
        byte[] data = hex("""
                0A 00000002        # strict array (reference 0), 2 elements
                03 0000 09         #   empty object (reference 1)
                07 0001            #   reference 1
                """);
        List<?> array = (List<?>) Amf0.decodeAll(data).get(0);
        assertSame(array.get(0), array.get(1));
    }

    @Test
    void encoderAcceptsAnyNumberType() {
        byte[] one = Amf0.encode(1.0);
        for (Number n : List.<Number>of(1, 1L, (short) 1, (byte) 1, 1.0f, BigDecimal.ONE)) {
            assertArrayEquals(one, Amf0.encode(n), n.getClass().getName());
        }
    }

    @Test
    void longStringThresholdCountsUtf8BytesNotChars() throws ProtocolException {
        String euros = "€".repeat(21_846); // 65538 UTF-8 bytes in fewer than 65536 chars
        byte[] encoded = Amf0.encode(euros);
        assertEquals(0x0C, encoded[0]);
        assertEquals(euros, Amf0.decodeAll(encoded).get(0));
    }

    @Test
    void encodingANullArrayWritesOneNull() {
        assertArrayEquals(new byte[] {0x05}, Amf0.encode((Object[]) null));
    }

    @Test
    void encoderRejectsValuesAmf0CannotRepresentAndKeepsItsContents() {
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);
        Map<Object, Object> numericKey = Map.of(1, "x");
        List<Object> unsupported = List.of(
                new byte[] {1}, new Object(), numericKey, cyclic, Amf0.object("x".repeat(0x10000), 1));
        for (Object value : unsupported) {
            Amf0Writer writer = new Amf0Writer().writeValue("kept");
            int before = writer.size();
            assertThrows(IllegalArgumentException.class, () -> writer.writeValue(List.of(1, value)));
            assertEquals(before, writer.size());
            assertArrayEquals(Amf0.encode("kept"), writer.toByteArray());
        }
    }

    @Test
    void objectHelperKeepsInsertionOrderAndRejectsBadArguments() {
        Map<String, Object> status = Amf0.object("level", "status", "code", "NetStream.Play.Start", "description", null);
        assertEquals(List.of("level", "code", "description"), new ArrayList<>(status.keySet()));
        assertThrows(IllegalArgumentException.class, () -> Amf0.object("odd"));
        assertThrows(IllegalArgumentException.class, () -> Amf0.object(1, "value"));
    }

    @Test
    void amf3CommandBodySkipsTheLeadingFormatByte() throws ProtocolException {
        byte[] body = hex("""
                00                 # AMF3 command format byte
                02 0004 706C6179   # "play"
                00 0000000000000000 # transaction id 0
                05                 # null command object
                11 06 05 6869      # AVM+ switch, AMF3 string "hi"
                """);
        assertAmfEquals(Arrays.asList("play", 0.0, null, "hi"), Amf0.decodeAmf3Command(body, 0, body.length));
    }

    @Test
    void amf3CommandBodyWithoutFormatByteIsDecodedAsAmf0() throws ProtocolException {
        byte[] body = hex("""
                FF                 # unrelated byte before the slice
                02 0004 706C6179   # "play", no format byte
                05                 # null
                """);
        assertAmfEquals(Arrays.asList("play", null), Amf0.decodeAmf3Command(body, 1, body.length - 1));
    }

    @Test
    void readerOnASliceReportsPositionFromItsOffset() throws ProtocolException {
        byte[] data = hex("""
                FFFF               # bytes before the slice
                05                 # null
                02 0001 61         # "a"
                FF                 # byte after the slice
                """);
        Amf0Reader reader = new Amf0Reader(data, 2, 5);
        reader.readValue();
        assertEquals(1, reader.position());
        assertEquals("a", reader.readValue());
        assertEquals(5, reader.position());
        assertEquals(false, reader.hasRemaining());
    }
}
