package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rtmpserver.wire.ProtocolException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** SPS parsing against parameter sets from a real encoder, plus hand-built edge cases. */
class SpsInfoTest {
    private static final double FPS_TOLERANCE = 1e-9;
    /** The constraint flags byte follows the NAL header and profile_idc. */
    private static final int CONSTRAINT_FLAGS_INDEX = 2;

    record SpsCase(String sps, int profileIdc, int levelIdc, int width, int height, double frameRate,
            String profileName, String levelName) {}

    static Stream<Arguments> parameterSets() {
        return Stream.of(
                Arguments.of(Named.of("a 320x240 Constrained Baseline stream at 25 fps",
                        new SpsCase(H264Fixtures.SPS_BASELINE_240P25, 66, 13, 320, 240, 25,
                                "Constrained Baseline", "1.3"))),
                Arguments.of(Named.of("a 1280x720 High stream at 30 fps",
                        new SpsCase(H264Fixtures.SPS_HIGH_720P30, 100, 31, 1280, 720, 30, "High", "3.1"))),
                Arguments.of(Named.of("a 1080-line Main stream coded as 1088 lines at 29.97 fps",
                        new SpsCase(H264Fixtures.SPS_MAIN_1080P2997, 77, 40, 1920, 1080, 60000 / 2002.0,
                                "Main", "4"))),
                Arguments.of(Named.of("a 4:4:4 stream cropped by single pixels to 1366 wide",
                        new SpsCase(H264Fixtures.SPS_HIGH444_1366X768P60, 244, 42, 1366, 768, 60,
                                "High 4:4:4", "4.2"))),
                Arguments.of(Named.of("an interlaced 10-bit stream counts field-pair map units and crops by 4 lines",
                        new SpsCase(H264Fixtures.SPS_HIGH10_1080I25, 110, 40, 1920, 1080, 25, "High 10", "4"))),
                Arguments.of(Named.of(
                        "scaling lists, picture order count type 1 and HRD parameters are read exactly",
                        new SpsCase(H264Fixtures.SPS_SYNTHETIC_HIGH_SCALING_POC1, 100, 41, 840, 480,
                                48000 / 2002.0, "High", "4.1"))),
                Arguments.of(Named.of("twelve scaling lists, separate colour planes and field coding in 4:4:4",
                        new SpsCase(H264Fixtures.SPS_SYNTHETIC_444_FIELDS, 244, 30, 29, 30, 0, "High 4:4:4", "3"))),
                Arguments.of(Named.of("a monochrome stream crops in single luma samples",
                        new SpsCase(H264Fixtures.SPS_SYNTHETIC_MONOCHROME, 100, 30, 29, 15, 0, "High", "3"))),
                Arguments.of(Named.of("an SPS without VUI has no frame rate",
                        new SpsCase(H264Fixtures.SPS_MINIMAL_NO_VUI, 66, 30, 16, 16, 0, "Baseline", "3"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameterSets")
    void parsingReportsProfileLevelDisplayedSizeAndFrameRate(SpsCase c) throws ProtocolException {
        byte[] sps = AnnotatedHex.bytes(c.sps());

        SpsInfo info = SpsInfo.parse(sps, 0, sps.length);

        assertAll(
                () -> assertEquals(c.profileIdc(), info.profileIdc(), "profile_idc"),
                () -> assertEquals(c.levelIdc(), info.levelIdc(), "level_idc"),
                () -> assertEquals(c.width(), info.width(), "width"),
                () -> assertEquals(c.height(), info.height(), "height"),
                () -> assertEquals(c.frameRate(), info.frameRate(), FPS_TOLERANCE, "frame rate"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameterSets")
    void profileAndLevelAreNamedFromTheSpsAndItsConstraintFlags(SpsCase c) {
        byte[] sps = AnnotatedHex.bytes(c.sps());
        int constraintFlags = sps[CONSTRAINT_FLAGS_INDEX] & 0xFF;

        assertEquals(c.profileName(), SpsInfo.profileName(c.profileIdc(), constraintFlags));
        assertEquals(c.levelName(), SpsInfo.levelName(c.profileIdc(), constraintFlags, c.levelIdc()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameterSets")
    void anSpsCutShortAtAnyLengthFailsWithAProtocolException(SpsCase c) {
        byte[] sps = AnnotatedHex.bytes(c.sps());
        for (int length = 0; length < sps.length; length++) {
            int cut = length;
            assertThrows(ProtocolException.class, () -> SpsInfo.parse(sps, 0, cut), "cut to " + cut + " bytes");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameterSets")
    void anSpsIsReadInPlaceAtAnOffsetInsideALargerBuffer(SpsCase c) throws ProtocolException {
        byte[] sps = AnnotatedHex.bytes(c.sps());
        byte[] buffer = new byte[sps.length + 7];
        System.arraycopy(sps, 0, buffer, 3, sps.length);

        SpsInfo inPlace = SpsInfo.parse(buffer, 3, sps.length);

        assertEquals(SpsInfo.parse(sps, 0, sps.length), inPlace);
    }

    @Test
    void croppingAwayTheWholePictureFails() {
        byte[] sps = AnnotatedHex.bytes(H264Fixtures.SPS_CROPPED_TO_NOTHING);

        ProtocolException e = assertThrows(ProtocolException.class, () -> SpsInfo.parse(sps, 0, sps.length));
        assertTrue(e.getMessage().contains("cropping"), e.getMessage());
    }

    @Test
    void aNalUnitOtherThanAnSpsIsRejected() {
        byte[] pps = AnnotatedHex.bytes(H264Fixtures.PPS_HIGH_720P30);

        assertThrows(ProtocolException.class, () -> SpsInfo.parse(pps, 0, pps.length));
    }

    @Test
    void anExpGolombCodeWithMoreThan31LeadingZerosInTheSpsFails() {
        byte[] sps = AnnotatedHex.bytes("""
                67             # NAL header: SPS
                64 00 1f       # profile_idc 100, no constraint flags, level_idc 31
                00 00 00 00    # seq_parameter_set_id: 32 leading zero bits...
                80             # ...then the marker bit: too long for any 32-bit value
                """);

        ProtocolException e = assertThrows(ProtocolException.class, () -> SpsInfo.parse(sps, 0, sps.length));
        assertTrue(e.getMessage().contains("leading zero"), e.getMessage());
    }

    @Test
    void anSpsWithoutItsStopBitFails() {
        byte[] sps = AnnotatedHex.bytes("""
                67 42 00 1e    # NAL header, profile_idc 66, no constraint flags, level_idc 30
                da             # seq_parameter_set_id 0, log2_max_frame_num_minus4 0,
                               # pic_order_cnt_type 2, max_num_ref_frames 1
                78             # 16x16, frame_mbs_only, direct_8x8, no cropping, no VUI,
                               # then 0 where rbsp_stop_one_bit must be 1
                """);

        assertThrows(ProtocolException.class, () -> SpsInfo.parse(sps, 0, sps.length));
    }

    @ParameterizedTest(name = "profile_idc {0} with constraint flags {1} is {2}")
    @CsvSource({
        "66, 0x00, Baseline",
        "66, 0x40, Constrained Baseline",
        "77, 0x40, Main",
        "88, 0x00, Extended",
        "100, 0x00, High",
        "100, 0x08, Progressive High",
        "100, 0x0C, Constrained High",
        "110, 0x00, High 10",
        "110, 0x10, High 10 Intra",
        "122, 0x00, High 4:2:2",
        "244, 0x00, High 4:4:4",
        "244, 0x10, High 4:4:4 Intra",
        "44, 0x00, CAVLC 4:4:4 Intra",
        "7, 0x00, profile 7",
    })
    void profilesAreNamedAsAnnexANamesThem(int profileIdc, String flags, String name) {
        assertEquals(name, SpsInfo.profileName(profileIdc, Integer.decode(flags)));
    }

    @ParameterizedTest(name = "level_idc {2} in profile {0} with constraint flags {1} is level {3}")
    @CsvSource({
        "100, 0x00, 31, 3.1",
        "100, 0x00, 40, 4",
        "100, 0x00, 9, 1b",
        "66, 0x10, 11, 1b",
        "77, 0x10, 11, 1b",
        "100, 0x10, 11, 1.1",
        "66, 0x00, 11, 1.1",
    })
    void levelsAreWrittenAsTableA1WritesThem(int profileIdc, String flags, int levelIdc, String name) {
        assertEquals(name, SpsInfo.levelName(profileIdc, Integer.decode(flags), levelIdc));
    }
}
