package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.FlvWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class VodPlaybackTest {
    private static final int TAG_BYTES = 64 * 1024;
    private static final int TAGS = 400;

    @TempDir
    Path dir;

    /** 25 MB of video, all due at once: far more than a player's queue may hold. */
    private Path bigRecording() throws IOException {
        Path file = dir.resolve("big.flv");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            FlvWriter writer = FlvWriter.create(channel, false, true);
            writer.write(FlvTag.video(0, new byte[] {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f}));
            for (int i = 0; i < TAGS; i++) {
                byte[] payload = new byte[TAG_BYTES];
                payload[0] = (byte) (i == 0 ? 0x17 : 0x27);
                payload[1] = 1;
                writer.write(FlvTag.video(0, payload));
            }
        }
        return file;
    }

    /** Counts what the "socket" took and remembers its last bytes. */
    private static final class TailStream extends OutputStream {
        private final byte[] tail = new byte[4096];
        private volatile long total;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int keep = Math.min(len, tail.length);
            System.arraycopy(tail, keep, tail, 0, tail.length - keep);
            System.arraycopy(b, off + len - keep, tail, tail.length - keep, keep);
            total += len;
        }

        synchronized String tailText() {
            return new String(tail, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aPlayerThatDoesNotReadSlowsPlaybackAndIsNeitherOverflowedNorDisconnected() throws Exception {
        AtomicBoolean overflowed = new AtomicBoolean();
        long hardLimit = 12L * 1024 * 1024;
        Outbound out = new Outbound(hardLimit, new Counters(), () -> overflowed.set(true));
        VodPlayback vod = new VodPlayback(out, 1, bigRecording(), "big", "test", ClientCodecs.LEGACY);
        vod.start(0, "vod-test");
        // Nobody drains the queue: playback must stop short of the hard limit and wait.
        long before = -1;
        for (int i = 0; i < 100; i++) {
            LockSupport.parkNanos(20_000_000L);
            long now = out.queuedBytes();
            if (now == before && now > 0) {
                break;
            }
            before = now;
        }
        long queued = out.queuedBytes();
        assertTrue(queued > 0 && queued < 2L * 1024 * 1024, "playback waits for the player: " + queued + " bytes queued");
        assertFalse(overflowed.get(), "the queue never overflowed");

        TailStream socket = new TailStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                out.drainTo(socket, new BufferPool(16 * 1024, 1));
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!socket.tailText().contains("NetStream.Play.Stop") && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        assertTrue(socket.tailText().contains("NetStream.Play.Stop"), "playback finished once the player read");
        assertTrue(socket.total > (long) TAGS * TAG_BYTES, "every tag was sent: " + socket.total + " bytes");
        assertFalse(overflowed.get());
        out.close();
        writer.join();
    }

    @Test
    void aRecordingThatCannotBeReadEndsWithPlayFailed() throws Exception {
        Path broken = dir.resolve("broken.flv");
        java.nio.file.Files.write(broken, "not an flv file at all".getBytes(StandardCharsets.US_ASCII));
        Outbound out = new Outbound(1 << 20, new Counters(), () -> {
        });
        TailStream socket = new TailStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                out.drainTo(socket, new BufferPool(16 * 1024, 1));
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        new VodPlayback(out, 1, broken, "broken", "test", ClientCodecs.LEGACY).start(0, "vod-broken");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!socket.tailText().contains("NetStream.Play.Failed") && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        assertTrue(socket.tailText().contains("NetStream.Play.Failed"), "the player is told");
        out.close();
        writer.join();
    }
}
