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
 * Audio tag headers: legacy FLV (spec v10.1 Annex E.4.2) and Enhanced RTMP ExAudioTagHeader. The
 * AAC payloads begin as FFmpeg's FLV muxer wrote them; the rest are built from the specs.
 */
class AudioTagTest {
    private static final AudioCodec AAC = AudioCodec.AAC;
    private static final AudioCodec OPUS = AudioCodec.OPUS;
    private static final AudioCodec UNKNOWN = AudioCodec.UNKNOWN;

    record Case(String payload, AudioTag expected) {}

    static Stream<Arguments> payloads() {
        return Stream.of(
                Arguments.of(Named.of("an AAC sequence header holds the AudioSpecificConfig", new Case("""
                        af             # SoundFormat 10 (AAC), rate 3 (44 kHz), 16-bit, stereo
                        00             # AACPacketType 0: sequence header
                        12 10 56 e5 00 # AudioSpecificConfig: AAC-LC 44100 Hz stereo, no SBR
                        """, new AudioTag(AAC, 44100, 16, 2, true, 2)))),
                Arguments.of(Named.of("a raw AAC frame is not a sequence header", new Case("""
                        af             # SoundFormat 10 (AAC), rate 3 (44 kHz), 16-bit, stereo
                        01             # AACPacketType 1: raw frame
                        de 02 00 4c    # raw_data_block begins
                        """, new AudioTag(AAC, 44100, 16, 2, false, 2)))),
                Arguments.of(Named.of("an MP3 frame has a one-byte header", new Case("""
                        2f             # SoundFormat 2 (MP3), rate 3 (44 kHz), 16-bit, stereo
                        ff fb 90 64    # MPEG audio frame header
                        """, new AudioTag(AudioCodec.MP3, 44100, 16, 2, false, 1)))),
                Arguments.of(Named.of("8-bit mono linear PCM at 11 kHz reads all three flags", new Case("""
                        34             # SoundFormat 3 (linear PCM, little endian), rate 1 (11 kHz), 8-bit, mono
                        80 80          # two silent samples
                        """, new AudioTag(AudioCodec.LINEAR_PCM_LE, 11025, 8, 1, false, 1)))),
                Arguments.of(Named.of("Speex reports its header flags as sent", new Case("""
                        b2             # SoundFormat 11 (Speex), rate 0 (5.5 kHz), 16-bit, mono
                        00             # Speex frame begins
                        """, new AudioTag(AudioCodec.SPEEX, 5512, 16, 1, false, 1)))),
                Arguments.of(Named.of("a reserved SoundFormat is an unknown codec", new Case("""
                        c2             # SoundFormat 12 (reserved), rate 0, 16-bit, mono
                        00             # data nobody can decode
                        """, new AudioTag(UNKNOWN, 5512, 16, 1, false, 1)))),
                Arguments.of(Named.of("an enhanced Opus SequenceStart is a sequence header", new Case("""
                        90             # SoundFormat 9 (ExHeader), AudioPacketType 0 (SequenceStart)
                        4f 70 75 73    # FourCC 'Opus'
                        4f 70 75 73 48 65 61 64   # 'OpusHead' identification header begins
                        """, new AudioTag(OPUS, 0, 0, 0, true, 5)))),
                Arguments.of(Named.of("enhanced AAC CodedFrames are not a sequence header", new Case("""
                        91             # SoundFormat 9 (ExHeader), AudioPacketType 1 (CodedFrames)
                        6d 70 34 61    # FourCC 'mp4a'
                        de 02          # raw_data_block begins
                        """, new AudioTag(AAC, 0, 0, 0, false, 5)))),
                Arguments.of(Named.of("enhanced MP3 is signalled by the '.mp3' FourCC", new Case("""
                        91             # SoundFormat 9 (ExHeader), AudioPacketType 1 (CodedFrames)
                        2e 6d 70 33    # FourCC '.mp3'
                        """, new AudioTag(AudioCodec.MP3, 0, 0, 0, false, 5)))),
                Arguments.of(Named.of("an enhanced FLAC SequenceStart names FLAC", new Case("""
                        90             # SoundFormat 9 (ExHeader), AudioPacketType 0 (SequenceStart)
                        66 4c 61 43    # FourCC 'fLaC'
                        """, new AudioTag(AudioCodec.FLAC, 0, 0, 0, true, 5)))),
                Arguments.of(Named.of("enhanced AC-3 frames name AC-3", new Case("""
                        91             # SoundFormat 9 (ExHeader), AudioPacketType 1 (CodedFrames)
                        61 63 2d 33    # FourCC 'ac-3'
                        0b 77          # AC-3 sync word
                        """, new AudioTag(AudioCodec.AC3, 0, 0, 0, false, 5)))),
                Arguments.of(Named.of("enhanced E-AC-3 frames name E-AC-3", new Case("""
                        91             # SoundFormat 9 (ExHeader), AudioPacketType 1 (CodedFrames)
                        65 63 2d 33    # FourCC 'ec-3'
                        """, new AudioTag(AudioCodec.EAC3, 0, 0, 0, false, 5)))),
                Arguments.of(Named.of("an enhanced multichannel config is not a sequence header", new Case("""
                        94             # SoundFormat 9 (ExHeader), AudioPacketType 4 (MultichannelConfig)
                        4f 70 75 73    # FourCC 'Opus'
                        01 06          # channel order native, 6 channels
                        """, new AudioTag(OPUS, 0, 0, 0, false, 5)))),
                Arguments.of(Named.of("a ModEx prefix is stepped over to the real packet type", new Case("""
                        97             # SoundFormat 9 (ExHeader), AudioPacketType 7 (ModEx)
                        02             # modExDataSize - 1: three bytes follow
                        00 0b b8       # TimestampOffsetNano 3000 ns
                        00             # AudioPacketModExType 0, AudioPacketType 0 (SequenceStart)
                        4f 70 75 73    # FourCC 'Opus'
                        """, new AudioTag(OPUS, 0, 0, 0, true, 10)))),
                Arguments.of(Named.of("a one-track multitrack message reads as its track", new Case("""
                        95             # SoundFormat 9 (ExHeader), AudioPacketType 5 (Multitrack)
                        00             # AvMultitrackType 0 (OneTrack), AudioPacketType 0 (SequenceStart)
                        4f 70 75 73    # FourCC 'Opus'
                        00             # track id 0
                        """, new AudioTag(OPUS, 0, 0, 0, true, 7)))),
                Arguments.of(Named.of("a many-track multitrack message shares one FourCC", new Case("""
                        95             # SoundFormat 9 (ExHeader), AudioPacketType 5 (Multitrack)
                        11             # AvMultitrackType 1 (ManyTracks), AudioPacketType 1 (CodedFrames)
                        6d 70 34 61    # FourCC 'mp4a' for every track
                        00             # track id 0
                        00 00 0c       # sizeOfAudioTrack 12
                        de 02          # first track's raw_data_block begins
                        """, new AudioTag(AAC, 0, 0, 0, false, 10)))),
                Arguments.of(Named.of("an empty payload is an ordinary frame of unknown codec", new Case("""
                        # no bytes at all: the undocumented "audio silence" message
                        """, new AudioTag(UNKNOWN, 0, 0, 0, false, 0)))),
                Arguments.of(Named.of("an AAC header without its packet type is an ordinary frame of unknown codec",
                        new Case("""
                        af             # SoundFormat 10 (AAC), then nothing
                        """, new AudioTag(UNKNOWN, 0, 0, 0, false, 1)))),
                Arguments.of(Named.of("an enhanced header cut inside its FourCC is an ordinary frame of unknown codec",
                        new Case("""
                        90             # SoundFormat 9 (ExHeader), AudioPacketType 0 (SequenceStart)
                        4f 70          # FourCC cut off after 'Op'
                        """, new AudioTag(UNKNOWN, 0, 0, 0, false, 3)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void theHeaderClassifiesThePayload(Case c) {
        assertEquals(c.expected(), AudioTag.parse(AnnotatedHex.bytes(c.payload())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("payloads")
    void everyPrefixIsClassifiedWithoutThrowingAndTooShortOnesAsUnknown(Case c) {
        byte[] payload = AnnotatedHex.bytes(c.payload());
        for (int length = 0; length <= payload.length; length++) {
            byte[] prefix = Arrays.copyOf(payload, length);
            AudioTag tag = assertDoesNotThrow(() -> AudioTag.parse(prefix), "prefix of " + length + " bytes");
            AudioTag tooShort = new AudioTag(UNKNOWN, 0, 0, 0, false, length);
            if (length < c.expected().dataOffset()) {
                assertEquals(tooShort, tag, "prefix of " + length + " bytes");
            } else {
                assertTrue(tag.equals(c.expected()) || tag.equals(tooShort), "prefix of " + length + " bytes: " + tag);
            }
        }
    }

    @Test
    void aNullPayloadIsAnOrdinaryFrameOfUnknownCodec() {
        assertEquals(new AudioTag(UNKNOWN, 0, 0, 0, false, 0), AudioTag.parse(null));
    }

    @Test
    void randomBytesNeverMakeTheClassifierThrowOrPointPastThePayload() {
        SplittableRandom random = new SplittableRandom(20240521);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[random.nextInt(24)];
            random.nextBytes(payload);
            // Bias towards the interesting header shape: enhanced headers with ModEx and multitrack.
            if (payload.length > 0 && random.nextBoolean()) {
                payload[0] = (byte) (0x90 | random.nextInt(0x10));
            }
            AudioTag tag = assertDoesNotThrow(() -> AudioTag.parse(payload), () -> Arrays.toString(payload));
            assertTrue(tag.dataOffset() >= 0 && tag.dataOffset() <= payload.length, () -> Arrays.toString(payload));
        }
    }
}
