package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BuffersTest {

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An input stream that hands out at most {@code max} bytes per read and counts the reads, as a socket might. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;
        private final int max;
        int reads;

        Trickle(byte[] data, int max) {
            this.in = new ByteArrayInputStream(data);
            this.max = max;
        }

        @Override
        public int read() {
            reads++;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            return in.read(b, off, Math.min(len, max));
        }
    }

    @Test
    void readBufferReturnsEveryByteInOrderAcrossAnEnlargement() throws IOException {
        byte[] data = random(300_000, 1);
        Trickle socket = new Trickle(data, 5000);
        ReadBuffer in = new ReadBuffer(socket, 2048);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Random sizes = new Random(2);
        byte[] scratch = new byte[70_000];
        while (true) {
            if (got.size() > 100_000) {
                in.enlarge(64 * 1024);
            }
            int b = in.read();
            if (b < 0) {
                break;
            }
            got.write(b);
            int n = in.read(scratch, 0, 1 + sizes.nextInt(sizes.nextBoolean() ? 100 : scratch.length));
            if (n < 0) {
                break;
            }
            got.write(scratch, 0, n);
        }
        assertArrayEquals(data, got.toByteArray());
        assertEquals(64 * 1024, in.capacity());
    }

    @Test
    void readBufferKeepsBufferedBytesWhenEnlarged() throws IOException {
        byte[] data = random(1000, 3);
        ReadBuffer in = new ReadBuffer(new ByteArrayInputStream(data), 2048);
        byte[] head = in.readNBytes(10);
        in.enlarge(4096);
        in.enlarge(100);
        assertEquals(4096, in.capacity(), "never shrinks");
        byte[] rest = in.readAllBytes();
        assertArrayEquals(data, concat(head, rest));
    }

    @Test
    void smallReadsShareOneSystemCallAndLargeOnesBypassTheBuffer() throws IOException {
        Trickle socket = new Trickle(random(10_000, 4), Integer.MAX_VALUE);
        ReadBuffer in = new ReadBuffer(socket, 2048);
        for (int i = 0; i < 16; i++) {
            in.read();
        }
        in.readNBytes(100);
        assertEquals(1, socket.reads, "116 bytes read with one fill of 2,048");
        byte[] big = new byte[4000];
        assertEquals(2048 - 116, in.read(big, 0, big.length), "first what is buffered");
        assertEquals(4000, in.read(big, 0, big.length), "then straight from the socket");
        assertEquals(2, socket.reads);
    }

    /** Records each write that reaches the socket. */
    private static final class Socket extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            writes.add(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(len);
            bytes.write(b, off, len);
        }
    }

    @Test
    void aBatchIsOneGatheringWriteOfSharedBytesAndCopiesOfItsOwn() throws IOException {
        RecordingChannel channel = new RecordingChannel(() -> Integer.MAX_VALUE);
        List<Long> progress = new ArrayList<>();
        GatheringWriter out = new GatheringWriter(channel, BufferPool.direct(16 * 1024, 1), progress::add);
        byte[] reply = random(100, 40);
        byte[] frame = random(20_000, 41);
        byte[] header = random(12, 42);
        byte[] audio = random(300, 43);
        out.write(reply);
        out.share(frame, 0);
        out.write(header);
        out.share(audio, 12);
        out.flush();
        assertEquals(List.of(4), channel.calls, "one write of four buffers");
        assertEquals(List.of(20_100L + 12 + 288), progress);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(reply);
        expected.write(frame);
        expected.write(header);
        expected.write(audio, 12, 288);
        assertArrayEquals(expected.toByteArray(), channel.bytes.toByteArray());
        assertSame(frame, channel.given.get(1).array(), "frames are not copied");
        assertSame(audio, channel.given.get(3).array());
    }

    @Test
    void partialWritesAndAFullScratchBufferKeepEveryByteInOrder() throws IOException {
        RecordingChannel channel = new RecordingChannel(() -> 1000);
        GatheringWriter out = new GatheringWriter(channel, BufferPool.direct(4096, 1), n -> {
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int seed = 50;
        for (int i = 0; i < 30; i++) {
            byte[] own = random(1 + i * 97 % 3000, seed++);
            out.write(own);
            expected.write(own);
            if (i % 3 == 0) {
                byte[] frame = random(5000 + i, seed++);
                out.share(frame, 0);
                expected.write(frame);
            }
            if (i % 10 == 9) {
                out.flush();
            }
        }
        out.flush();
        assertArrayEquals(expected.toByteArray(), channel.bytes.toByteArray());
    }

    @Test
    void aStreamGetsTheBatchInWritesOfOneBorrowedArrayEach() throws IOException {
        Socket socket = new Socket();
        BufferPool pool = new BufferPool(16 * 1024, 1);
        GatheringWriter out = new GatheringWriter(new WriteBuffer(socket, pool), pool, n -> {
        });
        byte[] reply = random(100, 60);
        byte[] frame = random(20_000, 61);
        out.write(reply);
        out.share(frame, 0);
        out.flush();
        assertEquals(List.of(16 * 1024, 20_100 - 16 * 1024), socket.writes, "full arrays, in order");
        assertArrayEquals(concat(reply, frame), socket.bytes.toByteArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
