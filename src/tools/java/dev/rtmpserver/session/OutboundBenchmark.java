package dev.rtmpserver.session;

import dev.rtmpserver.bench.CopyingSocket;
import dev.rtmpserver.bench.ShortRun;
import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.message.RtmpMessage.SetChunkSize;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Live fan-out without sockets: the benchmark thread, standing in for the publisher's, offers one
 * frame to each player's {@link Outbound}; every player's writer, a virtual thread as in the
 * server, wakes and writes the frame's shared chunked bytes through its write buffer to a
 * {@link CopyingSocket}. Scored per frame delivered to one player, queue handoff and wake-up
 * included.
 *
 * <p>Lives in the session package because {@link Outbound} is package-private.
 */
public class OutboundBenchmark extends ShortRun {
    private static final int PLAYERS = 100;
    private static final int CHUNK_SIZE = 4096;
    private static final int STREAM_ID = 1;
    /** Write buffers as {@link Connection} pools them. */
    private final BufferPool buffers = new BufferPool(16 * 1024, 64);

    /** An AAC frame and an inter frame of a 2.5 Mbit/s 720p stream. */
    @Param({"200", "10240"})
    public int payloadBytes;

    private final Outbound[] outbounds = new Outbound[PLAYERS];
    private final Thread[] writers = new Thread[PLAYERS];
    /** Each play's count of bytes written, as {@link PlayerSink} keeps it. */
    private final LongAdder[] sent = new LongAdder[PLAYERS];
    private MediaFrame frame;
    /**
     * Counted down by each player's socket on flush. Each round queues one message per player, and
     * a writer flushes once per batch it takes, so a round is out when this reaches zero.
     */
    private volatile CountDownLatch flushes;

    @Setup
    public void setUp() throws InterruptedException {
        frame = new MediaFrame(MediaFrame.Kind.VIDEO, 0, new byte[payloadBytes], false, false);
        for (int i = 0; i < PLAYERS; i++) {
            OutputStream socket = new CopyingSocket() {
                @Override
                public void flush() {
                    flushes.countDown();
                }
            };
            Outbound outbound = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
            });
            outbounds[i] = outbound;
            sent[i] = new LongAdder();
            writers[i] = Thread.ofVirtual().start(() -> {
                try {
                    outbound.drainTo(socket, buffers);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        flushes = new CountDownLatch(PLAYERS);
        for (Outbound outbound : outbounds) {
            outbound.send(new SetChunkSize(CHUNK_SIZE), 0);
        }
        await();
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        for (int i = 0; i < PLAYERS; i++) {
            outbounds[i].close();
            writers[i].join();
        }
    }

    @Benchmark
    @OperationsPerInvocation(PLAYERS)
    public void offerToEveryPlayer() throws InterruptedException {
        flushes = new CountDownLatch(PLAYERS);
        for (int i = 0; i < PLAYERS; i++) {
            outbounds[i].offerLive(STREAM_ID, frame, Long.MAX_VALUE, Long.MAX_VALUE, 0, sent[i]);
        }
        await();
    }

    /** A writer that died would never flush; fail rather than wait for JMH's timeout. */
    private void await() throws InterruptedException {
        if (!flushes.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("writers did not flush within 10 s");
        }
    }
}
