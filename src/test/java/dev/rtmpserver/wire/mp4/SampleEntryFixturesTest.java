package dev.rtmpserver.wire.mp4;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.media.EnhancedVideoFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sample entry of each codec but H.264 and AAC (which {@link Fmp4FixturesTest} shows in a
 * whole init segment), as annotated hex, taken from the stsd of a one-track init segment.
 */
class SampleEntryFixturesTest {
    /** What FFmpeg 8.0.1's FLV muxer sends for {@code -c:a libopus} stereo. */
    static final String OPUS_HEAD_STEREO = """
            4f 70 75 73 48 65 61 64 # magic "OpusHead"
            01             # version 1
            02             # channel count 2
            38 01          # pre-skip 312 (little-endian)
            80 bb 00 00    # input sample rate 48000 (little-endian)
            00 00          # output gain 0
            00             # channel mapping family 0: mono or stereo, no table
            """;

    /** Hand-written (RFC 7845 5.1): 5.1 surround in Vorbis order, with a gain to show its byte order. */
    static final String OPUS_HEAD_5_1 = """
            4f 70 75 73 48 65 61 64 # magic "OpusHead"
            01             # version 1
            06             # channel count 6
            38 01          # pre-skip 312 (little-endian)
            80 bb 00 00    # input sample rate 48000 (little-endian)
            00 01          # output gain 256, 1 dB in Q7.8 (little-endian)
            01             # channel mapping family 1 (Vorbis order)
            04             # stream count 4
            02             # coupled count 2
            00 04 01 02 03 05 # channel mapping
            """;

    /** The visual sample entry's fields from after the size to before the codec's box. */
    private static String visualFields(String sizeHex) {
        return """
                000000000000     # reserved
                0001             # data_reference_index 1
                0000 0000        # pre_defined, reserved
                00000000 00000000 00000000 # pre_defined
                """ + sizeHex + "\n" + """
                00480000 00480000 # 72 dpi each way
                00000000         # reserved
                0001             # frame_count 1
                00000000 00000000 00000000 00000000 # compressorname: empty
                00000000 00000000 00000000 00000000
                0018             # depth: colour, no alpha
                ffff             # pre_defined -1
                """;
    }

    private static final String AUDIO_FIELDS_STEREO_48K = """
            000000000000     # reserved
            0001             # data_reference_index 1
            00000000 00000000 # reserved
            """;

    record Fixture(String name, Mp4Track track, String hex) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Mp4Track video(String sampleEntry, String configHex, int width, int height) {
        return new Mp4Track(1, true, sampleEntry, Mp4Track.VIDEO_TIMESCALE, AnnotatedHex.bytes(configHex), width,
                height, 0, 0);
    }

    private static Mp4Track opus(String headHex, int channels) {
        return new Mp4Track(1, false, Mp4Track.OPUS, Mp4Track.OPUS_SAMPLE_RATE, AnnotatedHex.bytes(headHex), 0, 0,
                channels, Mp4Track.OPUS_SAMPLE_RATE);
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("hvc1 with the hvcC record as sent",
                        video(Mp4Track.HEVC, EnhancedVideoFixtures.HEVC_CONFIG_MAIN_426X240, 426, 240), """
                        000000ce 68766331    # hvc1, 206 bytes
                        """ + visualFields("01aa 00f0 # width 426, height 240") + """
                          00000078 68766343  # hvcC, 120 bytes
                        """ + EnhancedVideoFixtures.HEVC_CONFIG_MAIN_426X240),
                new Fixture("av01 with the av1C record as sent",
                        video(Mp4Track.AV1, EnhancedVideoFixtures.AV1_CONFIG_MAIN_720P, 1280, 720), """
                        0000006f 61763031    # av01, 111 bytes
                        """ + visualFields("0500 02d0 # width 1280, height 720") + """
                          00000019 61763143  # av1C, 25 bytes
                        """ + EnhancedVideoFixtures.AV1_CONFIG_MAIN_720P),
                new Fixture("vp09 with Enhanced RTMP's vpcC content, version and flags included",
                        video(Mp4Track.VP9, EnhancedVideoFixtures.VP9_CONFIG_PROFILE0, 320, 240), """
                        0000006a 76703039    # vp09, 106 bytes
                        """ + visualFields("0140 00f0 # width 320, height 240") + """
                          00000014 76706343  # vpcC, 20 bytes: a full box of version 1
                        """ + EnhancedVideoFixtures.VP9_CONFIG_PROFILE0),
                new Fixture("Opus stereo: dOps is OpusHead big-endian without its magic",
                        opus(OPUS_HEAD_STEREO, 2), """
                        00000037 4f707573    # Opus, 55 bytes
                        """ + AUDIO_FIELDS_STEREO_48K + """
                          0002               # channelcount 2
                          0010               # samplesize 16
                          0000 0000          # pre_defined, reserved
                          bb800000           # samplerate 48000.0
                          00000013 644f7073  # dOps, 19 bytes
                            00               # Version 0
                            02               # OutputChannelCount 2
                            0138             # PreSkip 312
                            0000bb80         # InputSampleRate 48000
                            0000             # OutputGain 0
                            00               # ChannelMappingFamily 0
                        """),
                new Fixture("Opus 5.1: the channel mapping table follows unchanged",
                        opus(OPUS_HEAD_5_1, 6), """
                        0000003f 4f707573    # Opus, 63 bytes
                        """ + AUDIO_FIELDS_STEREO_48K + """
                          0006               # channelcount 6
                          0010               # samplesize 16
                          0000 0000          # pre_defined, reserved
                          bb800000           # samplerate 48000.0
                          0000001b 644f7073  # dOps, 27 bytes
                            00               # Version 0
                            06               # OutputChannelCount 6
                            0138             # PreSkip 312
                            0000bb80         # InputSampleRate 48000
                            0100             # OutputGain 256
                            01               # ChannelMappingFamily 1
                            04 02            # StreamCount 4, CoupledCount 2
                            00 04 01 02 03 05 # ChannelMapping
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void writesExactlyTheAnnotatedSampleEntry(Fixture fixture) {
        byte[] init = Fmp4.initSegment(List.of(fixture.track()));
        assertEquals(AnnotatedHex.hex(fixture.hex()), HexFormat.of().formatHex(sampleEntry(init)));
    }

    /** The first entry of the first track's stsd, found by walking the boxes down to it. */
    static byte[] sampleEntry(byte[] init) {
        int[] body = {0, init.length};
        for (String type : List.of("moov", "trak", "mdia", "minf", "stbl", "stsd")) {
            body = child(init, body, type);
        }
        int entry = body[0] + 2 * Integer.BYTES; // version and flags, entry_count
        return Arrays.copyOfRange(init, entry, entry + ByteBuffer.wrap(init).getInt(entry));
    }

    /** The body, as start and end, of the first box of {@code type} among the boxes in {@code within}. */
    private static int[] child(byte[] b, int[] within, String type) {
        for (int pos = within[0]; pos < within[1]; ) {
            int size = ByteBuffer.wrap(b).getInt(pos);
            if (new String(b, pos + Integer.BYTES, Integer.BYTES, StandardCharsets.US_ASCII).equals(type)) {
                return new int[] {pos + BoxWriter.HEADER_LENGTH, pos + size};
            }
            pos += size;
        }
        throw new AssertionError("no " + type + " box");
    }
}
