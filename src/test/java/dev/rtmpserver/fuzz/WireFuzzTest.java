package dev.rtmpserver.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.amf.Amf3Reader;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.flv.FlvReader;
import dev.rtmpserver.wire.handshake.ServerHandshake;
import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.message.MessageCodec;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Every parser of peer input, fed arbitrary bytes: nothing but the one protocol exception (or a
 * clean end of input) may come out. In a normal build the checked-in corpus under
 * {@code src/test/resources/dev/rtmpserver/fuzz/WireFuzzTestInputs} runs as regression tests;
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=WireFuzzTest#METHOD} fuzzes one parser for real.
 */
class WireFuzzTest {
    /** Enough messages to walk any input a fuzzer makes; each read consumes at least one byte. */
    private static final int MAX_MESSAGES = 10_000;

    @FuzzTest(maxDuration = "60s")
    void handshakeFailsOnlyWithProtocolException(byte[] input) throws IOException {
        try {
            ServerHandshake.perform(new ByteArrayInputStream(input), OutputStream.nullOutputStream());
        } catch (ProtocolException expected) {
            // Bad or short input.
        }
    }

    @FuzzTest(maxDuration = "60s")
    void chunkReaderFailsOnlyWithProtocolExceptionOrEndOfInput(byte[] input) throws IOException {
        ChunkReader reader = new ChunkReader(new ByteArrayInputStream(input));
        try {
            for (int i = 0; i < MAX_MESSAGES; i++) {
                RawMessage m = reader.read();
                MessageCodec.decode(m);
                VideoTag.parse(m.payload());
                AudioTag.parse(m.payload());
            }
        } catch (ProtocolException | EOFException expected) {
            // Bad input, or input that ends between messages.
        }
    }

    @FuzzTest(maxDuration = "60s")
    void amfDecodersFailOnlyWithProtocolException(byte[] input) {
        try {
            Amf0.decodeAll(input);
        } catch (ProtocolException expected) {
            // Bad input.
        }
        try {
            new Amf3Reader(input).readAll();
        } catch (ProtocolException expected) {
            // Bad input.
        }
        try {
            Amf0.decodeAmf3Command(input, 0, input.length);
        } catch (ProtocolException expected) {
            // Bad input.
        }
    }

    @FuzzTest(maxDuration = "60s")
    void flvReaderFailsOnlyWithProtocolException(byte[] input) throws IOException {
        try {
            FlvReader reader = FlvReader.open(new BytesChannel(input));
            for (int i = 0; i < MAX_MESSAGES && reader.next() != null; i++) {
                // Reads to the end.
            }
        } catch (ProtocolException expected) {
            // Bad input.
        }
    }

    /** A read-only channel over a byte array, so FLV input needs no file. */
    private static final class BytesChannel implements SeekableByteChannel {
        private final byte[] data;
        private long position;

        BytesChannel(byte[] data) {
            this.data = data;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (position >= data.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), data.length - position);
            dst.put(data, (int) position, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) {
            position = newPosition;
            return this;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
