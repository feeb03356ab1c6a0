package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The log line describing a stream's codecs, from its sequence headers. */
class CodecSummaryTest {
    private static final String LEGACY_AVC_SEQUENCE_HEADER = """
            17             # frame type 1 (key), CodecID 7 (AVC)
            00             # AVCPacketType 0: sequence header
            00 00 00       # composition time 0
            """;
    private static final String ENHANCED_AVC_SEQUENCE_START = """
            90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)
            61 76 63 31    # FourCC 'avc1'
            """;

    record VideoCase(byte[] payload, String line) {}

    static Stream<Arguments> videoHeaders() {
        byte[] pps = AnnotatedHex.bytes(H264Fixtures.PPS_HIGH_720P30);
        return Stream.of(
                Arguments.of(Named.of("FFmpeg's H.264 sequence header gives codec, profile, level, size and rate",
                        new VideoCase(AnnotatedHex.concat(LEGACY_AVC_SEQUENCE_HEADER, H264Fixtures.AVC_CONFIG_HIGH_720P30),
                                "video H.264 High 3.1 1280x720 30 fps"))),
                Arguments.of(Named.of("an enhanced avc1 SequenceStart is described the same way", new VideoCase(
                        concat(AnnotatedHex.bytes(ENHANCED_AVC_SEQUENCE_START),
                                H264Fixtures.decoderConfig(AnnotatedHex.bytes(H264Fixtures.SPS_MAIN_1080P2997), pps)),
                        "video H.264 Main 4 1920x1080 29.97 fps"))),
                Arguments.of(Named.of("a constrained baseline stream names its sub-profile", new VideoCase(
                        concat(AnnotatedHex.bytes(LEGACY_AVC_SEQUENCE_HEADER),
                                H264Fixtures.decoderConfig(AnnotatedHex.bytes(H264Fixtures.SPS_BASELINE_240P25), pps)),
                        "video H.264 Constrained Baseline 1.3 320x240 25 fps"))),
                Arguments.of(Named.of("an SPS without timing leaves the frame rate out", new VideoCase(
                        concat(AnnotatedHex.bytes(LEGACY_AVC_SEQUENCE_HEADER),
                                H264Fixtures.decoderConfig(AnnotatedHex.bytes(H264Fixtures.SPS_MINIMAL_NO_VUI), pps)),
                        "video H.264 Baseline 3 16x16"))),
                Arguments.of(Named.of("an SPS that does not parse is called unparsable", new VideoCase(
                        concat(AnnotatedHex.bytes(LEGACY_AVC_SEQUENCE_HEADER),
                                H264Fixtures.decoderConfig(AnnotatedHex.bytes(H264Fixtures.SPS_CROPPED_TO_NOTHING), pps)),
                        "video H.264 (unparsable SPS)"))),
                Arguments.of(Named.of("a decoder configuration that does not parse is called unparsable",
                        new VideoCase(AnnotatedHex.bytes(LEGACY_AVC_SEQUENCE_HEADER + """
                                01 64 00 1f ff # version 1, High 3.1, 4-byte NAL lengths
                                e1             # one SPS
                                00 1a          # sequenceParameterSetLength 26, but the message ends here
                                """), "video H.264 (unparsable decoder configuration)"))),
                Arguments.of(Named.of("a decoder configuration without an SPS says so", new VideoCase(
                        AnnotatedHex.bytes(LEGACY_AVC_SEQUENCE_HEADER + """
                                01 64 00 1f ff # version 1, High 3.1, 4-byte NAL lengths
                                e0             # no SPS
                                00             # no PPS
                                """), "video H.264 (no SPS)"))),
                Arguments.of(Named.of("an HEVC sequence header gives profile, level, tier, size, depth and chroma",
                        new VideoCase(AnnotatedHex.concat(EnhancedVideoFixtures.sequenceStart("68 76 63 31"),
                                EnhancedVideoFixtures.HEVC_CONFIG_REXT_HIGH_TIER_1080P),
                                "video H.265 Range Extensions 5.1 High-tier 1920x1080 10-bit 4:2:2"))),
                Arguments.of(Named.of("an AV1 sequence header gives its size from the sequence header OBU",
                        new VideoCase(AnnotatedHex.concat(EnhancedVideoFixtures.sequenceStart("61 76 30 31"),
                                EnhancedVideoFixtures.AV1_CONFIG_MAIN_720P),
                                "video AV1 Main 3.1 Main-tier 1280x720 8-bit 4:2:0"))),
                Arguments.of(Named.of("a VP9 sequence header has no size to give",
                        new VideoCase(AnnotatedHex.concat(EnhancedVideoFixtures.sequenceStart("76 70 30 39"),
                                EnhancedVideoFixtures.VP9_CONFIG_PROFILE2_444),
                                "video VP9 Profile 2 3.1 10-bit 4:4:4"))),
                Arguments.of(Named.of("an HEVC record that does not parse is called unparsable", new VideoCase(
                        AnnotatedHex.bytes(EnhancedVideoFixtures.sequenceStart("68 76 63 31") + """
                        01 01 60 00    # HEVCDecoderConfigurationRecord cut off after four bytes
                        """), "video H.265 (unparsable decoder configuration)"))),
                Arguments.of(Named.of("an HEVC frame that is not a sequence header only names the codec",
                        new VideoCase(AnnotatedHex.bytes("""
                        91             # IsExHeader, frame type 1 (key), PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1'
                        00 00 00       # composition time 0
                        """), "video H.265"))),
                Arguments.of(Named.of("an H.264 frame that is not a sequence header only names the codec",
                        new VideoCase(AnnotatedHex.bytes("""
                        27 01 00 00 00 # inter frame, AVC NAL units, composition time 0
                        """), "video H.264"))),
                Arguments.of(Named.of("an empty payload is an unknown codec", new VideoCase(new byte[0],
                        "video unknown codec"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("videoHeaders")
    void videoHeadersAreDescribedInOneLine(VideoCase c) {
        assertEquals(c.line(), CodecSummary.video(c.payload()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("videoHeaders")
    void noPrefixOfAVideoHeaderMakesTheSummaryThrow(VideoCase c) {
        for (int length = 0; length <= c.payload().length; length++) {
            byte[] prefix = Arrays.copyOf(c.payload(), length);
            String line = assertDoesNotThrow(() -> CodecSummary.video(prefix));
            assertTrue(line.startsWith("video "), line);
        }
    }

    record AudioCase(String payload, String line) {}

    static Stream<Arguments> audioHeaders() {
        return Stream.of(
                Arguments.of(Named.of("FFmpeg's AAC sequence header gives object type, rate and channels",
                        new AudioCase("""
                        af 00          # AAC, sequence header
                        12 10 56 e5 00 # AudioSpecificConfig: AAC-LC 44100 Hz stereo, no SBR
                        """, "audio AAC-LC 44100 Hz 2 ch"))),
                Arguments.of(Named.of("an HE-AAC sequence header names HE-AAC at the SBR rate", new AudioCase("""
                        af 00          # AAC, sequence header
                        2b 92 08 00    # AudioSpecificConfig: SBR over a 22050 Hz AAC-LC core, 44100 Hz out
                        """, "audio HE-AAC 44100 Hz 2 ch"))),
                Arguments.of(Named.of("an enhanced mp4a SequenceStart is described the same way", new AudioCase("""
                        90             # ExHeader, SequenceStart
                        6d 70 34 61    # FourCC 'mp4a'
                        11 90          # AudioSpecificConfig: AAC-LC 48000 Hz stereo
                        """, "audio AAC-LC 48000 Hz 2 ch"))),
                Arguments.of(Named.of("an AudioSpecificConfig that does not parse is called unparsable",
                        new AudioCase("""
                        af 00          # AAC, sequence header
                        12             # AudioSpecificConfig cut off after one byte
                        """, "audio AAC (unparsable AudioSpecificConfig)"))),
                Arguments.of(Named.of("a raw AAC frame only names the codec", new AudioCase("""
                        af 01 de 02    # AAC, raw frame
                        """, "audio AAC"))),
                Arguments.of(Named.of("MP3 reports its header's rate and channels", new AudioCase("""
                        2f ff fb       # MP3, 44 kHz, 16-bit, stereo; frame header begins
                        """, "audio MP3 44100 Hz 2 ch"))),
                Arguments.of(Named.of("Speex is 16 kHz mono whatever its header says", new AudioCase("""
                        b2 00          # Speex, header rate 5.5 kHz, 16-bit, mono
                        """, "audio Speex 16000 Hz 1 ch"))),
                Arguments.of(Named.of("an Opus sequence start without an ID header only names the codec", new AudioCase("""
                        90 4f 70 75 73 # ExHeader SequenceStart 'Opus', empty: mono or stereo by default
                        """, "audio Opus"))),
                Arguments.of(Named.of("an empty payload is an unknown codec", new AudioCase("""
                        # no bytes at all
                        """, "audio unknown codec"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("audioHeaders")
    void audioHeadersAreDescribedInOneLine(AudioCase c) {
        assertEquals(c.line(), CodecSummary.audio(AnnotatedHex.bytes(c.payload())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("audioHeaders")
    void noPrefixOfAnAudioHeaderMakesTheSummaryThrow(AudioCase c) {
        byte[] payload = AnnotatedHex.bytes(c.payload());
        for (int length = 0; length <= payload.length; length++) {
            byte[] prefix = Arrays.copyOf(payload, length);
            String line = assertDoesNotThrow(() -> CodecSummary.audio(prefix));
            assertTrue(line.startsWith("audio "), line);
        }
    }

    @Test
    void bothHeadersMakeOneLineWithVideoFirst() {
        byte[] video = AnnotatedHex.concat(LEGACY_AVC_SEQUENCE_HEADER, H264Fixtures.AVC_CONFIG_HIGH_720P30);
        byte[] audio = AnnotatedHex.bytes("af 00 12 10 56 e5 00   # AAC sequence header, AAC-LC 44100 Hz stereo");

        assertEquals("video H.264 High 3.1 1280x720 30 fps, audio AAC-LC 44100 Hz 2 ch",
                CodecSummary.describe(video, audio));
    }

    @Test
    void aMissingTrackIsLeftOutOfTheLine() {
        byte[] audio = AnnotatedHex.bytes("af 00 12 10   # AAC sequence header, AAC-LC 44100 Hz stereo");

        assertEquals("audio AAC-LC 44100 Hz 2 ch", CodecSummary.describe(null, audio));
        assertEquals("no audio or video", CodecSummary.describe(null, null));
    }

    @ParameterizedTest(name = "{0} fps prints as {1}")
    @CsvSource({"30, 30", "25.0, 25", "29.97002997002997, 29.97", "23.976023976023978, 23.98", "59.94, 59.94"})
    void frameRatesPrintWholeWhenWholeAndToTwoDecimalsOtherwise(double rate, String printed) {
        assertEquals(printed, CodecSummary.formatFrameRate(rate));
    }

    private static byte[] concat(byte[] header, byte[] body) {
        byte[] all = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        return all;
    }
}
