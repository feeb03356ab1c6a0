package dev.rtmpserver.wire.mp4;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.media.EnhancedVideoFixtures;
import dev.rtmpserver.wire.media.H264Fixtures;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Bad input fails with {@link IllegalArgumentException}: for a codec configuration the codec's
 * parser refuses, with that parser's {@link ProtocolException} as the cause.
 */
class Fmp4LimitsTest {

    private static final byte[] FRAME = {1, 2, 3};

    static Stream<Arguments> configurations() {
        return Stream.of(
                config("avc1", H264Fixtures.AVC_CONFIG_HIGH_720P30, c -> Mp4Track.avc(1, c, 1280, 720)),
                config("hvc1", EnhancedVideoFixtures.HEVC_CONFIG_MAIN_426X240, c -> video(Mp4Track.HEVC, c)),
                // The configOBUs are optional: the 4-byte record alone is complete.
                config("av01", EnhancedVideoFixtures.AV1_CONFIG_MAIN_720P, c -> video(Mp4Track.AV1, c), 4),
                config("vp09", EnhancedVideoFixtures.VP9_CONFIG_PROFILE0, c -> video(Mp4Track.VP9, c)),
                config("mp4a", Fmp4FixturesTest.AAC_LC_44100_STEREO, c -> Mp4Track.aac(1, c, 2, 44100)),
                config("Opus", SampleEntryFixturesTest.OPUS_HEAD_STEREO, c -> opus(c, 2)));
    }

    private static Arguments config(String name, String hex, Function<byte[], Mp4Track> track,
                                    Integer... completeLengths) {
        return Arguments.of(Named.of(name, AnnotatedHex.bytes(hex)), track, Set.of(completeLengths));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void aConfigurationCutShortAtAnyLengthFailsWithItsParsersException(byte[] config,
                                                                        Function<byte[], Mp4Track> track,
                                                                        Set<Integer> completeLengths) {
        for (int length = 0; length < config.length; length++) {
            if (completeLengths.contains(length)) {
                continue;
            }
            Mp4Track cut = track.apply(Arrays.copyOf(config, length));
            IllegalArgumentException init = assertThrows(IllegalArgumentException.class,
                    () -> Fmp4.initSegment(List.of(cut)), "cut to " + length + " bytes");
            assertInstanceOf(ProtocolException.class, init.getCause());
            IllegalArgumentException codecs = assertThrows(IllegalArgumentException.class, () -> Fmp4.codecs(cut),
                    "cut to " + length + " bytes");
            assertInstanceOf(ProtocolException.class, codecs.getCause());
        }
    }

    @Test
    void anOpusHeadCutInsideItsChannelMappingTableFails() {
        byte[] head = AnnotatedHex.bytes(SampleEntryFixturesTest.OPUS_HEAD_5_1);
        for (int length = 19; length < head.length; length++) {
            Mp4Track cut = opus(Arrays.copyOf(head, length), 6);
            assertThrows(IllegalArgumentException.class, () -> Fmp4.initSegment(List.of(cut)),
                    "cut to " + length + " bytes");
        }
    }

    static Stream<Arguments> impossibleTracks() {
        byte[] c = AnnotatedHex.bytes(H264Fixtures.AVC_CONFIG_HIGH_720P30);
        return Stream.of(
                track("track id 0", () -> Mp4Track.avc(0, c, 320, 240)),
                track("an audio sample entry on a video track",
                        () -> new Mp4Track(1, true, Mp4Track.AAC, 90000, c, 320, 240, 0, 0)),
                track("a sample entry this muxer does not write",
                        () -> new Mp4Track(1, true, "mp4v", 90000, c, 320, 240, 0, 0)),
                track("no timescale", () -> new Mp4Track(1, true, Mp4Track.AVC, 0, c, 320, 240, 0, 0)),
                track("video without a size", () -> Mp4Track.avc(1, c, 0, 240)),
                track("video too wide for the sample entry", () -> Mp4Track.avc(1, c, 65536, 240)),
                track("audio without channels", () -> Mp4Track.aac(1, c, 0, 44100)),
                track("audio without a sample rate", () -> Mp4Track.aac(1, c, 2, 0)),
                track("sample track id 0", () -> new Mp4Sample(0, 0, 1, 0, true, FRAME)),
                track("a negative decode time", () -> new Mp4Sample(1, -1, 1, 0, true, FRAME)),
                track("a negative duration", () -> new Mp4Sample(1, 0, -1, 0, true, FRAME)),
                track("bytes past the array", () -> new Mp4Sample(1, 0, 1, 0, true, FRAME, 2, 2)),
                track("a negative offset", () -> new Mp4Sample(1, 0, 1, 0, true, FRAME, -1, 1)),
                track("no tracks", () -> Fmp4.initSegment(List.of())),
                track("two tracks with one id",
                        () -> Fmp4.initSegment(List.of(Mp4Track.avc(1, c, 320, 240), Mp4Track.avc(1, c, 320, 240)))),
                track("no samples", () -> Fmp4.fragment(1, List.of())),
                track("a gap between a track's samples", () -> Fmp4.fragment(1, List.of(
                        new Mp4Sample(1, 0, 3600, 0, true, FRAME), new Mp4Sample(1, 3601, 3600, 0, false, FRAME)))),
                track("a track's samples overlapping", () -> Fmp4.fragment(1, List.of(
                        new Mp4Sample(1, 0, 3600, 0, true, FRAME), new Mp4Sample(1, 3599, 3600, 0, false, FRAME)))));
    }

    private static Arguments track(String name, Runnable build) {
        return Arguments.of(Named.of(name, build));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impossibleTracks")
    void whatNoMp4CouldDescribeFailsWithIllegalArgument(Runnable build) {
        assertThrows(IllegalArgumentException.class, build::run);
    }

    private static Mp4Track video(String sampleEntry, byte[] config) {
        return new Mp4Track(1, true, sampleEntry, Mp4Track.VIDEO_TIMESCALE, config, 320, 240, 0, 0);
    }

    private static Mp4Track opus(byte[] head, int channels) {
        return new Mp4Track(1, false, Mp4Track.OPUS, Mp4Track.OPUS_SAMPLE_RATE, head, 0, 0, channels,
                Mp4Track.OPUS_SAMPLE_RATE);
    }
}
