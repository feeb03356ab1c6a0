package dev.rtmpserver.wire.amf;

import static dev.rtmpserver.wire.amf.AmfFixture.hex;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rtmpserver.wire.LimitExceededException;
import dev.rtmpserver.wire.ProtocolException;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile and broken input: each case must fail with ProtocolException, quickly and without a large allocation. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AmfLimitsTest {

    static Stream<AmfFixture> amf0Fixtures() {
        return Stream.concat(Amf0FixturesTest.encodeAndDecodeCases(), Amf0FixturesTest.decodeOnlyCases());
    }

    static Stream<AmfFixture> amf3Fixtures() {
        return Amf3ReaderTest.decodeCases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("amf0Fixtures")
    void truncatedAmf0InputFailsWithProtocolException(AmfFixture fixture) throws ProtocolException {
        Amf0Reader whole = new Amf0Reader(fixture.bytes());
        Set<Integer> valueEnds = new HashSet<>();
        while (whole.hasRemaining()) {
            whole.readValue();
            valueEnds.add(whole.position());
        }
        byte[] data = fixture.bytes();
        for (int length = 1; length < data.length; length++) {
            if (!valueEnds.contains(length)) {
                int cut = length;
                assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data, 0, cut), () -> "prefix of " + cut + " bytes");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("amf3Fixtures")
    void truncatedAmf3InputFailsWithProtocolException(AmfFixture fixture) throws ProtocolException {
        Amf3Reader whole = new Amf3Reader(fixture.bytes());
        Set<Integer> valueEnds = new HashSet<>();
        while (whole.hasRemaining()) {
            whole.readValue();
            valueEnds.add(whole.position());
        }
        byte[] data = fixture.bytes();
        for (int length = 1; length < data.length; length++) {
            if (!valueEnds.contains(length)) {
                int cut = length;
                assertThrows(ProtocolException.class, () -> new Amf3Reader(data, 0, cut).readAll(), () -> "prefix of " + cut + " bytes");
            }
        }
    }

    /**
     * The claimed lengths of 2^31-1 and more could not even be allocated (OutOfMemoryError or
     * NegativeArraySizeException), so these only pass if the length is checked before allocating.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "02 FFFF 61",          // string claiming 65535 bytes, 1 present
        "03 FFFF 61",          // property name claiming 65535 bytes
        "0C 7FFFFFFF 61",      // long string claiming 2^31-1 bytes
        "0C FFFFFFFF 61",      // long string claiming 2^32-1 bytes
        "0F FFFFFFFF",         // XML document claiming 2^32-1 bytes
        "10 FFFF",             // typed object class name claiming 65535 bytes
        "11 06 FFFFFFFF",      // AMF3 string claiming 2^28-1 bytes
        "11 0C FFFFFFFF",      // AMF3 byte array claiming 2^28-1 bytes
        "11 0B FFFFFFFF",      // AMF3 XML claiming 2^28-1 bytes
    })
    void lengthLargerThanTheRemainingBytesFailsWithoutAllocating(String hexBytes) {
        byte[] data = hex(hexBytes);
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0A 7FFFFFFF 05 05 05",   // strict array claiming 2^31-1 elements
        "0A FFFFFFFF",            // strict array claiming 2^32-1 elements
        "11 09 FFFFFFFF 01 01",   // AMF3 array claiming 2^28-1 dense elements
        "11 0A FFFFFFF3 01",      // AMF3 traits claiming 2^25-1 sealed members
    })
    void elementCountLargerThanTheRemainingBytesFailsFast(String hexBytes) {
        byte[] data = hex(hexBytes);
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    @Test
    void strictArrayClaimingMaxIntElementsFailsFast() {
        byte[] data = hex("""
                0A                 # strict array marker
                7FFFFFFF           # 2^31-1 elements
                05                 # only one present
                """);
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    static Stream<String> nestingShapes() {
        return Stream.of("AMF0 strict arrays", "AMF0 objects", "AMF0 ECMA arrays", "AMF3 arrays", "AMF0 objects around AMF3 arrays");
    }

    /** Builds {@code depth} nested containers of the given shape around a null. */
    static byte[] nested(String shape, int depth) {
        StringBuilder hex = new StringBuilder();
        switch (shape) {
            case "AMF0 strict arrays" -> hex.append("0A00000001".repeat(depth)).append("05");
            case "AMF0 objects" -> hex.append("03000161".repeat(depth)).append("05").append("000009".repeat(depth));
            case "AMF0 ECMA arrays" -> hex.append("0800000001000161".repeat(depth)).append("05").append("000009".repeat(depth));
            case "AMF3 arrays" -> hex.append("11").append("090301".repeat(depth)).append("01");
            case "AMF0 objects around AMF3 arrays" -> {
                int outer = depth / 2;
                hex.append("03000161".repeat(outer)).append("11").append("090301".repeat(depth - outer)).append("01")
                        .append("000009".repeat(outer));
            }
            default -> throw new IllegalArgumentException(shape);
        }
        return hex(hex.toString());
    }

    @ParameterizedTest
    @MethodSource("nestingShapes")
    void nestingUpToTheLimitIsAccepted(String shape) {
        byte[] data = nested(shape, Amf0.DEFAULT_MAX_DEPTH);
        assertDoesNotThrow(() -> Amf0.decodeAll(data));
    }

    @ParameterizedTest
    @MethodSource("nestingShapes")
    void nestingDeeperThanTheLimitFailsWithProtocolException(String shape) {
        byte[] data = nested(shape, Amf0.DEFAULT_MAX_DEPTH + 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("nestingShapes")
    void extremelyDeepNestingFailsWithoutStackOverflow(String shape) {
        byte[] data = nested(shape, 200_000);
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "04",                  // AMF0 movieclip, reserved
        "0D",                  // AMF0 unsupported
        "0E",                  // AMF0 recordset, reserved
        "12",                  // first unassigned AMF0 marker
        "FF",                  // unassigned AMF0 marker
        "09",                  // object end outside an object
        "0A 00000001 09",      // object end as an array element
        "03 0001 61 12",       // unknown marker as a property value
        "11 0D",               // AMF3 vector of int
        "11 0E",               // AMF3 vector of uint
        "11 0F",               // AMF3 vector of double
        "11 10",               // AMF3 vector of object
        "11 11",               // AMF3 dictionary
        "11 12",               // first unassigned AMF3 marker
        "11 FF",               // unassigned AMF3 marker
        "11 0A 07 07 466F6F",  // AMF3 externalizable object of class "Foo"
    })
    void unknownOrUnsupportedMarkerFailsWithProtocolException(String hexBytes) {
        byte[] data = hex(hexBytes);
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "07 0000",                  // AMF0 reference with an empty table
        "03 0000 09 07 0001",       // AMF0 reference one past the end
        "07 FFFF",                  // AMF0 reference far past the end
        "03 0001 61 07 0000 000009", // AMF0 object referring to itself while being decoded
        "11 0A 0B 01 01 07 0000",   // AMF3 objects do not enter the AMF0 table
        "11 06 00",                 // AMF3 string reference with an empty table
        "11 06 07 666F6F 11 06 02", // AMF3 string reference one past the end
        "11 0A 00",                 // AMF3 object reference with an empty table
        "11 08 02",                 // AMF3 date reference one past the end
        "11 0A 01",                 // AMF3 traits reference with an empty table
        "11 09 03 01 09 00",        // AMF3 array referring to itself while being decoded
    })
    void badReferenceIndexFailsWithProtocolException(String hexBytes) {
        byte[] data = hex(hexBytes);
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    /**
     * Each array holds two references to the previous one, so 40 arrays in under 300 bytes would
     * expand to 2^40 values for whoever walks the result.
     */
    @Test
    void exponentialReferenceExpansionFailsWithProtocolException() {
        int arrays = 40;
        StringBuilder hex = new StringBuilder("0A").append(String.format("%08X", arrays)); // outer array, reference 0
        hex.append("0A00000002 05 05"); // array 1: two nulls
        for (int i = 2; i <= arrays; i++) {
            hex.append(String.format("0A00000002 07%04X 07%04X", i - 1, i - 1)); // array i: twice array i-1
        }
        byte[] data = hex(hex.toString());
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    @Test
    void exponentialAmf3ReferenceExpansionFailsWithProtocolException() {
        int arrays = 40;
        StringBuilder hex = new StringBuilder("11 09").append(String.format("%02X", arrays << 1 | 1)).append("01");
        hex.append("09 05 01 01 01"); // array 1: two nulls
        for (int i = 2; i <= arrays; i++) {
            hex.append(String.format("09 05 01 09%02X 09%02X", (i - 1) << 1, (i - 1) << 1)); // twice array i-1
        }
        byte[] data = hex(hex.toString());
        assertThrows(ProtocolException.class, () -> Amf0.decodeAll(data));
    }

    @ParameterizedTest
    @MethodSource("nestingShapes")
    void aConfiguredDepthIsEnforcedAndNamed(String shape) throws ProtocolException {
        byte[] data = nested(shape, 4);
        assertEquals(1, Amf0.decodeAll(data, 0, data.length, 4).size());
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> Amf0.decodeAll(data, 0, data.length, 3));
        assertEquals("amf_depth", e.limit());
    }
}
