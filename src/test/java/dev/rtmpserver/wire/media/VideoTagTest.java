package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Video tag headers: legacy FLV (spec v10.1 Annex E.4.3) and Enhanced RTMP ExVideoTagHeader. The
 * legacy AVC payloads begin as FFmpeg's FLV muxer wrote them; the rest are built from the specs.
 */
class VideoTagTest {
    private static final VideoCodec AVC = VideoCodec.AVC;
    private static final VideoCodec HEVC = VideoCodec.HEVC;
    private static final VideoCodec UNKNOWN = VideoCodec.UNKNOWN;

    record Case(String payload, VideoTag expected) {}

    static Stream<Arguments> payloads() {
        return Stream.of(
                Arguments.of(Named.of("a legacy AVC sequence header is a keyframe carrying the decoder configuration",
                        new Case("""
                        17             # frame type 1 (key), CodecID 7 (AVC)
                        00             # AVCPacketType 0: sequence header
                        00 00 00       # composition time 0
                        01 64 00 1f    # AVCDecoderConfigurationRecord begins
                        """, new VideoTag(AVC, 1, true, true, false, 0, 5)))),
                Arguments.of(Named.of("a legacy AVC keyframe carries its composition time", new Case("""
                        17             # frame type 1 (key), CodecID 7 (AVC)
                        01             # AVCPacketType 1: NAL units
                        00 00 43       # composition time +67 ms
                        00 00 02 ae 06 # first NAL unit: 4-byte length 686, SEI
                        """, new VideoTag(AVC, 1, true, false, false, 67, 5)))),
                Arguments.of(Named.of("a legacy AVC inter frame may have a negative composition time", new Case("""
                        27             # frame type 2 (inter), CodecID 7 (AVC)
                        01             # AVCPacketType 1: NAL units
                        ff ff be       # composition time -66 ms, SI24
                        00 00 00 e6 01 # first NAL unit: 4-byte length 230, slice
                        """, new VideoTag(AVC, 2, false, false, false, -66, 5)))),
                Arguments.of(Named.of("a legacy AVC end of sequence is flagged", new Case("""
                        17             # frame type 1 (key), CodecID 7 (AVC)
                        02             # AVCPacketType 2: end of sequence
                        00 00 00       # composition time 0
                        """, new VideoTag(AVC, 1, true, false, true, 0, 5)))),
                Arguments.of(Named.of("a legacy seek command frame is neither a keyframe nor a picture", new Case("""
                        57             # frame type 5 (video info/command), CodecID 7 (AVC)
                        00             # command 0: start of client-side seeking
                        """, new VideoTag(AVC, 5, false, false, false, 0, 1)))),
                Arguments.of(Named.of("a legacy Sorenson H.263 disposable frame has a one-byte header", new Case("""
                        32             # frame type 3 (disposable inter), CodecID 2 (Sorenson H.263)
                        00 00 84       # picture start code
                        """, new VideoTag(VideoCodec.SORENSON_H263, 3, false, false, false, 0, 1)))),
                Arguments.of(Named.of("a legacy VP6 keyframe has a one-byte header", new Case("""
                        14             # frame type 1 (key), CodecID 4 (On2 VP6)
                        00             # VP6 horizontal and vertical adjustment
                        """, new VideoTag(VideoCodec.VP6, 1, true, false, false, 0, 1)))),
                Arguments.of(Named.of("a reserved legacy CodecID is an unknown codec that keeps its frame type",
                        new Case("""
                        1f             # frame type 1 (key), CodecID 15 (reserved)
                        00             # codec data nobody can decode
                        """, new VideoTag(UNKNOWN, 1, true, false, false, 0, 1)))),
                Arguments.of(Named.of("an enhanced HEVC SequenceStart is a sequence header", new Case("""
                        90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)
                        68 76 63 31    # FourCC 'hvc1'
                        01 01 60 00    # HEVCDecoderConfigurationRecord begins
                        """, new VideoTag(HEVC, 1, true, true, false, 0, 5)))),
                Arguments.of(Named.of("an enhanced HEVC CodedFrames keyframe carries its composition time",
                        new Case("""
                        91             # IsExHeader, frame type 1 (key), PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1'
                        00 00 21       # composition time +33 ms
                        00 00 00 1a 40 # first NAL unit: 4-byte length 26, VPS
                        """, new VideoTag(HEVC, 1, true, false, false, 33, 8)))),
                Arguments.of(Named.of("an enhanced CodedFramesX keyframe has no composition time field", new Case("""
                        93             # IsExHeader, frame type 1 (key), PacketType 3 (CodedFramesX)
                        68 76 63 31    # FourCC 'hvc1'
                        00 00 00 1a 40 # first NAL unit straight away
                        """, new VideoTag(HEVC, 1, true, false, false, 0, 5)))),
                Arguments.of(Named.of("an enhanced AVC CodedFrames frame may have a negative composition time",
                        new Case("""
                        a1             # IsExHeader, frame type 2 (inter), PacketType 1 (CodedFrames)
                        61 76 63 31    # FourCC 'avc1'
                        ff ff ff       # composition time -1 ms
                        """, new VideoTag(AVC, 2, false, false, false, -1, 8)))),
                Arguments.of(Named.of("enhanced AV1 CodedFrames have no composition time field", new Case("""
                        a1             # IsExHeader, frame type 2 (inter), PacketType 1 (CodedFrames)
                        61 76 30 31    # FourCC 'av01'
                        12 00 0a       # temporal delimiter OBU, then more OBUs
                        """, new VideoTag(VideoCodec.AV1, 2, false, false, false, 0, 5)))),
                Arguments.of(Named.of("an enhanced VP9 SequenceEnd ends the sequence", new Case("""
                        92             # IsExHeader, frame type 1 (key), PacketType 2 (SequenceEnd)
                        76 70 30 39    # FourCC 'vp09'
                        """, new VideoTag(VideoCodec.VP9, 1, true, false, true, 0, 5)))),
                Arguments.of(Named.of("an enhanced metadata packet is never a keyframe", new Case("""
                        94             # IsExHeader, frame type 1 (ignored for metadata), PacketType 4 (Metadata)
                        68 76 63 31    # FourCC 'hvc1'
                        02 00 09       # AMF0 string of 9 bytes...
                        63 6f 6c 6f 72 49 6e 66 6f   # ...'colorInfo'
                        """, new VideoTag(HEVC, 1, false, false, false, 0, 5)))),
                Arguments.of(Named.of("an enhanced command frame has no FourCC", new Case("""
                        d1             # IsExHeader, frame type 5 (command), PacketType 1
                        01             # command 1: end of client-side seeking
                        """, new VideoTag(UNKNOWN, 5, false, false, false, 0, 1)))),
                Arguments.of(Named.of("a ModEx prefix is stepped over to the real packet type", new Case("""
                        97             # IsExHeader, frame type 1 (key), PacketType 7 (ModEx)
                        02             # modExDataSize - 1: three bytes follow
                        00 0b b8       # TimestampOffsetNano 3000 ns
                        01             # VideoPacketModExType 0, PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1'
                        00 00 00       # composition time 0
                        """, new VideoTag(HEVC, 1, true, false, false, 0, 13)))),
                Arguments.of(Named.of("a ModEx size of 256 escapes to a 16-bit size", new Case("""
                        97             # IsExHeader, frame type 1 (key), PacketType 7 (ModEx)
                        ff             # modExDataSize - 1 = 255: the real size follows as UI16
                        00 02          # modExDataSize - 1 = 2: three bytes follow
                        00 0b b8       # TimestampOffsetNano 3000 ns
                        01             # VideoPacketModExType 0, PacketType 1 (CodedFrames)
                        68 76 63 31    # FourCC 'hvc1'
                        00 00 00       # composition time 0
                        """, new VideoTag(HEVC, 1, true, false, false, 0, 15)))),
                Arguments.of(Named.of("a one-track multitrack message reads as its track", new Case("""
                        96             # IsExHeader, frame type 1 (key), PacketType 6 (Multitrack)
                        00             # AvMultitrackType 0 (OneTrack), PacketType 0 (SequenceStart)
                        68 76 63 31    # FourCC 'hvc1'
                        00             # track id 0
                        01 01 60       # HEVCDecoderConfigurationRecord begins
                        """, new VideoTag(HEVC, 1, true, true, false, 0, 7)))),
                Arguments.of(Named.of("a many-codec multitrack message is classified by its first track", new Case("""
                        a6             # IsExHeader, frame type 2 (inter), PacketType 6 (Multitrack)
                        21             # AvMultitrackType 2 (ManyTracksManyCodecs), PacketType 1 (CodedFrames)
                        61 76 63 31    # first track's FourCC 'avc1'
                        01             # track id 1
                        00 00 0a       # sizeOfVideoTrack 10
                        00 00 05       # composition time +5 ms
                        """, new VideoTag(AVC, 2, false, false, false, 5, 13)))),
                Arguments.of(Named.of("an unnamed FourCC is an unknown codec whose packet type still counts",
                        new Case("""
                        90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)
                        76 76 63 31    # FourCC 'vvc1': valid, but not a codec this server names
                        """, new VideoTag(UNKNOWN, 1, true, true, false, 0, 5)))),
                Arguments.of(Named.of("an empty payload is an ordinary frame of unknown codec", new Case("""
                        # no bytes at all
                        """, new VideoTag(UNKNOWN, 0, false, false, false, 0, 0)))),
                Arguments.of(Named.of("a legacy AVC header cut short is an ordinary frame of unknown codec",
                        new Case("""
                        17             # frame type 1 (key), CodecID 7 (AVC)
                        00             # AVCPacketType 0: sequence header
                        00             # composition time cut off after one byte
                        """, new VideoTag(UNKNOWN, 0, false, false, false, 0, 3)))),
                Arguments.of(Named.of("an enhanced header cut inside its FourCC is an ordinary frame of unknown codec",
                        new Case("""
                        90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)
                        68 76          # FourCC cut off after 'hv'
                        """, new VideoTag(UNKNOWN, 0, false, false, false, 0, 3)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void theHeaderClassifiesThePayload(Case c) {
        assertEquals(c.expected(), VideoTag.parse(AnnotatedHex.bytes(c.payload())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void everyPrefixIsClassifiedWithoutThrowingAndTooShortOnesAsUnknown(Case c) {
        byte[] payload = AnnotatedHex.bytes(c.payload());
        for (int length = 0; length <= payload.length; length++) {
            byte[] prefix = Arrays.copyOf(payload, length);
            VideoTag tag = assertDoesNotThrow(() -> VideoTag.parse(prefix), "prefix of " + length + " bytes");
            VideoTag tooShort = new VideoTag(UNKNOWN, 0, false, false, false, 0, length);
            if (length < c.expected().dataOffset()) {
                assertEquals(tooShort, tag, "prefix of " + length + " bytes");
            } else {
                assertTrue(tag.equals(c.expected()) || tag.equals(tooShort), "prefix of " + length + " bytes: " + tag);
            }
        }
    }

    @Test
    void aNullPayloadIsAnOrdinaryFrameOfUnknownCodec() {
        assertEquals(new VideoTag(UNKNOWN, 0, false, false, false, 0, 0), VideoTag.parse(null));
    }

    @Test
    void randomBytesNeverMakeTheClassifierThrowOrPointPastThePayload() {
        SplittableRandom random = new SplittableRandom(20240521);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[random.nextInt(24)];
            random.nextBytes(payload);
            // Bias towards the interesting header shapes: enhanced headers with ModEx and multitrack.
            if (payload.length > 0 && random.nextBoolean()) {
                payload[0] = (byte) (0x80 | random.nextInt(0x80));
            }
            VideoTag tag = assertDoesNotThrow(() -> VideoTag.parse(payload), () -> Arrays.toString(payload));
            assertTrue(tag.dataOffset() >= 0 && tag.dataOffset() <= payload.length, () -> Arrays.toString(payload));
        }
    }
}
