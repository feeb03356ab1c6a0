package dev.rtmpserver.wire.chunk;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.LimitExceededException;
import dev.rtmpserver.wire.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ChunkLimitsTest {

    private static ChunkReader reader(String annotatedHex) {
        return new ChunkReader(new ByteArrayInputStream(HexFormat.of().parseHex(ChunkFixturesTest.hex(annotatedHex))));
    }

    @Test
    void truncatedMessageAtEveryLengthFailsWithProtocolException() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChunkWriter writer = new ChunkWriter(bytes);
        writer.write(6, new RawMessage(9, 1, 0x01000000, new byte[300]));
        byte[] whole = bytes.toByteArray();
        for (int len = 0; len < whole.length; len++) {
            ChunkReader r = new ChunkReader(new ByteArrayInputStream(Arrays.copyOf(whole, len)));
            IOException e = assertThrows(IOException.class, r::read, "prefix of " + len + " bytes");
            if (len == 0) {
                assertTrue(e instanceof EOFException, "an empty stream is a clean hang-up");
            } else {
                assertTrue(e instanceof ProtocolException, "prefix of " + len + " bytes: " + e);
            }
        }
    }

    @Test
    void firstChunkOfAStreamWithoutFullHeaderIsRejected() {
        assertThrows(ProtocolException.class, () -> reader("""
                46 000028 000003 09  # fmt 1 on a chunk stream never seen before
                222222
                """).read());
    }

    @Test
    void newHeaderInTheMiddleOfAMessageIsRejected() {
        assertThrows(ProtocolException.class, () -> reader("""
                04 000000 0000c8 08 01000000  # audio, 200 bytes long
                """ + "00".repeat(128) + """
                04 000000 000001 08 01000000  # a new type 0 header before the first message ended
                00
                """).read());
    }

    @Test
    void zeroChunkSizeIsRejected() {
        assertThrows(ProtocolException.class, () -> reader("""
                02 000000 000004 01 00000000  # Set Chunk Size
                00000000                      # zero
                """).read());
    }

    @Test
    void shortControlMessageIsRejected() {
        assertThrows(ProtocolException.class, () -> reader("""
                02 000000 000002 01 00000000  # Set Chunk Size with a 2-byte body
                0001
                """).read());
    }

    @Test
    void commandAnnouncingMoreThanTheLimitIsRejectedBeforeItsBody() {
        assertThrows(ProtocolException.class, () -> reader("""
                03 000000 200000 14 00000000  # fmt 0 csid 3: AMF0 command announcing 2 MiB
                """).read());
    }

    @Test
    void unfinishedMessagesBeyondThePendingLimitAreRejected() throws IOException {
        // Chunk size 64 KiB; 40 chunk streams each announce a 16 MiB video message and send 1 MiB
        // of it, more than MAX_PENDING_BYTES in all.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(AnnotatedHex.bytes("02 000000 000004 01 00000000 00010000"));
        byte[] chunk = new byte[64 * 1024];
        for (int csid = 3; csid < 43; csid++) {
            bytes.write(AnnotatedHex.bytes(String.format("%02x 000000 ffffff 09 01000000", csid)));
            bytes.write(chunk);
            for (int i = 1; i < 16; i++) {
                bytes.write(0xC0 | csid);
                bytes.write(chunk);
            }
        }
        ChunkReader r = new ChunkReader(new ByteArrayInputStream(bytes.toByteArray()));
        ProtocolException e = assertThrows(ProtocolException.class, () -> {
            while (true) {
                r.read();
            }
        });
        assertTrue(e.getMessage().contains("partly received"), e.getMessage());
    }

    @Test
    void headersAloneCannotMakeTheReaderHoldMegabytes() throws IOException {
        // Set Chunk Size 1, then the first byte of a 64 KiB video message on each of 256 chunk
        // streams: under 4 KB sent. Held memory must stay near what the old 4 KiB floor allowed
        // (256 x 4 KiB), not 256 x 64 KiB.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(AnnotatedHex.bytes("02 000000 000004 01 00000000 00000001"));
        for (int i = 0; i < ChunkReader.MAX_CHUNK_STREAMS; i++) {
            bytes.write(AnnotatedHex.bytes(String.format("00 %02x 000000 010000 09 01000000 55", i)));
        }
        ChunkReader r = new ChunkReader(new ByteArrayInputStream(bytes.toByteArray()));
        r.read();
        assertThrows(ProtocolException.class, r::read, "the stream ends inside the messages");
        assertTrue(r.pendingBytes() <= 2 * 1024 * 1024,
                bytes.size() + " bytes sent, " + r.pendingBytes() + " bytes held");
    }

    @Test
    void tooManyChunkStreamsAreRejected() {
        StringBuilder hex = new StringBuilder();
        for (int csid = 64; csid < 64 + ChunkReader.MAX_CHUNK_STREAMS + 2; csid++) {
            hex.append(String.format("01 %02x %02x 000000 000001 08 01000000 ee%n", (csid - 64) & 0xFF,
                    (csid - 64) >> 8));
        }
        assertThrows(ProtocolException.class, () -> {
            ChunkReader r = reader(hex.toString());
            while (true) {
                r.read();
            }
        });
    }

    @Test
    void configuredMessageSizeIsEnforcedBeforeTheBodyArrives() throws IOException {
        String header = "03 000000 000401 14 00000000  # a command announcing 1,025 bytes, no body sent\n";
        ChunkReader tight = new ChunkReader(
                new ByteArrayInputStream(AnnotatedHex.bytes(header)), 1024, ChunkReader.DEFAULT_MAX_CHUNK_SIZE);
        LimitExceededException e = assertThrows(LimitExceededException.class, tight::read);
        assertEquals("message_size", e.limit());

        byte[] fits = AnnotatedHex.bytes("""
                03 000000 000004 14 00000000  # a command of 4 bytes
                01020304
                """);
        RawMessage m = new ChunkReader(new ByteArrayInputStream(fits), 4, ChunkReader.DEFAULT_MAX_CHUNK_SIZE).read();
        assertArrayEquals(new byte[] {1, 2, 3, 4}, m.payload());
    }

    @Test
    void mediaMayAlwaysUseTheWholeLengthField() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ChunkWriter(bytes).write(6, new RawMessage(9, 1, 0, new byte[5000]));
        ChunkReader r = new ChunkReader(new ByteArrayInputStream(bytes.toByteArray()), 1024, 4096);
        assertEquals(5000, r.read().payload().length);
    }

    @Test
    void chunkSizeAboveTheConfiguredLimitIsRejected() throws IOException {
        String setChunkSize = "02 000000 000004 01 00000000  # Set Chunk Size\n";
        ChunkReader atLimit = new ChunkReader(
                new ByteArrayInputStream(AnnotatedHex.bytes(setChunkSize + "00010000  # 65,536")), 1024, 65536);
        atLimit.read();
        assertEquals(65536, atLimit.chunkSize());

        ChunkReader above = new ChunkReader(
                new ByteArrayInputStream(AnnotatedHex.bytes(setChunkSize + "00010001  # 65,537")), 1024, 65536);
        LimitExceededException e = assertThrows(LimitExceededException.class, above::read);
        assertEquals("chunk_size", e.limit());
    }

    @Test
    void byDefaultEveryChunkSizeTheSpecAllowsIsAccepted() throws IOException {
        ChunkReader r = reader("""
                02 000000 000004 01 00000000  # Set Chunk Size
                7fffffff                      # 2^31-1, the largest the spec allows
                """);
        r.read();
        assertEquals(Integer.MAX_VALUE, r.chunkSize());
    }
}
