package dev.rtmpserver.wire.chunk;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Messages chunked once and shared must read back exactly, whatever else the connection sent. */
class StandaloneEncodingTest {

    private static byte[] payload(int size, int seed) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) (seed + i * 7);
        }
        return p;
    }

    @Test
    void aPatchedHeaderReadsBackAsTheSameMessageOnAnotherStreamId() throws IOException {
        for (int ts : new int[] {40, 0x7FFFFFF0}) {
            byte[] encoded = ChunkWriter.encodeStandalone(6, 9, 1, ts, payload(300, 5), 128);
            assertEquals(1, ChunkWriter.standaloneStreamId(encoded));
            byte[] header = new byte[ChunkWriter.STANDALONE_HEADER_BYTES];
            ChunkWriter.standaloneHeader(encoded, 0x01020304, header);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            stream.write(header);
            stream.write(encoded, header.length, encoded.length - header.length);
            byte[] patched = stream.toByteArray();
            assertEquals(0x01020304, ChunkWriter.standaloneStreamId(patched));
            RawMessage m = new ChunkReader(new ByteArrayInputStream(patched)).read();
            assertEquals(0x01020304, m.streamId());
            assertEquals(ts, m.timestamp());
            assertArrayEquals(payload(300, 5), m.payload());
        }
    }

    @Test
    void sharedEncodingDecodesIdenticallyForDifferentStreamIdsChunkSizesAndTimestamps() throws IOException {
        int[] chunkSizes = {128, 4096, 60000};
        int[] streamIds = {1, 2, 77};
        int[] timestamps = {0, 40, 0xFFFFFE, 0xFFFFFF, 0x7FFFFFF0};
        int[] sizes = {0, 1, 127, 128, 129, 10_000};
        for (int chunkSize : chunkSizes) {
            for (int streamId : streamIds) {
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                ChunkWriter control = new ChunkWriter(stream);
                control.write(2, new RawMessage(1, 0, 0, java.nio.ByteBuffer.allocate(4).putInt(chunkSize).array()));
                control.setChunkSize(chunkSize);
                int n = 0;
                for (int ts : timestamps) {
                    for (int size : sizes) {
                        stream.write(ChunkWriter.encodeStandalone(6, 9, streamId, ts, payload(size, n++), chunkSize));
                        // Something the connection writes itself on the same chunk stream in between.
                        control.forget(6);
                        control.write(6, new RawMessage(9, streamId, ts, payload(3, n++)));
                    }
                }
                ChunkReader reader = new ChunkReader(new ByteArrayInputStream(stream.toByteArray()));
                reader.read();
                n = 0;
                for (int ts : timestamps) {
                    for (int size : sizes) {
                        for (int expectedSize : new int[] {size, 3}) {
                            RawMessage m = reader.read();
                            String where = "chunk size " + chunkSize + ", stream " + streamId + ", ts " + ts;
                            assertEquals(9, m.typeId(), where);
                            assertEquals(streamId, m.streamId(), where);
                            assertEquals(ts, m.timestamp(), where);
                            assertArrayEquals(payload(expectedSize, n++), m.payload(), where);
                        }
                    }
                }
            }
        }
    }
}
