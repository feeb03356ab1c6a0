package dev.rtmpserver.wire.mp4;

import dev.rtmpserver.testing.AnnotatedHex;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** AV1 samples lose the temporal delimiter the low-overhead format starts them with (AV1-ISOBMFF 2.4). */
class TemporalDelimiterTest {

    static Stream<Arguments> samples() {
        return Stream.of(
                Arguments.of(Named.of("the delimiter FFmpeg's FLV muxer leaves in inter frames", """
                        12 00          # OBU header: type 2 (temporal delimiter), has size; obu_size 0
                        32 03 aa bb cc # OBU header: type 6 (frame), has size; obu_size 3; the frame
                        """), "3203aabbcc"),
                Arguments.of(Named.of("a delimiter with an extension header and a padded size", """
                        16 08          # OBU header: type 2, extension, has size; temporal_id 0, spatial_id 1
                        80 00          # obu_size 0 in two leb128 bytes
                        32 01 aa       # a frame OBU
                        """), "3201aa"),
                Arguments.of(Named.of("a temporal unit that starts with its sequence header", """
                        0a 01 00       # OBU header: type 1 (sequence header), has size; obu_size 1
                        32 01 aa       # a frame OBU
                        """), "0a010032 01aa"),
                Arguments.of(Named.of("an empty sample", ""), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void theSampleStartsAfterItsTemporalDelimiterWithoutACopy(String hex, String expected) {
        byte[] data = AnnotatedHex.bytes("ff # a byte before the sample\n" + hex);
        Mp4Sample sample = new Mp4Sample(1, 0, 3600, 0, true, data, 1, data.length - 1);

        Mp4Sample stored = Fmp4.withoutTemporalDelimiter(sample);

        assertSame(data, stored.data());
        assertEquals(AnnotatedHex.hex(expected), HexFormat.of().formatHex(
                Arrays.copyOfRange(stored.data(), stored.offset(), stored.offset() + stored.length())));
        if (expected.equals(AnnotatedHex.hex(hex))) {
            assertSame(sample, stored);
        }
    }

    static Stream<Arguments> cutDelimiters() {
        return Stream.of(
                Arguments.of(Named.of("no size byte", "12")),
                Arguments.of(Named.of("a size cut inside its leb128", "12 80")),
                Arguments.of(Named.of("an extension header and no size", "16 08")),
                Arguments.of(Named.of("a size past the sample", "12 05 00")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cutDelimiters")
    void aDelimiterCutShortFailsWithIllegalArgument(String hex) {
        Mp4Sample sample = new Mp4Sample(1, 0, 3600, 0, true, AnnotatedHex.bytes(hex));
        assertThrows(IllegalArgumentException.class, () -> Fmp4.withoutTemporalDelimiter(sample));
    }
}
