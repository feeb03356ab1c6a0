package dev.rtmpserver.wire.mp4;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.media.EnhancedVideoFixtures;
import dev.rtmpserver.wire.media.H264Fixtures;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CODECS value of each codec, from the configurations FFmpeg sends and hand-written edge cases. */
class Fmp4CodecsTest {

    static Stream<Arguments> tracks() {
        return Stream.of(
                // profile_idc 0x64, no constraint flags, level_idc 0x1f, as RFC 6381 3.3 spells them.
                named("H.264 High 3.1", video(Mp4Track.AVC, H264Fixtures.AVC_CONFIG_HIGH_720P30), "avc1.64001f"),
                // Compatibility flags 1 and 2 reversed are 0x6; the first constraint byte alone is not zero.
                named("HEVC Main level 2", video(Mp4Track.HEVC, EnhancedVideoFixtures.HEVC_CONFIG_MAIN_426X240),
                        "hvc1.1.6.L60.90"),
                // Compatibility flag 4 reversed is 0x10; High tier; two constraint bytes before the zeros.
                named("HEVC Range Extensions High tier 5.1",
                        video(Mp4Track.HEVC, EnhancedVideoFixtures.HEVC_CONFIG_REXT_HIGH_TIER_1080P),
                        "hvc1.4.10.H153.9D.08"),
                named("HEVC with profile space 1 and no constraint flags", video(Mp4Track.HEVC, """
                        01             # configurationVersion 1
                        42             # general_profile_space 1, general_tier_flag 0, general_profile_idc 2
                        20 00 00 00    # general_profile_compatibility_flags: flag 2
                        00 00 00 00 00 00 # general_constraint_indicator_flags: none
                        5d             # general_level_idc 93
                        f0 00 fc fd f8 f8 00 00 0f # segmentation, parallelism, chroma, depths, rates, lengths
                        00             # numOfArrays 0
                        """), "hvc1.A2.4.L93"),
                named("AV1 Main 3.1 8-bit", video(Mp4Track.AV1, EnhancedVideoFixtures.AV1_CONFIG_MAIN_720P),
                        "av01.0.05M.08"),
                named("AV1 Main 4.0 High tier",
                        video(Mp4Track.AV1, EnhancedVideoFixtures.AV1_CONFIG_DECODER_MODEL_1080P), "av01.0.08H.08"),
                named("VP9 profile 0 level 2 8-bit", video(Mp4Track.VP9, EnhancedVideoFixtures.VP9_CONFIG_PROFILE0),
                        "vp09.00.20.08"),
                named("VP9 profile 2 level 3.1 10-bit",
                        video(Mp4Track.VP9, EnhancedVideoFixtures.VP9_CONFIG_PROFILE2_444), "vp09.02.31.10"),
                named("AAC-LC", aac(Fmp4FixturesTest.AAC_LC_44100_STEREO), "mp4a.40.2"),
                named("HE-AAC signalled hierarchically", aac("""
                        2b             # 00101 audioObjectType 5 (SBR), 011 start of samplingFrequencyIndex
                        92             # 1 rest of samplingFrequencyIndex 7 (22050 core), 0010 channelConfiguration 2,
                                       # 010 start of extensionSamplingFrequencyIndex
                        08             # 0 rest of extensionSamplingFrequencyIndex 4 (44100),
                                       # 00010 audioObjectType 2 (AAC-LC core), 00 GASpecificConfig flags
                        00             # 0 last GASpecificConfig flag, then padding
                        """), "mp4a.40.5"),
                named("HE-AACv2 signalled backward-compatibly", aac("""
                        13 08          # AAC-LC core, 24000 Hz, mono, GASpecificConfig flags 000
                        56 e5          # syncExtensionType 0x2B7, extensionAudioObjectType 5 (SBR)
                        9d             # sbrPresentFlag 1, extensionSamplingFrequencyIndex 3 (48000), 101...
                        48 80          # ...syncExtensionType 0x548, psPresentFlag 1
                        """), "mp4a.40.29"),
                named("Opus", new Mp4Track(1, false, Mp4Track.OPUS, Mp4Track.OPUS_SAMPLE_RATE,
                        AnnotatedHex.bytes(SampleEntryFixturesTest.OPUS_HEAD_STEREO), 0, 0, 2,
                        Mp4Track.OPUS_SAMPLE_RATE), "opus"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tracks")
    void theCodecsValueNamesProfileLevelAndDepthAsRfc6381AndTheBindingsSpellThem(Mp4Track track, String codecs) {
        assertEquals(codecs, Fmp4.codecs(track));
    }

    private static Arguments named(String name, Mp4Track track, String codecs) {
        return Arguments.of(Named.of(name, track), codecs);
    }

    static Mp4Track video(String sampleEntry, String configHex) {
        return new Mp4Track(1, true, sampleEntry, Mp4Track.VIDEO_TIMESCALE, AnnotatedHex.bytes(configHex), 320, 240,
                0, 0);
    }

    static Mp4Track aac(String configHex) {
        return Mp4Track.aac(1, AnnotatedHex.bytes(configHex), 2, 44100);
    }
}
