package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rtmpserver.wire.ProtocolException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1) with its SPS (H.265 §7.3.2.2.1),
 * AV1CodecConfigurationRecord with its sequence header OBU (AV1 §5.5.1) and VP9's vpcC, as
 * {@link VideoFormat}s, and their limits.
 */
class VideoFormatTest {

    record FormatCase(VideoCodec codec, String hex, VideoFormat expected) {}

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of(Named.of("x265's Main 426x240, cropped by its conformance window", new FormatCase(
                        VideoCodec.HEVC, EnhancedVideoFixtures.HEVC_CONFIG_MAIN_426X240,
                        new VideoFormat("Main", "2", "Main", 426, 240, 8, "4:2:0")))),
                Arguments.of(Named.of("x265's Range Extensions High tier 10-bit 4:2:2", new FormatCase(
                        VideoCodec.HEVC, EnhancedVideoFixtures.HEVC_CONFIG_REXT_HIGH_TIER_1080P,
                        new VideoFormat("Range Extensions", "5.1", "High", 1920, 1080, 10, "4:2:2")))),
                Arguments.of(Named.of("libaom's Main 1280x720", new FormatCase(
                        VideoCodec.AV1, EnhancedVideoFixtures.AV1_CONFIG_MAIN_720P,
                        new VideoFormat("Main", "3.1", "Main", 1280, 720, 8, "4:2:0")))),
                Arguments.of(Named.of("an AV1 still picture's reduced sequence header", new FormatCase(
                        VideoCodec.AV1, EnhancedVideoFixtures.AV1_CONFIG_REDUCED_STILL_64X48,
                        new VideoFormat("Main", "2.0", "Main", 64, 48, 8, "4:2:0")))),
                Arguments.of(Named.of("an AV1 sequence header with a decoder model and two operating points",
                        new FormatCase(VideoCodec.AV1, EnhancedVideoFixtures.AV1_CONFIG_DECODER_MODEL_1080P,
                        new VideoFormat("Main", "4.0", "High", 1920, 1080, 8, "4:2:0")))),
                Arguments.of(Named.of("libvpx's Profile 0, which has no size", new FormatCase(
                        VideoCodec.VP9, EnhancedVideoFixtures.VP9_CONFIG_PROFILE0,
                        new VideoFormat("Profile 0", "2", null, 0, 0, 8, "4:2:0")))),
                Arguments.of(Named.of("VP9 Profile 2 10-bit 4:4:4", new FormatCase(
                        VideoCodec.VP9, EnhancedVideoFixtures.VP9_CONFIG_PROFILE2_444,
                        new VideoFormat("Profile 2", "3.1", null, 0, 0, 10, "4:4:4")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void eachRecordGivesItsProfileLevelTierSizeBitDepthAndChroma(FormatCase c) throws ProtocolException {
        byte[] record = AnnotatedHex.bytes(c.hex());

        assertEquals(c.expected(), VideoFormat.parse(c.codec(), record, 0, record.length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void theRecordIsReadWhereItStartsInsideALargerPayload(FormatCase c) throws ProtocolException {
        byte[] record = AnnotatedHex.bytes(c.hex());
        byte[] payload = new byte[record.length + 7];
        System.arraycopy(record, 0, payload, 5, record.length);

        assertEquals(c.expected(), VideoFormat.parse(c.codec(), payload, 5, record.length));
    }

    @Test
    void theHevcRecordKeepsItsRawFields() throws ProtocolException {
        byte[] record = AnnotatedHex.bytes(EnhancedVideoFixtures.HEVC_CONFIG_REXT_HIGH_TIER_1080P);

        assertEquals(new HevcDecoderConfig(4, true, 153, 2, 10, 4, 1920, 1080),
                HevcDecoderConfig.parse(record, 0, record.length));
    }

    @Test
    void theHevcSpsIsReadOnItsOwnWithEmulationPreventionRemoved() throws ProtocolException {
        byte[] sps = AnnotatedHex.bytes(EnhancedVideoFixtures.HEVC_SPS_MAIN_426X240);

        assertEquals(new HevcSpsInfo(1, 426, 240, 8), HevcSpsInfo.parse(sps, 0, sps.length));
    }

    @Test
    void anHevcSpsWithSubLayersIsReadPastTheirProfilesAndLevels() throws ProtocolException {
        byte[] sps = AnnotatedHex.bytes(EnhancedVideoFixtures.HEVC_SPS_TWO_SUB_LAYERS_64X64);

        assertEquals(new HevcSpsInfo(1, 64, 64, 8), HevcSpsInfo.parse(sps, 0, sps.length));
    }

    @Test
    void anHevcRecordCutShortAtAnyLengthFails() {
        byte[] record = AnnotatedHex.bytes(EnhancedVideoFixtures.HEVC_CONFIG_MAIN_426X240);
        for (int length = 0; length < record.length; length++) {
            int cut = length;
            assertThrows(ProtocolException.class, () -> HevcDecoderConfig.parse(record, 0, cut),
                    "cut to " + cut + " bytes");
        }
    }

    @Test
    void anAv1RecordCutShortFailsUnlessItEndsBeforeItsConfigObus() throws ProtocolException {
        byte[] record = AnnotatedHex.bytes(EnhancedVideoFixtures.AV1_CONFIG_MAIN_720P);
        int fixedHeader = 4;
        for (int length = 0; length < record.length; length++) {
            if (length == fixedHeader) {
                continue;
            }
            int cut = length;
            assertThrows(ProtocolException.class, () -> Av1CodecConfig.parse(record, 0, cut),
                    "cut to " + cut + " bytes");
        }
        // configOBUs are optional: without them the size is unknown, not wrong.
        assertEquals(new VideoFormat("Main", "3.1", "Main", 0, 0, 8, "4:2:0"),
                VideoFormat.parse(VideoCodec.AV1, record, 0, fixedHeader));
    }

    @Test
    void aVp9RecordCutShortAtAnyLengthFails() {
        byte[] record = AnnotatedHex.bytes(EnhancedVideoFixtures.VP9_CONFIG_PROFILE0);
        for (int length = 0; length < record.length; length++) {
            int cut = length;
            assertThrows(ProtocolException.class, () -> Vp9CodecConfig.parse(record, 0, cut),
                    "cut to " + cut + " bytes");
        }
    }

    static Stream<Arguments> malformedRecords() {
        String hevcHeader = """
                01             # configurationVersion 1
                01             # Main tier, profile Main
                60 00 00 00    # general_profile_compatibility_flags
                90 00 00 00 00 00 # general_constraint_indicator_flags
                3c             # general_level_idc 60
                f0 00 fc fd f8 f8 00 00 # segmentation, parallelism, 4:2:0, 8-bit, 8-bit, avgFrameRate
                0f             # lengthSizeMinusOne 3
                """;
        return Stream.of(
                Arguments.of(Named.of("an HEVC record of version 0", new FormatCase(VideoCodec.HEVC, """
                        00             # configurationVersion 0: not a layout this parser knows
                        01 60 00 00 00 90 00 00 00 00 00 3c f0 00 fc fd f8 f8 00 00 0f # fields
                        00             # numOfArrays 0
                        """, null))),
                Arguments.of(Named.of("an HEVC record with 3-byte NAL unit lengths", new FormatCase(VideoCodec.HEVC, """
                        01 01 60 00 00 00 90 00 00 00 00 00 3c f0 00 fc fd f8 f8 00 00 # fields
                        0e             # lengthSizeMinusOne 2, which the format forbids
                        00             # numOfArrays 0
                        """, null))),
                Arguments.of(Named.of("an HEVC record with an empty NAL unit", new FormatCase(VideoCodec.HEVC,
                        hevcHeader + """
                        01             # numOfArrays 1
                        21 00 01       # SPS array, one NAL unit
                        00 00          # nalUnitLength 0
                        """, null))),
                Arguments.of(Named.of("an HEVC record claiming more SPS bytes than it holds", new FormatCase(
                        VideoCodec.HEVC, hevcHeader + """
                        01             # numOfArrays 1
                        21 00 01       # SPS array, one NAL unit
                        00 ff          # nalUnitLength 255...
                        42 01 01 01    # ...but only 4 bytes follow
                        """, null))),
                Arguments.of(Named.of("an HEVC record whose SPS array holds a PPS", new FormatCase(
                        VideoCodec.HEVC, hevcHeader + """
                        01             # numOfArrays 1
                        21 00 01       # SPS array, one NAL unit
                        00 07          # nalUnitLength 7
                        44 01 c1 72 b4 62 40 # a PPS (nal_unit_type 34)
                        """, null))),
                Arguments.of(Named.of("an HEVC SPS whose conformance window crops everything", new FormatCase(
                        VideoCodec.HEVC, hevcHeader + """
                        01             # numOfArrays 1
                        21 00 01       # SPS array, one NAL unit
                        00 14          # nalUnitLength 20
                        42 01 01       # NAL header, VPS 0, one sub-layer, nesting
                        01 60 00 00 00 90 00 00 00 00 00 3c # profile_tier_level: Main, level 2
                        a0             # sps_seq_parameter_set_id 0, chroma_format_idc 1, width begins
                        88             # pic_width_in_luma_samples 16, height begins
                        46             # pic_height_in_luma_samples 16, conformance_window_flag 1, left begins
                        27             # conf_win_left_offset 8 (16 samples), right 0, top 0
                        f0             # conf_win_bottom_offset 0, bit depths 8 and 8, rbsp_stop_one_bit
                        """, null))),
                Arguments.of(Named.of("an AV1 record without its marker bit", new FormatCase(VideoCodec.AV1, """
                        01             # marker 0, version 1
                        05 0c 00       # Main 3.1, 4:2:0
                        """, null))),
                Arguments.of(Named.of("an AV1 record of reserved profile 3", new FormatCase(VideoCodec.AV1, """
                        81             # marker 1, version 1
                        65             # seq_profile 3, seq_level_idx_0 5
                        0c 00          # 4:2:0
                        """, null))),
                Arguments.of(Named.of("an AV1 configOBU with the forbidden bit set", new FormatCase(VideoCodec.AV1, """
                        81 05 0c 00    # Main 3.1, 4:2:0
                        8a 00          # obu_forbidden_bit 1, sequence header, obu_size 0
                        """, null))),
                Arguments.of(Named.of("an AV1 configOBU without a size", new FormatCase(VideoCodec.AV1, """
                        81 05 0c 00    # Main 3.1, 4:2:0
                        08             # sequence header, obu_has_size_field 0
                        00 00 00 2d    # sequence header bytes
                        """, null))),
                Arguments.of(Named.of("an AV1 configOBU whose size never ends", new FormatCase(VideoCodec.AV1, """
                        81 05 0c 00    # Main 3.1, 4:2:0
                        0a             # sequence header, sized
                        80 80 80 80 80 80 80 80 01 # obu_size leb128 longer than its 8-byte limit
                        """, null))),
                Arguments.of(Named.of("an AV1 configOBU claiming more bytes than the record holds",
                        new FormatCase(VideoCodec.AV1, """
                        81 05 0c 00    # Main 3.1, 4:2:0
                        0a             # sequence header, sized
                        20             # obu_size 32...
                        00 00 00 2d    # ...but only 4 bytes follow
                        """, null))),
                Arguments.of(Named.of("an AV1 sequence header cut before its frame size", new FormatCase(VideoCodec.AV1, """
                        81 05 0c 00    # Main 3.1, 4:2:0
                        0a             # sequence header, sized
                        03             # obu_size 3
                        00 00 00       # profile, flags, operating point: the level and size are missing
                        """, null))),
                Arguments.of(Named.of("a VP9 record of version 0", new FormatCase(VideoCodec.VP9, """
                        00 00 00 00    # version 0: an older layout
                        00 14 82 02 02 02 00 00 # profile 0, level 2, 8-bit 4:2:0, colour, no init data
                        """, null))),
                Arguments.of(Named.of("a VP9 record of profile 4", new FormatCase(VideoCodec.VP9, """
                        01 00 00 00    # version 1, flags 0
                        04             # profile 4: VP9 has 0 to 3
                        14 82 02 02 02 00 00 # level 2, 8-bit 4:2:0, colour, no init data
                        """, null))),
                Arguments.of(Named.of("a VP9 record with a 9-bit depth", new FormatCase(VideoCodec.VP9, """
                        01 00 00 00 00 14 # version 1, profile 0, level 2
                        92             # bitDepth 9, chromaSubsampling 1
                        02 02 02 00 00 # colour, no init data
                        """, null))),
                Arguments.of(Named.of("a VP9 record with reserved chroma subsampling 4", new FormatCase(VideoCodec.VP9, """
                        01 00 00 00 00 14 # version 1, profile 0, level 2
                        88             # bitDepth 8, chromaSubsampling 4
                        02 02 02 00 00 # colour, no init data
                        """, null))),
                Arguments.of(Named.of("a VP9 record claiming init data it does not hold", new FormatCase(VideoCodec.VP9, """
                        01 00 00 00 00 14 82 02 02 02 # version 1, Profile 0 level 2 8-bit 4:2:0, colour
                        00 08          # codecInitializationDataSize 8, but nothing follows
                        """, null))),
                Arguments.of(Named.of("a VP9 record with bytes after it", new FormatCase(VideoCodec.VP9,
                        EnhancedVideoFixtures.VP9_CONFIG_PROFILE0 + """
                        ff ff          # two bytes the record does not account for
                        """, null))));
    }

    @ParameterizedTest(name = "{0} fails")
    @MethodSource("malformedRecords")
    void malformedRecordsFailWithAProtocolException(FormatCase c) {
        byte[] record = AnnotatedHex.bytes(c.hex());

        assertThrows(ProtocolException.class, () -> VideoFormat.parse(c.codec(), record, 0, record.length));
    }
}
