package dev.rtmpserver.session;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void writeBufferBatchesSmallWritesAndSendsLargeOnesStraightInOrder() throws IOException {
        record Step(int[] writes, List<Integer> syscalls) {
        }
        List<Step> steps = List.of(
                // A few small replies: one system call.
                new Step(new int[] {100, 200, 1}, List.of(301)),
                new Step(new int[] {3000, 2000}, List.of(5000)),
                // A frame as large as the buffer goes straight out after what was buffered.
                new Step(new int[] {300, 16_384, 300}, List.of(300, 16_384, 300)),
                // Small writes beyond the buffer go out when it is full.
                new Step(new int[] {10_000, 10_000}, List.of(10_000, 10_000)));
        Socket socket = new Socket();
        WriteBuffer out = new WriteBuffer(socket, new WriteBuffer.Pool(16 * 1024, 1));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int seed = 10;
        for (Step step : steps) {
            socket.writes.clear();
            for (int n : step.writes) {
                byte[] b = random(n, seed++);
                out.write(b);
                expected.write(b);
            }
            out.flush();
            assertEquals(step.syscalls, socket.writes, "writes " + Arrays.toString(step.writes));
        }
        assertArrayEquals(expected.toByteArray(), socket.bytes.toByteArray());
    }

    @Test
    void writersBorrowABufferOnlyWhileTheyWriteABatch() throws IOException {
        WriteBuffer.Pool pool = new WriteBuffer.Pool(16 * 1024, 1);
        Socket socket = new Socket();
        WriteBuffer first = new WriteBuffer(socket, pool);
        WriteBuffer second = new WriteBuffer(socket, pool);
        first.write(random(100, 30));
        assertTrue(first.holdsBuffer());
        first.flush();
        assertFalse(first.holdsBuffer(), "the flush gave the buffer back");
        second.write(random(100, 31));
        second.write(random(100, 32));
        second.flush();
        assertEquals(List.of(100, 200), socket.writes, "the second writer buffers as well, in the array given back");
        first.write(random(20_000, 33));
        assertFalse(first.holdsBuffer(), "a write larger than the buffer needs none");
    }

    @Test
    void theLastWriteOfABatchSkipsTheCopyOnlyWhenNothingIsBuffered() throws IOException {
        Socket socket = new Socket();
        WriteBuffer out = new WriteBuffer(socket, new WriteBuffer.Pool(16 * 1024, 1));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] frame = random(12_000, 20);
        out.writeLast(frame, 0);
        expected.write(frame);
        out.flush();
        assertEquals(List.of(12_000), socket.writes, "a batch of one frame: straight out");
        assertFalse(out.holdsBuffer(), "without borrowing a buffer");

        socket.writes.clear();
        byte[] reply = random(100, 21);
        out.write(reply);
        out.writeLast(frame, 0);
        out.flush();
        expected.write(reply);
        expected.write(frame);
        assertEquals(List.of(12_100), socket.writes, "after buffered bytes: still one system call, in order");
        assertArrayEquals(expected.toByteArray(), socket.bytes.toByteArray());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
