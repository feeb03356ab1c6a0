package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rtmpserver.wire.ProtocolException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Exp-Golomb decoding (H.264 clause 9.1) and emulation-prevention removal (clause 7.4.1). */
class BitReaderTest {

    record ExpGolombCase(String bits, long ue, long se) {}

    static Stream<Arguments> expGolombCodes() {
        return Stream.of(
                Arguments.of(Named.of("a single 1 bit is code number 0", new ExpGolombCase("""
                        80             # 1: no leading zeros, code number 0
                        """, 0, 0))),
                Arguments.of(Named.of("010 is code number 1, se +1", new ExpGolombCase("""
                        40             # 010: one leading zero, suffix 0
                        """, 1, 1))),
                Arguments.of(Named.of("011 is code number 2, se -1", new ExpGolombCase("""
                        60             # 011: one leading zero, suffix 1
                        """, 2, -1))),
                Arguments.of(Named.of("00111 is code number 6, se -3", new ExpGolombCase("""
                        38             # 00111: two leading zeros, suffix 11
                        """, 6, -3))),
                Arguments.of(Named.of("31 leading zeros is the longest code and reaches 2^32 - 2",
                        new ExpGolombCase("""
                        00 00 00 01    # 31 leading zeros, then the marker bit
                        ff ff ff fe    # 31-bit suffix of all ones, then padding
                        """, 0xFFFF_FFFEL, -0x7FFF_FFFFL))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expGolombCodes")
    void unsignedExpGolombCodesDecodeToTheirCodeNumber(ExpGolombCase c) throws ProtocolException {
        byte[] data = AnnotatedHex.bytes(c.bits());

        assertEquals(c.ue(), new BitReader(data, 0, data.length, "test").readUe());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("expGolombCodes")
    void signedExpGolombCodesAlternateSignsAroundZero(ExpGolombCase c) throws ProtocolException {
        byte[] data = AnnotatedHex.bytes(c.bits());

        assertEquals(c.se(), new BitReader(data, 0, data.length, "test").readSe());
    }

    @Test
    void anExpGolombCodeWithMoreThan31LeadingZerosFails() {
        byte[] data = AnnotatedHex.bytes("""
                00 00 00 00    # 32 leading zeros
                80             # the marker bit, one zero too late
                ff ff ff ff    # enough suffix bits that only the length can be the problem
                """);

        assertThrows(ProtocolException.class, () -> new BitReader(data, 0, data.length, "test").readUe());
    }

    @Test
    void anExpGolombCodeCutOffInItsSuffixFails() {
        byte[] data = AnnotatedHex.bytes("""
                00 01          # 15 leading zeros and the marker bit, with no suffix after them
                """);

        assertThrows(ProtocolException.class, () -> new BitReader(data, 0, data.length, "test").readUe());
    }

    @Test
    void aBoundedCodeAboveItsLimitFails() {
        byte[] data = AnnotatedHex.bytes("""
                38             # 00111: code number 6
                """);

        assertThrows(ProtocolException.class, () -> new BitReader(data, 0, data.length, "test").readUe(5, "field"));
    }

    @Test
    void readsStopAtTheEndOfTheGivenRangeNotTheArray() throws ProtocolException {
        byte[] data = AnnotatedHex.bytes("""
                ff             # outside the range
                a5             # the range: 1010 0101
                ff             # outside the range
                """);
        BitReader in = new BitReader(data, 1, 1, "test");

        assertEquals(0xA, in.readBits(4));
        assertEquals(0x5, in.readBits(4));
        assertThrows(ProtocolException.class, in::readBit);
    }

    @Test
    void thirtyTwoBitFieldsKeepTheirTopBit() throws ProtocolException {
        byte[] data = AnnotatedHex.bytes("""
                ff ff ff ff    # 2^32 - 1
                """);

        assertEquals(0xFFFF_FFFFL, new BitReader(data, 0, data.length, "test").readBitsLong(32));
    }

    static Stream<Arguments> escapedPayloads() {
        return Stream.of(
                Arguments.of(Named.of("an emulation-prevention byte after two zeros is dropped", new String[] {"""
                        00 00 03 01    # escaped 00 00 01
                        """, """
                        00 00 01
                        """})),
                Arguments.of(Named.of("each escape restarts the zero count", new String[] {"""
                        00 00 03       # escaped 00 00
                        00 00 03       # escaped 00 00
                        00             # plain zero
                        """, """
                        00 00 00 00 00
                        """})),
                Arguments.of(Named.of("a 03 after a single zero is data", new String[] {"""
                        00 03 00 00 03 03   # only the second 03 follows two zeros
                        """, """
                        00 03 00 00 03
                        """})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapedPayloads")
    void emulationPreventionBytesAreRemovedFromTheRbsp(String[] escapedAndRaw) {
        byte[] escaped = AnnotatedHex.bytes(escapedAndRaw[0]);

        assertArrayEquals(AnnotatedHex.bytes(escapedAndRaw[1]), BitReader.unescapeRbsp(escaped, 0, escaped.length));
    }
}
