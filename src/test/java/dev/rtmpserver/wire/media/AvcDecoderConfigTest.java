package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rtmpserver.wire.ProtocolException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** AVCDecoderConfigurationRecord parsing (ISO/IEC 14496-15) and its limits. */
class AvcDecoderConfigTest {

    @Test
    void theRecordFfmpegWroteYieldsItsProfileLevelLengthSizeAndParameterSets() throws ProtocolException {
        byte[] record = AnnotatedHex.bytes(H264Fixtures.AVC_CONFIG_HIGH_720P30);

        AvcDecoderConfig config = AvcDecoderConfig.parse(record, 0, record.length);

        assertEquals(100, config.profile());
        assertEquals(0, config.compatibility());
        assertEquals(31, config.level());
        assertEquals(4, config.nalLengthSize());
        assertEquals(1, config.sps().size());
        assertArrayEquals(AnnotatedHex.bytes(H264Fixtures.SPS_HIGH_720P30), config.sps().get(0));
        assertEquals(1, config.pps().size());
        assertArrayEquals(AnnotatedHex.bytes(H264Fixtures.PPS_HIGH_720P30), config.pps().get(0));
        assertEquals("High", config.profileName());
        assertEquals("3.1", config.levelName());
    }

    static Stream<Arguments> realParameterSets() {
        return Stream.of(
                Arguments.of(Named.of("Constrained Baseline 320x240", H264Fixtures.SPS_BASELINE_240P25)),
                Arguments.of(Named.of("High 1280x720", H264Fixtures.SPS_HIGH_720P30)),
                Arguments.of(Named.of("Main 1920x1080", H264Fixtures.SPS_MAIN_1080P2997)),
                Arguments.of(Named.of("High 4:4:4 1366x768", H264Fixtures.SPS_HIGH444_1366X768P60)),
                Arguments.of(Named.of("High 10 1920x1080 interlaced", H264Fixtures.SPS_HIGH10_1080I25)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realParameterSets")
    void aRecordBuiltAroundARealSpsGivesBackTheSpsAndWhatItSays(String spsHex) throws ProtocolException {
        byte[] sps = AnnotatedHex.bytes(spsHex);
        byte[] pps = AnnotatedHex.bytes(H264Fixtures.PPS_HIGH_720P30);
        byte[] record = H264Fixtures.decoderConfig(sps, pps);

        AvcDecoderConfig config = AvcDecoderConfig.parse(record, 0, record.length);
        byte[] carried = config.sps().get(0);

        assertArrayEquals(sps, carried);
        assertArrayEquals(pps, config.pps().get(0));
        assertEquals(SpsInfo.parse(sps, 0, sps.length), SpsInfo.parse(carried, 0, carried.length));
        assertEquals(SpsInfo.parse(sps, 0, sps.length).profileIdc(), config.profile());
        assertEquals(SpsInfo.parse(sps, 0, sps.length).levelIdc(), config.level());
    }

    @Test
    void aRecordCutShortAtAnyLengthFailsWithAProtocolException() {
        byte[] record = AnnotatedHex.bytes(H264Fixtures.AVC_CONFIG_HIGH_720P30);
        for (int length = 0; length < record.length; length++) {
            int cut = length;
            assertThrows(ProtocolException.class, () -> AvcDecoderConfig.parse(record, 0, cut),
                    "cut to " + cut + " bytes");
        }
    }

    @Test
    void aRecordClaimingMoreSpsBytesThanItHoldsFails() {
        byte[] record = AnnotatedHex.bytes("""
                01             # configurationVersion 1
                64 00 1f       # High, no constraint flags, level 3.1
                ff             # 4-byte NAL lengths
                e1             # one SPS
                00 ff          # sequenceParameterSetLength 255...
                67 64 00 1f    # ...but only 4 bytes follow
                """);

        ProtocolException e = assertThrows(ProtocolException.class,
                () -> AvcDecoderConfig.parse(record, 0, record.length));
        assertTrue(e.getMessage().contains("255"), e.getMessage());
    }

    static Stream<Arguments> malformedRecords() {
        return Stream.of(
                Arguments.of(Named.of("a configuration version other than 1", """
                        02             # configurationVersion 2: not a version this layout describes
                        64 00 1f ff    # High 3.1, 4-byte NAL lengths
                        e0             # no SPS
                        00             # no PPS
                        """)),
                Arguments.of(Named.of("3-byte NAL unit lengths, which the format forbids", """
                        01             # configurationVersion 1
                        64 00 1f       # High 3.1
                        fe             # lengthSizeMinusOne 2
                        e0             # no SPS
                        00             # no PPS
                        """)),
                Arguments.of(Named.of("an empty SPS", """
                        01 64 00 1f ff # version 1, High 3.1, 4-byte NAL lengths
                        e1             # one SPS
                        00 00          # sequenceParameterSetLength 0
                        00             # no PPS
                        """)),
                Arguments.of(Named.of("a PPS longer than the record", """
                        01 64 00 1f ff # version 1, High 3.1, 4-byte NAL lengths
                        e0             # no SPS
                        01             # one PPS
                        00 06          # pictureParameterSetLength 6...
                        68 eb          # ...but only 2 bytes follow
                        """)));
    }

    @ParameterizedTest(name = "{0} fails")
    @MethodSource("malformedRecords")
    void malformedRecordsFailWithAProtocolException(String hex) {
        byte[] record = AnnotatedHex.bytes(hex);

        assertThrows(ProtocolException.class, () -> AvcDecoderConfig.parse(record, 0, record.length));
    }

    @Test
    void bytesAfterThePictureParameterSetsAreIgnored() throws ProtocolException {
        byte[] record = AnnotatedHex.bytes(H264Fixtures.AVC_CONFIG_HIGH_720P30 + """
                fd f8 f8 00    # High-profile extension: chroma_format 1, 8-bit luma and chroma, no SPS ext
                """);

        AvcDecoderConfig config = AvcDecoderConfig.parse(record, 0, record.length);

        assertEquals(1, config.pps().size());
    }

    @Test
    void recordsWithTheSameParameterSetBytesAreEqual() throws ProtocolException {
        byte[] record = AnnotatedHex.bytes(H264Fixtures.AVC_CONFIG_HIGH_720P30);

        AvcDecoderConfig first = AvcDecoderConfig.parse(record, 0, record.length);
        AvcDecoderConfig second = AvcDecoderConfig.parse(record.clone(), 0, record.length);

        assertEquals(first, second);
        assertEquals(first.hashCode(), second.hashCode());
    }

    @Test
    void theRecordKeepsItsOwnCopiesOfTheParameterSets() {
        byte[] sps = AnnotatedHex.bytes(H264Fixtures.SPS_HIGH_720P30);
        AvcDecoderConfig config = new AvcDecoderConfig(100, 0, 31, 4, List.of(sps), List.of());

        sps[1] = 0;

        assertEquals(100, config.sps().get(0)[1] & 0xFF);
    }
}
