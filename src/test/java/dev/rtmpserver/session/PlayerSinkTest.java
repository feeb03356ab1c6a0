package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.chunk.ChunkReader;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a {@link PlayerSink} lets into a real {@link Outbound}. No writer runs while frames are
 * offered, so everything offered stays queued and the queue's limits apply exactly; {@link #drain}
 * then writes the queue out and reads it back.
 */
@Timeout(20)
class PlayerSinkTest {
    private static final int STREAM_ID = 1;
    private static final StreamKey KEY = new StreamKey("live", "cam");
    private static final long QUEUE_BYTES = 1000;
    private static final Duration MAX_LAG = Duration.ofSeconds(10);

    /** Starts at an arbitrary reading: nanoTime's origin means nothing. */
    private final long[] now = {-123_456_789L};
    private final Outbound out = new Outbound(Long.MAX_VALUE, new Counters(), () -> {
    });
    private final LongAdder drops = new LongAdder();
    private final AtomicInteger disconnects = new AtomicInteger();

    private PlayerSink sink(Duration writeDelay) {
        // Wall-clock waiting in the queue is not this test's subject: an hour never passes here.
        SessionConfig config = SessionConfig.defaults().withPlayerQueue(QUEUE_BYTES, Duration.ofHours(1), MAX_LAG);
        return new PlayerSink(out, STREAM_ID, KEY, "conn-test", config, writeDelay, drops,
                disconnects::incrementAndGet, () -> now[0]);
    }

    private PlayerSink sink() {
        return sink(Duration.ZERO);
    }

    private void advance(Duration d) {
        now[0] += d.toNanos();
    }

    private static MediaFrame key(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[size], true, false);
    }

    private static MediaFrame inter(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[size], false, false);
    }

    private static MediaFrame audio(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.AUDIO, ts, new byte[size], false, false);
    }

    private static MediaFrame videoConfig(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[size], false, true);
    }

    /**
     * Writes out everything queued and reads it back as short labels: {@code V@40}, {@code A@20},
     * {@code D@0} for media, the code of an onStatus, {@code begin}/{@code eof} for user control.
     * The writer is stopped by interrupting it once it waits for more, which leaves the queue as a
     * queue without a writer again, so a test can go on offering frames.
     */
    // Nothing signals that the writer parked: the test yields until it sees it.
    @SuppressWarnings("ThreadPriorityCheck")
    private List<String> drain() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                out.drainTo(bytes, new BufferPool(8192, 1));
            } catch (InterruptedException e) {
                // How the test stops it.
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        while (!(out.isDrained() && writer.getState() == Thread.State.WAITING)) {
            Thread.yield();
        }
        writer.interrupt();
        writer.join();
        ChunkReader reader = new ChunkReader(new ByteArrayInputStream(bytes.toByteArray()));
        List<String> got = new ArrayList<>();
        while (true) {
            RawMessage m;
            try {
                m = reader.read();
            } catch (EOFException e) {
                return got;
            }
            got.add(label(m));
        }
    }

    private static String label(RawMessage m) throws IOException {
        return switch (m.typeId()) {
            case MessageType.VIDEO -> "V@" + m.timestamp();
            case MessageType.AUDIO -> "A@" + m.timestamp();
            case MessageType.DATA_AMF0 -> "D@" + m.timestamp();
            default -> {
                RtmpMessage decoded = MessageCodec.decode(m);
                if (decoded instanceof RtmpMessage.Command c && c.argument(0) instanceof Map<?, ?> info) {
                    yield String.valueOf(info.get("code"));
                }
                if (decoded instanceof RtmpMessage.UserControl u) {
                    assertEquals(STREAM_ID, u.value());
                    yield switch (u.event()) {
                        case RtmpMessage.UserControl.STREAM_BEGIN -> "begin";
                        case RtmpMessage.UserControl.STREAM_EOF -> "eof";
                        default -> "user control " + u.event();
                    };
                }
                yield decoded.toString();
            }
        };
    }

    @Test
    void videoStartsAtAKeyframe() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(), true);
        sink.offer(inter(0, 10));
        sink.offer(inter(40, 10));
        sink.offer(audio(50, 10));
        sink.offer(key(80, 10));
        sink.offer(inter(120, 10));
        assertEquals(List.of("A@50", "V@80", "V@120"), drain());
        assertEquals(0, sink.droppedFrames(), "frames before a first keyframe are not the player falling behind");
        assertEquals(0, drops.sum());
    }

    @Test
    void aJoinerWhoseCacheHasAKeyframeTakesTheNextFramesAsTheyCome() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(videoConfig(0, 10), key(0, 10), inter(40, 10)), true);
        sink.offer(inter(80, 10));
        assertEquals(List.of("V@0", "V@0", "V@40", "V@80"), drain());
    }

    /** A write delay changes when the writer writes, not what a player that falls behind loses. */
    @ParameterizedTest
    @ValueSource(ints = {0, 350})
    void behindItsLimitAPlayerDropsVideoUntilAKeyframeFitsAndAudioOnlyWhileVideoIsDropped(int writeDelayMillis)
            throws Exception {
        PlayerSink sink = sink(Duration.ofMillis(writeDelayMillis));
        sink.join(List.of(), true);
        sink.offer(key(0, 600));
        // Keeping up, audio goes in whatever the limit: it is small, and gaps in it are heard.
        sink.offer(audio(10, 300));
        sink.offer(inter(40, 200)); // 1100 > 1000: dropped, and video now waits for a keyframe
        sink.offer(audio(50, 150)); // 1050: dropped while video is
        sink.offer(audio(60, 50)); // 950: fits
        sink.offer(videoConfig(70, 300)); // configuration always goes in, and is not counted
        sink.offer(inter(80, 10)); // fits, but is no use without its keyframe
        sink.offer(key(120, 100)); // 1050: dropped
        assertEquals(4, sink.droppedFrames());
        assertEquals(4, drops.sum());
        assertEquals(List.of("V@0", "A@10", "A@60", "V@70"), drain());

        // The writer caught up, but video still waits for a keyframe.
        sink.offer(inter(160, 10));
        sink.offer(key(200, 600));
        sink.offer(audio(210, 600)); // keeping up again: audio goes in over the limit
        sink.offer(inter(240, 10)); // 1210 > 1000
        assertEquals(6, sink.droppedFrames());
        assertEquals(List.of("V@200", "A@210"), drain());
    }

    @Test
    void withoutVideoAudioIsDroppedWhenItDoesNotFit() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(), true);
        sink.offer(audio(0, 600));
        sink.offer(audio(20, 600));
        sink.offer(audio(40, 400));
        assertEquals(1, sink.droppedFrames());
        assertEquals(List.of("A@0", "A@40"), drain());
    }

    @Test
    void aPlayerThatAskedForNoVideoDropsAudioItCannotQueue() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(), true);
        sink.receiveVideo(false);
        sink.offer(key(0, 10));
        sink.offer(audio(10, 600));
        sink.offer(audio(30, 600));
        sink.offer(inter(40, 10));
        sink.offer(audio(50, 400));
        assertEquals(List.of("A@10", "A@50"), drain(),
                "no video goes to this player, so its audio is held to the limit as in a stream without video");
        assertEquals(1, sink.droppedFrames());
    }

    @Test
    void aPlayerBehindForLongerThanTheLagLimitIsDisconnectedOnce() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(), true);
        sink.offer(key(0, 600));
        sink.offer(inter(40, 600)); // the run of drops starts
        advance(MAX_LAG);
        sink.offer(inter(80, 10));
        assertEquals(0, disconnects.get(), "exactly the limit is not more than it");
        advance(Duration.ofNanos(1));
        sink.offer(inter(120, 10));
        assertEquals(1, disconnects.get());
        advance(MAX_LAG);
        sink.offer(inter(160, 10));
        sink.offer(audio(170, 1000));
        assertEquals(1, disconnects.get(), "disconnected once");
        assertEquals(5, sink.droppedFrames());
    }

    @Test
    void aNewPublisherStartsANewRunOfDrops() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(), true);
        sink.offer(key(0, 600));
        sink.offer(inter(40, 600)); // a run of drops starts under the first publisher
        advance(MAX_LAG);
        sink.onUnpublish();
        drain();
        sink.onPublish();
        advance(Duration.ofSeconds(1));
        sink.offer(inter(1000, 10)); // the new publisher's first frame is not a keyframe: dropped
        assertEquals(0, disconnects.get(), "the old run does not count against the new publisher");
    }

    @Test
    void catchingUpEndsARunOfDrops() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(), true);
        sink.offer(key(0, 600));
        sink.offer(inter(40, 600)); // the first run starts
        advance(Duration.ofSeconds(6));
        drain();
        sink.offer(key(80, 600)); // fits: caught up
        advance(Duration.ofSeconds(1));
        sink.offer(inter(120, 600)); // a second run starts
        advance(MAX_LAG);
        sink.offer(inter(160, 10));
        assertEquals(0, disconnects.get(), "17 s since the first drop, but no run lasted longer than 10 s");
        advance(Duration.ofNanos(1));
        sink.offer(inter(200, 10));
        assertEquals(1, disconnects.get());
    }

    @Test
    void waitingSinceFollowsWhetherAnyonePublishes() throws Exception {
        PlayerSink sink = sink();
        long joinedAt = now[0];
        sink.join(List.of(), false);
        assertEquals(joinedAt, sink.waitingSince());
        assertFalse(sink.everPublished());

        advance(Duration.ofSeconds(3));
        sink.onPublish();
        assertEquals(0, sink.waitingSince());
        assertTrue(sink.everPublished());
        assertEquals(List.of("begin", "NetStream.Play.PublishNotify"), drain());

        advance(Duration.ofSeconds(3));
        long unpublishedAt = now[0];
        sink.onUnpublish();
        assertEquals(unpublishedAt, sink.waitingSince());
        assertTrue(sink.everPublished(), "it was published once");
        assertEquals(List.of("NetStream.Play.UnpublishNotify", "eof"), drain());

        PlayerSink joinedLive = sink();
        joinedLive.join(List.of(), true);
        assertEquals(0, joinedLive.waitingSince());
        assertTrue(joinedLive.everPublished());
    }

    @Test
    void aClockReadingOfZeroStillCountsAsWaiting() {
        now[0] = 0;
        PlayerSink sink = sink();
        sink.join(List.of(), false);
        assertTrue(sink.waitingSince() != 0, "0 would mean not waiting");
        sink.onPublish();
        sink.onUnpublish();
        assertTrue(sink.waitingSince() != 0);
    }

    @Test
    void aNewPublisherMakesVideoWaitForItsFirstKeyframe() throws Exception {
        PlayerSink sink = sink();
        sink.join(List.of(key(0, 10)), true);
        sink.offer(inter(40, 10));
        sink.onUnpublish();
        sink.onPublish();
        sink.offer(inter(80, 10));
        sink.offer(key(120, 10));
        assertEquals(List.of("V@0", "V@40", "NetStream.Play.UnpublishNotify", "eof", "begin",
                "NetStream.Play.PublishNotify", "V@120"), drain());
        assertEquals(0, sink.droppedFrames());
    }
}
