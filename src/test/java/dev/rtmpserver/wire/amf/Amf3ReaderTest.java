package dev.rtmpserver.wire.amf;

import static dev.rtmpserver.wire.amf.AmfFixture.assertAmfEquals;
import static dev.rtmpserver.wire.amf.AmfFixture.fixture;
import static dev.rtmpserver.wire.amf.AmfFixture.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.rtmpserver.wire.ProtocolException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class Amf3ReaderTest {

    static Stream<AmfFixture> decodeCases() {
        AmfDate date = new AmfDate(1_700_000_000_000.0, (short) 0);
        return Stream.of(
                fixture("undefined, null, false, true", """
                        00                 # undefined
                        01                 # null
                        02                 # false
                        03                 # true
                        """, AmfFixture.values(Amf0.UNDEFINED, null, false, true)),
                fixture("integer 0", """
                        04 00              # integer, U29 0
                        """, 0.0),
                fixture("integer 127, largest 1-byte U29", """
                        04 7F              # integer, U29 0x7F
                        """, 127.0),
                fixture("integer 128, smallest 2-byte U29", """
                        04                 # integer
                        81 00              # 0000001 0000000
                        """, 128.0),
                fixture("integer 16384, smallest 3-byte U29", """
                        04                 # integer
                        81 80 00           # 0000001 0000000 0000000
                        """, 16384.0),
                fixture("integer 2097152, smallest 4-byte U29", """
                        04                 # integer
                        80 C0 80           # high 21 bits: 0000000 1000000 0000000
                        00                 # low 8 bits, no continuation flag
                        """, 2_097_152.0),
                fixture("integer 268435455, largest", """
                        04                 # integer
                        BF FF FF           # high 21 bits: 0111111 1111111 1111111
                        FF                 # low 8 bits
                        """, 268_435_455.0),
                fixture("integer -1", """
                        04                 # integer
                        FF FF FF FF        # all 29 bits set, sign-extended
                        """, -1.0),
                fixture("integer -268435456, smallest", """
                        04                 # integer
                        C0 80 80 00        # only bit 28, the sign bit, set
                        """, -268_435_456.0),
                fixture("double 0.5", """
                        05                 # double
                        3FE0000000000000   # 0.5
                        """, 0.5),
                fixture("string \"hello\"", """
                        06                 # string
                        0B                 # inline (bit 0 set), length 5
                        68656C6C6F         # "hello"
                        """, "hello"),
                fixture("strings with references", """
                        06 07 666F6F       # inline "foo", table entry 0
                        06 01              # empty string, never enters the table
                        06 07 626172       # inline "bar", table entry 1
                        06 00              # reference 0
                        06 02              # reference 1
                        """, AmfFixture.values("foo", "", "bar", "foo", "bar")),
                fixture("dense array", """
                        09                 # array
                        07                 # inline, 3 dense elements
                        01                 # no associative entries
                        04 01              # integer 1
                        04 02              # integer 2
                        04 03              # integer 3
                        """, List.of(1.0, 2.0, 3.0)),
                fixture("mixed array", """
                        09                 # array
                        05                 # inline, 2 dense elements
                        03 61              # name "a"
                        06 03 78           #   string "x"
                        01                 # end of associative entries
                        04 0A              # integer 10
                        04 14              # integer 20
                        """, new AmfEcmaArray(Amf0.object("a", "x", "0", 10.0, "1", 20.0))),
                fixture("anonymous dynamic object", """
                        0A                 # object
                        0B                 # inline object, inline traits, dynamic, 0 sealed
                        01                 # class name "" (anonymous)
                        07 617070          # name "app"
                        06 09 6C697665     #   string "live"
                        03 6E              # name "n"
                        04 05              #   integer 5
                        01                 # end of dynamic members
                        """, Amf0.object("app", "live", "n", 5.0)),
                fixture("typed sealed objects sharing traits", """
                        09 05 01           # array of 2 dense elements, no associative entries
                        0A                 # object
                        23                 # inline object, inline traits, not dynamic, 2 sealed
                        0B 506F696E74      # class name "Point"
                        03 78              # sealed name "x"
                        03 79              # sealed name "y"
                        04 01              # x = 1
                        04 02              # y = 2
                        0A                 # object
                        01                 # inline object, traits reference 0
                        04 03              # x = 3
                        04 04              # y = 4
                        """, List.of(
                                new AmfTypedObject("Point", Amf0.object("x", 1.0, "y", 2.0)),
                                new AmfTypedObject("Point", Amf0.object("x", 3.0, "y", 4.0)))),
                fixture("typed object with sealed and dynamic members", """
                        0A                 # object
                        1B                 # inline object, inline traits, dynamic, 1 sealed
                        07 466F6F          # class name "Foo"
                        03 61              # sealed name "a"
                        04 01              # a = 1
                        03 62              # dynamic name "b"
                        04 02              #   b = 2
                        01                 # end of dynamic members
                        """, new AmfTypedObject("Foo", Amf0.object("a", 1.0, "b", 2.0))),
                fixture("object reference", """
                        09 05 01           # array (object table 0), 2 elements
                        0A 0B 01           #   anonymous dynamic object (object table 1)
                        03 61 04 01        #     "a" = 1
                        01                 #   end of dynamic members
                        0A 02              #   object reference 1
                        """, List.of(Amf0.object("a", 1.0), Amf0.object("a", 1.0))),
                fixture("date and date reference", """
                        08                 # date
                        01                 # inline
                        4278BCFE56800000   # 1700000000000 ms
                        08 00              # date, object reference 0
                        """, AmfFixture.values(date, date)),
                fixture("byte array", """
                        0C                 # byte array
                        07                 # inline, length 3
                        010203             # bytes
                        """, new byte[] {1, 2, 3}),
                fixture("XML and XML document", """
                        0B 09 3C612F3E     # XML, inline length 4, "<a/>"
                        07 09 3C622F3E     # XML document, inline length 4, "<b/>"
                        0B 00              # XML, object reference 0
                        """, AmfFixture.values("<a/>", "<b/>", "<a/>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decodeCases")
    void fixtureDecodesToItsValue(AmfFixture fixture) throws ProtocolException {
        assertAmfEquals(fixture.expectedValues(), new Amf3Reader(fixture.bytes()).readAll());
    }

    @Test
    void objectReferenceResolvesToTheSameInstance() throws ProtocolException {
        byte[] data = hex("""
                09 05 01           # array, 2 elements
                0C 03 FF           #   byte array (object table 1), length 1
                0C 02              #   object reference 1
                """);
        List<?> array = (List<?>) new Amf3Reader(data).readValue();
        assertSame(array.get(0), array.get(1));
    }

    @Test
    void readerOnASliceReportsPositionFromItsOffset() throws ProtocolException {
        byte[] data = hex("""
                FF                 # byte before the slice
                04 81 00           # integer 128
                06 03 61           # "a"
                """);
        Amf3Reader reader = new Amf3Reader(data, 1, 6);
        assertEquals(128.0, reader.readValue());
        assertEquals(3, reader.position());
        assertEquals(Arrays.asList("a"), reader.readAll());
        assertEquals(false, reader.hasRemaining());
    }
}
