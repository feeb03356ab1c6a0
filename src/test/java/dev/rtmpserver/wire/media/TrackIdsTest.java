package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Track ids of video and audio messages. The multitrack sequence starts are the first bytes of
 * what FFmpeg 8.0.1 sent for {@code -map 0:v -map 1:v -map 2:a -map 3:a -c:v libx264 -c:a aac -f flv}
 * (its second tracks; the first went out as legacy tags); the many-track forms follow the
 * Enhanced RTMP v2 spec, "Multitrack Streaming".
 */
class TrackIdsTest {
    record Case(String payload, boolean video, int[] ids, boolean multitrack) {}

    static Stream<Arguments> payloads() {
        return Stream.of(
                Arguments.of(Named.of("a legacy AVC sequence header is the default track", new Case("""
                        17             # frame type 1 (key), CodecID 7 (AVC)
                        00 00 00 00    # AVCPacketType 0, composition time 0
                        01 42 c0 0d    # AVCDecoderConfigurationRecord begins
                        """, true, new int[] {0}, false))),
                Arguments.of(Named.of("a single-track enhanced HEVC frame is the default track", new Case("""
                        91             # IsExHeader, frame type 1 (key), PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1'
                        00 00 00       # composition time 0
                        """, true, new int[] {0}, false))),
                Arguments.of(Named.of("FFmpeg 8's second video track: a one-track sequence start", new Case("""
                        96             # IsExHeader, frame type 1 (key), PacketType 6 (Multitrack)
                        00             # AvMultitrackType 0 (OneTrack), PacketType 0 (SequenceStart)
                        61 76 63 31    # FourCC 'avc1'
                        01             # track id 1
                        01 42 c0 0b ff # AVCDecoderConfigurationRecord begins
                        """, true, new int[] {1}, true))),
                Arguments.of(Named.of("a many-track message with one codec names each track", new Case("""
                        96             # IsExHeader, frame type 1 (key), PacketType 6 (Multitrack)
                        11             # AvMultitrackType 1 (ManyTracks), PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1', shared
                        02             # track id 2
                        00 00 04       # sizeOfVideoTrack 4
                        00 00 00 aa    # composition time 0, one byte of frame
                        05             # track id 5
                        00 00 03       # sizeOfVideoTrack 3
                        00 00 00       # composition time 0, no frame
                        """, true, new int[] {2, 5}, true))),
                Arguments.of(Named.of("a many-codec message has a FourCC per track", new Case("""
                        a6             # IsExHeader, frame type 2 (inter), PacketType 6 (Multitrack)
                        21             # AvMultitrackType 2 (ManyTracksManyCodecs), PacketType 1 (CodedFrames)
                        61 76 63 31    # FourCC 'avc1'
                        00             # track id 0
                        00 00 03       # sizeOfVideoTrack 3
                        00 00 05       # composition time +5 ms
                        61 76 30 31    # FourCC 'av01'
                        03             # track id 3
                        00 00 01       # sizeOfVideoTrack 1
                        12             # an OBU header
                        """, true, new int[] {0, 3}, true))),
                Arguments.of(Named.of("ModEx before the multitrack type is stepped over", new Case("""
                        97             # IsExHeader, frame type 1 (key), PacketType 7 (ModEx)
                        02             # modExDataSize - 1 = 2
                        00 0b b8       # TimestampOffsetNano 3000 ns
                        06             # VideoPacketModExType 0, PacketType 6 (Multitrack)
                        01             # AvMultitrackType 0 (OneTrack), PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1'
                        07             # track id 7
                        """, true, new int[] {7}, true))),
                Arguments.of(Named.of("a many-track message cut inside a track keeps the ids read", new Case("""
                        96             # IsExHeader, frame type 1 (key), PacketType 6 (Multitrack)
                        11             # AvMultitrackType 1 (ManyTracks), PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1', shared
                        02             # track id 2
                        00 00 09       # sizeOfVideoTrack 9, but only two bytes follow
                        00 00          # cut here
                        """, true, new int[] {2}, true))),
                Arguments.of(Named.of("a multitrack header cut before its track id names no track", new Case("""
                        96             # IsExHeader, frame type 1 (key), PacketType 6 (Multitrack)
                        00             # AvMultitrackType 0 (OneTrack), PacketType 0 (SequenceStart)
                        61 76 63       # FourCC cut after three bytes
                        """, true, new int[] {}, true))),
                Arguments.of(Named.of("a legacy AAC sequence header is the default track", new Case("""
                        af             # SoundFormat 10 (AAC), 44 kHz, 16-bit, stereo
                        00             # AACPacketType 0 (sequence header)
                        11 88          # AudioSpecificConfig: AAC-LC, 48 kHz, mono
                        """, false, new int[] {0}, false))),
                Arguments.of(Named.of("FFmpeg 8's second audio track: a one-track sequence start", new Case("""
                        95             # SoundFormat 9 (ExHeader), AudioPacketType 5 (Multitrack)
                        00             # AvMultitrackType 0 (OneTrack), AudioPacketType 0 (SequenceStart)
                        6d 70 34 61    # FourCC 'mp4a'
                        01             # track id 1
                        12 08          # AudioSpecificConfig: AAC-LC, 44.1 kHz, mono
                        """, false, new int[] {1}, true))),
                Arguments.of(Named.of("FFmpeg 8's multichannel configuration of audio track 1", new Case("""
                        95             # SoundFormat 9 (ExHeader), AudioPacketType 5 (Multitrack)
                        04             # AvMultitrackType 0 (OneTrack), AudioPacketType 4 (MultichannelConfig)
                        6d 70 34 61    # FourCC 'mp4a'
                        01             # track id 1
                        01 01 00 00 00 04 # channel order 1 (native), 1 channel, flags
                        """, false, new int[] {1}, true))),
                Arguments.of(Named.of("a single-track enhanced Opus frame is the default track", new Case("""
                        91             # SoundFormat 9 (ExHeader), AudioPacketType 1 (CodedFrames)
                        4f 70 75 73    # FourCC 'Opus'
                        fc             # an Opus TOC byte
                        """, false, new int[] {0}, false))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void theTracksOfAMessageAreNamedInOrder(Case c) {
        byte[] payload = AnnotatedHex.bytes(c.payload());
        assertArrayEquals(c.ids(), c.video() ? TrackIds.video(payload) : TrackIds.audio(payload));
        assertEquals(c.multitrack(), c.video() ? TrackIds.isVideoMultitrack(payload)
                : TrackIds.isAudioMultitrack(payload));
        if (c.video()) {
            assertEquals(c.ids().length > 0 && c.ids()[0] == 0, TrackIds.isDefaultVideoTrack(payload),
                    "keyframes of the default track only drive the GOP cache");
        }
    }

    @Test
    void nullAndEmptyPayloadsAreTheDefaultTrack() {
        assertArrayEquals(new int[] {0}, TrackIds.video(null));
        assertArrayEquals(new int[] {0}, TrackIds.audio(new byte[0]));
        assertFalse(TrackIds.isVideoMultitrack(null));
        assertFalse(TrackIds.isAudioMultitrack(new byte[0]));
    }

    @Test
    void randomBytesNeverThrowAndNameAtMostOneTrackPerFourBytes() {
        SplittableRandom random = new SplittableRandom(20261202);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[random.nextInt(32)];
            random.nextBytes(payload);
            if (payload.length > 1 && random.nextBoolean()) {
                payload[0] = (byte) (random.nextBoolean() ? 0x96 : 0x95);
            }
            int[] video = assertDoesNotThrow(() -> TrackIds.video(payload), () -> Arrays.toString(payload));
            int[] audio = assertDoesNotThrow(() -> TrackIds.audio(payload), () -> Arrays.toString(payload));
            // Every track after the first takes a track id and a 24-bit size at least.
            assertTrue(video.length <= 1 + payload.length / 4, () -> Arrays.toString(payload));
            assertTrue(audio.length <= 1 + payload.length / 4, () -> Arrays.toString(payload));
        }
    }
}
