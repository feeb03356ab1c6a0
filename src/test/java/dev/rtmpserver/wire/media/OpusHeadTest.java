package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.ProtocolException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The Opus sequence start FFmpeg 8.0.1 sent for {@code -f lavfi -i sine -ac 2 -c:a libopus -f flv}. */
class OpusHeadTest {
    static final String SEQUENCE_START = """
            90             # SoundFormat 9 (ExHeader), AudioPacketType 0 (SequenceStart)
            4f 70 75 73    # FourCC 'Opus'
            4f 70 75 73 48 65 61 64 # magic "OpusHead"
            01             # version 1
            02             # channel count 2
            38 01          # pre-skip 312 (little-endian)
            80 bb 00 00    # input sample rate 48000 (little-endian)
            00 00          # output gain 0
            00             # channel mapping family 0
            """;

    @Test
    void ffmpegsIdentificationHeader() throws ProtocolException {
        byte[] payload = AnnotatedHex.bytes(SEQUENCE_START);
        assertEquals(new OpusHead(2, 312, 48000, 0), OpusHead.parse(payload, 5, payload.length - 5));
        assertEquals("audio Opus 48000 Hz 2 ch", CodecSummary.audio(payload));
    }

    @Test
    void truncatedForeignAndIncompatibleHeadersFailWithOneException() {
        byte[] payload = AnnotatedHex.bytes(SEQUENCE_START);
        for (int length = 0; length < payload.length - 5; length++) {
            int l = length;
            assertThrows(ProtocolException.class, () -> OpusHead.parse(payload, 5, l), "length " + l);
        }
        byte[] notOpus = Arrays.copyOf(payload, payload.length);
        notOpus[5] = 'X';
        assertThrows(ProtocolException.class, () -> OpusHead.parse(notOpus, 5, notOpus.length - 5));
        byte[] version2 = Arrays.copyOf(payload, payload.length);
        version2[13] = 0x20;
        assertThrows(ProtocolException.class, () -> OpusHead.parse(version2, 5, version2.length - 5));
        byte[] noChannels = Arrays.copyOf(payload, payload.length);
        noChannels[14] = 0;
        assertThrows(ProtocolException.class, () -> OpusHead.parse(noChannels, 5, noChannels.length - 5));
        assertEquals("audio Opus (unparsable OpusHead)", CodecSummary.audio(notOpus));
    }
}
