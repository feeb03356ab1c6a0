package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.ProtocolException;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * VP9 frame headers as libvpx (through FFmpeg 8.0.1) wrote them for a 426x240 test picture:
 * {@code ffmpeg -f lavfi -i testsrc=size=426x240 -frames:v 2 -pix_fmt yuv420p|yuv444p -c:v libvpx-vp9 -f ivf},
 * the first bytes of each frame.
 */
class Vp9FrameSizeTest {
    record Case(String frame, Vp9FrameSize expected) {}

    static Stream<Arguments> frames() {
        return Stream.of(
                Arguments.of(Named.of("a profile 0 keyframe", new Case("""
                        82             # frame_marker 2, profile 0, show_existing_frame 0, frame_type 0 (key),
                                       # show_frame 1, error_resilient_mode 0
                        49 83 42       # frame_sync_code
                        00 1a 90 0e f6 # color_space 0, color_range 0,
                                       # frame_width_minus_1 425, frame_height_minus_1 239
                        06             # render_and_frame_size_different 0 ...
                        """, new Vp9FrameSize(426, 240)))),
                Arguments.of(Named.of("a profile 1 (4:4:4) keyframe has subsampling bits first", new Case("""
                        a2             # frame_marker 2, profile 1, show_existing_frame 0, frame_type 0 (key),
                                       # show_frame 1, error_resilient_mode 0
                        49 83 42       # frame_sync_code
                        00 03 52 01    # color_space 0, color_range 0, subsampling_x 0, subsampling_y 0,
                                       # reserved_zero, frame_width_minus_1 425, frame_height_minus_1 begins
                        de c0          # frame_height_minus_1 239 ends
                        """, new Vp9FrameSize(426, 240)))),
                Arguments.of(Named.of("an inter frame carries no size", new Case("""
                        86             # frame_marker 2, profile 0, show_existing_frame 0, frame_type 1 (inter)
                        00 40 92       # refresh_frame_flags ...
                        """, null))),
                Arguments.of(Named.of("a shown existing frame carries no size", new Case("""
                        88             # frame_marker 2, profile 0, show_existing_frame 1, frame_to_show_map_idx 0
                        """, null))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void theKeyframeHeaderGivesThePictureSize(Case c) throws ProtocolException {
        byte[] frame = AnnotatedHex.bytes(c.frame());
        assertEquals(c.expected(), Vp9FrameSize.parse(frame, 0, frame.length));
    }

    @Test
    void truncatedAndForeignHeadersFailWithOneException() {
        byte[] key = AnnotatedHex.bytes("82 49 83 42 00 1a 90 0e f6");
        for (int length = 0; length < key.length; length++) {
            byte[] prefix = Arrays.copyOf(key, length);
            assertThrows(ProtocolException.class, () -> Vp9FrameSize.parse(prefix, 0, prefix.length),
                    "prefix of " + length);
        }
        byte[] noMarker = AnnotatedHex.bytes("42 49 83 42 00 1a 90 0e f6");
        assertThrows(ProtocolException.class, () -> Vp9FrameSize.parse(noMarker, 0, noMarker.length));
        byte[] noSync = AnnotatedHex.bytes("82 49 83 43 00 1a 90 0e f6");
        assertThrows(ProtocolException.class, () -> Vp9FrameSize.parse(noSync, 0, noSync.length));
    }

    @Test
    void aWholeEnhancedRtmpMessageIsReadPastItsHeader() {
        byte[] message = AnnotatedHex.bytes("""
                91             # IsExHeader, frame type 1 (key), PacketType 1 (CodedFrames)
                76 70 30 39    # FourCC 'vp09'
                82 49 83 42 00 1a 90 0e f6
                """);
        assertEquals(new Vp9FrameSize(426, 240), Vp9FrameSize.ofMessage(message));
        byte[] sequenceStart = AnnotatedHex.bytes("90 76 70 30 39 01 00 00 00");
        assertNull(Vp9FrameSize.ofMessage(sequenceStart));
        assertNull(Vp9FrameSize.ofMessage(AnnotatedHex.bytes("17 01 00 00 00 65")), "not VP9");
    }
}
