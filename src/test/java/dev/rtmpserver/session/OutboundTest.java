package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class OutboundTest {

    private static Thread startWriter(Outbound out, OutputStream socket) {
        return Thread.ofVirtual().start(() -> {
            try {
                out.drainTo(socket, new BufferPool(8192, 1));
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void batchesKeepMessageOrderAndSharedFramesReadBackPerPlayerStreamId() throws Exception {
        // Two players with different stream ids share the same frames.
        List<List<RawMessage>> received = new ArrayList<>();
        List<MediaFrame> frames = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] p = new byte[100 + i * 97];
            p[0] = (byte) (i % 10 == 0 ? 0x17 : 0x27);
            p[p.length - 1] = (byte) i;
            frames.add(MediaFrame.video(i * 40, p));
        }
        for (int streamId : new int[] {1, 5}) {
            Outbound out = new Outbound(64L * 1024 * 1024, new Counters(), () -> {
            });
            PipedInputStream in = new PipedInputStream(1 << 20);
            PipedOutputStream pipe = new PipedOutputStream(in);
            Thread writer = startWriter(out, pipe);
            out.send(new RtmpMessage.SetChunkSize(4096), 0);
            LongAdder sent = new LongAdder();
            for (int i = 0; i < frames.size(); i++) {
                out.sendLive(streamId, frames.get(i), 0, sent);
                if (i % 7 == 0) {
                    out.send(new RtmpMessage.Data(List.of("onStatus", "x" + i)), streamId);
                }
            }
            ChunkReader reader = new ChunkReader(in);
            List<RawMessage> got = new ArrayList<>();
            int expected = 1 + frames.size() + (frames.size() + 6) / 7;
            for (int i = 0; i < expected; i++) {
                got.add(reader.read());
            }
            out.close();
            writer.join();
            received.add(got);
            assertEquals(frames.stream().mapToLong(f -> f.chunked(6, streamId, 4096).length).sum(), sent.sum(),
                    "the play counts the bytes of its frames, and nothing else");
        }
        for (MediaFrame frame : frames) {
            // Encoded once for both stream ids: the second player patched the first chunk's header.
            assertSame(frame.chunked(6, 1, 4096), frame.chunked(6, 5, 4096), "one shared encoding");
        }
        for (int player = 0; player < 2; player++) {
            List<RawMessage> got = received.get(player);
            int streamId = player == 0 ? 1 : 5;
            assertEquals(MessageType.SET_CHUNK_SIZE, got.get(0).typeId());
            int k = 1;
            for (int i = 0; i < frames.size(); i++) {
                RawMessage m = got.get(k++);
                assertEquals(MessageType.VIDEO, m.typeId(), "message " + k);
                assertEquals(streamId, m.streamId());
                assertEquals(i * 40, m.timestamp());
                assertArrayEquals(frames.get(i).payload(), m.payload(), "frame " + i + " intact and in order");
                if (i % 7 == 0) {
                    RawMessage data = got.get(k++);
                    assertEquals(List.of("onStatus", "x" + i), ((RtmpMessage.Data) MessageCodec.decode(data)).values());
                }
            }
        }
    }

    /** Counts the acknowledgement sequence numbers a writer puts on the wire, per producer. */
    @Test
    // The producers yield now and then so that their sends interleave even on one carrier thread.
    @SuppressWarnings("ThreadPriorityCheck")
    void everyMessageOfConcurrentProducersArrivesInEachProducersOrder() throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        Outbound out = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
        });
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream pipe = new PipedOutputStream(in);
        Thread writer = startWriter(out, pipe);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perProducer; i++) {
                    out.send(new RtmpMessage.Acknowledgement(producer << 24 | i), 0);
                    if (i % 1000 == 0) {
                        Thread.yield();
                    }
                }
            }));
        }
        ChunkReader reader = new ChunkReader(in);
        int[] next = new int[producers];
        for (int n = 0; n < producers * perProducer; n++) {
            // A lost wake-up would leave the writer asleep with messages queued: the read times out.
            RtmpMessage m = MessageCodec.decode(reader.read());
            int value = ((RtmpMessage.Acknowledgement) m).sequenceNumber();
            assertEquals(next[value >>> 24]++, value & 0xFFFFFF, "producer " + (value >>> 24));
        }
        for (Thread t : threads) {
            t.join();
        }
        out.close();
        writer.join();
    }

    @Test
    void liveMediaStopsAtEitherLimitAndTheHardLimitClosesTheQueueOnce() throws Exception {
        AtomicInteger overflows = new AtomicInteger();
        Outbound out = new Outbound(8 * (1000 + 64), new Counters(), overflows::incrementAndGet);
        MediaFrame frame = new MediaFrame(MediaFrame.Kind.VIDEO, 0, new byte[1000], false, false);
        // No writer runs: everything offered stays queued.
        assertTrue(out.offerLive(1, frame, 2500, Long.MAX_VALUE, 0, null));
        assertTrue(out.offerLive(1, frame, 2500, Long.MAX_VALUE, 0, null));
        assertFalse(out.offerLive(1, frame, 2500, Long.MAX_VALUE, 0, null), "a third 1,000 bytes exceed 2,500 live bytes");
        out.sendCached(1, frame, null);
        assertTrue(out.offerLive(1, frame, 3000, Long.MAX_VALUE, 0, null), "cached frames do not count as live");
        assertFalse(out.isDrained());

        Thread.sleep(30);
        assertTrue(out.liveWaitMillis() >= 30, "the oldest live frame has waited since the first offer");
        assertFalse(out.offerLive(1, frame, Long.MAX_VALUE, TimeUnit.MILLISECONDS.toNanos(10), 0, null),
                "the oldest live frame waited longer than 10 ms");
        assertEquals(0, overflows.get());

        for (int i = 0; i < 10; i++) {
            out.sendCached(1, frame, null);
        }
        assertEquals(1, overflows.get(), "the ninth message passed the hard limit; the rest found the queue closed");
        assertTrue(out.offerLive(1, frame, Long.MAX_VALUE, Long.MAX_VALUE, 0, null), "a closed queue swallows frames");
        assertEquals(0, out.liveWaitMillis());
        assertTrue(out.isDrained());
        Thread writer = startWriter(out, OutputStream.nullOutputStream());
        writer.join();
        assertEquals(0, out.bytesWritten(), "what was queued before the close is dropped");
    }

    /**
     * A writer whose time is a test's: the clock moves only when the test moves it, or when the
     * test lets a sleep of the writer run out ({@link #timeUp}), which sets the clock to the end of
     * that sleep, as a timer that is never late would.
     */
    private static final class FakeTime {
        /** Near the wrap of a long, as nanoTime may be, so that only differences of readings work. */
        final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
        /** How long each sleep of the writer asked for, in order. */
        final List<Long> sleeps = new CopyOnWriteArrayList<>();
        /** When each sleep of the writer was to end, in order. */
        final List<Long> sleepEnds = new CopyOnWriteArrayList<>();
        final Semaphore sleeping = new Semaphore(0);
        private final AtomicBoolean timeUp = new AtomicBoolean();
        volatile Thread writer;

        void sleep(Object blocker, long end) {
            long nanos = end - now.get();
            sleeps.add(nanos);
            sleepEnds.add(end);
            sleeping.release();
            LockSupport.park(blocker);
            if (timeUp.getAndSet(false)) {
                now.getAndUpdate(n -> end - n > 0 ? end : n);
            }
        }

        void awaitSleep() throws InterruptedException {
            assertTrue(sleeping.tryAcquire(10, TimeUnit.SECONDS), "the writer sleeps");
        }

        void timeUp() {
            timeUp.set(true);
            LockSupport.unpark(writer);
        }

        void advance(Duration d) {
            now.addAndGet(d.toNanos());
        }
    }

    private static MediaFrame audio(int timestamp) {
        return MediaFrame.audio(timestamp, new byte[] {(byte) 0xAF, 1, (byte) timestamp});
    }

    private static void assertReadsMedia(ChunkReader reader, MediaFrame want) throws IOException {
        RawMessage got = reader.read();
        assertEquals(want.timestamp(), got.timestamp());
        assertArrayEquals(want.payload(), got.payload());
    }

    /** A writer waits at most the delay after it took a batch, until the next multiple of the delay. */
    private static void assertWithinDelay(FakeTime time, int sleep, long delay) {
        long slept = time.sleeps.get(sleep);
        long end = time.sleepEnds.get(sleep);
        assertTrue(slept > 0 && slept <= delay, "slept " + slept + " of " + delay);
        assertEquals(0, Math.floorMod(end, delay), "woke on a tick of the delay");
    }

    @Test
    void heldFramesGoOutTogetherInOrderWhenTheDelayRunsOutEvenIfNothingElseArrives() throws Exception {
        FakeTime time = new FakeTime();
        Outbound out = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
        }, time.now::get, time::sleep);
        PipedInputStream in = new PipedInputStream(1 << 16);
        Thread writer = startWriter(out, new PipedOutputStream(in));
        time.writer = writer;
        awaitParked(writer);
        long delay = Duration.ofMillis(350).toNanos();
        ChunkReader reader = new ChunkReader(in);

        MediaFrame first = audio(0);
        out.sendLive(1, first, delay, null);
        assertReadsMedia(reader, first);
        time.awaitSleep();
        assertEquals(1, time.sleeps.size(), "a frame to an idle writer goes at once; then the writer waits");
        assertWithinDelay(time, 0, delay);

        time.advance(Duration.ofMillis(10));
        MediaFrame second = audio(23);
        long secondQueuedAt = time.now.get();
        out.sendLive(1, second, delay, null);
        time.advance(Duration.ofMillis(20));
        MediaFrame third = audio(46);
        assertTrue(out.offerLive(1, third, Long.MAX_VALUE, Long.MAX_VALUE, delay, null));
        assertEquals(0, in.available(), "held frames do not wake the writer");

        time.timeUp();
        assertReadsMedia(reader, second);
        assertReadsMedia(reader, third);
        assertTrue(time.now.get() - secondQueuedAt <= delay,
                "the oldest held frame went out within the delay: " + (time.now.get() - secondQueuedAt));
        time.awaitSleep();
        assertWithinDelay(time, 1, delay);
        time.timeUp();
        awaitParked(writer);
        assertEquals(2, time.sleeps.size(), "with nothing queued the writer waits for a frame without a timer");

        out.close();
        writer.join();
    }

    @Test
    void aMessageThatMayNotWaitEndsTheDelayAndGoesOutAfterWhatWasHeld() throws Exception {
        FakeTime time = new FakeTime();
        Outbound out = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
        }, time.now::get, time::sleep);
        PipedInputStream in = new PipedInputStream(1 << 16);
        Thread writer = startWriter(out, new PipedOutputStream(in));
        time.writer = writer;
        awaitParked(writer);
        long delay = Duration.ofMillis(350).toNanos();
        ChunkReader reader = new ChunkReader(in);

        MediaFrame first = audio(0);
        out.sendLive(1, first, delay, null);
        assertReadsMedia(reader, first);
        time.awaitSleep();
        MediaFrame held = audio(23);
        out.sendLive(1, held, delay, null);
        out.send(new RtmpMessage.Data(List.of("onStatus", "now")), 1);
        assertReadsMedia(reader, held);
        assertEquals(MessageType.DATA_AMF0, reader.read().typeId(), "the status follows the frame queued before it");
        assertEquals(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos(), time.now.get(), "no time had to pass");

        time.awaitSleep();
        out.close();
        writer.join();
        assertTrue(out.isDrained());
    }

    /** One connection playing two applications: the shorter delay is the budget of its own frames. */
    @Test
    void aFrameWithAShorterDelayEndsALongerSleep() throws Exception {
        FakeTime time = new FakeTime();
        Outbound out = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
        }, time.now::get, time::sleep);
        PipedInputStream in = new PipedInputStream(1 << 16);
        Thread writer = startWriter(out, new PipedOutputStream(in));
        time.writer = writer;
        awaitParked(writer);
        long longDelay = Duration.ofMillis(350).toNanos();
        long shortDelay = Duration.ofMillis(50).toNanos();
        ChunkReader reader = new ChunkReader(in);

        MediaFrame first = audio(0);
        out.sendLive(1, first, longDelay, null);
        assertReadsMedia(reader, first);
        time.awaitSleep();
        MediaFrame held = audio(23);
        out.sendLive(1, held, longDelay, null);
        MediaFrame other = audio(46);
        out.sendLive(3, other, shortDelay, null);
        assertReadsMedia(reader, held);
        assertReadsMedia(reader, other);
        assertEquals(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos(), time.now.get(),
                "the writer did not sleep out the longer delay");

        time.awaitSleep();
        assertWithinDelay(time, 1, longDelay);
        out.close();
        writer.join();
    }

    @Test
    void withoutADelayTheWriterWritesEachFrameAsItComesAndNeverSleeps() throws Exception {
        FakeTime time = new FakeTime();
        Outbound out = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
        }, time.now::get, time::sleep);
        PipedInputStream in = new PipedInputStream(1 << 16);
        Thread writer = startWriter(out, new PipedOutputStream(in));
        ChunkReader reader = new ChunkReader(in);
        for (int i = 0; i < 20; i++) {
            awaitParked(writer);
            MediaFrame frame = audio(i * 23);
            out.sendLive(1, frame, 0, null);
            assertReadsMedia(reader, frame);
        }
        assertEquals(List.of(), time.sleeps);
        out.close();
        writer.join();
    }

    private static void awaitParked(Thread writer) {
        while (writer.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aWaitingWriterReturnsWhenClosedAndStopsWhenInterrupted() throws Exception {
        Outbound closed = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
        });
        Thread writer = startWriter(closed, OutputStream.nullOutputStream());
        while (writer.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        closed.close();
        writer.join();

        Outbound interrupted = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
        });
        boolean[] threw = {false};
        Thread second = Thread.ofVirtual().start(() -> {
            try {
                interrupted.drainTo(OutputStream.nullOutputStream(), new BufferPool(8192, 1));
            } catch (InterruptedException e) {
                threw[0] = true;
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        while (second.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        second.interrupt();
        second.join();
        assertEquals(true, threw[0], "an interrupted writer ends with InterruptedException");
    }
}
