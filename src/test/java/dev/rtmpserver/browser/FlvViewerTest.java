package dev.rtmpserver.browser;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.flv.FlvHeader;
import dev.rtmpserver.wire.flv.FlvReader;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A browser viewer's queue and the FLV bytes it writes, read back with the server's own FLV reader. */
@Timeout(10)
class FlvViewerTest {
    private static final StreamKey KEY = new StreamKey("live", "cam");
    private final long[] now = {5_000_000_000L};

    private FlvViewer viewer(long queueBytes) {
        return new FlvViewer(1, KEY, "203.0.113.9", FlvViewer.Protocol.HTTP_FLV, queueBytes,
                Duration.ofSeconds(10).toNanos(), 0, () -> now[0]);
    }

    /** onMetaData declaring H.264 and AAC, as ffmpeg sends it. */
    private static MediaFrame metadata() {
        return MediaFrame.metadata(0, Metadata.encodeOnMetaData(Map.of("videocodecid", 7.0, "audiocodecid", 10.0)));
    }

    private static MediaFrame config(int ts) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[] {0x17, 0, 0, 0, 0}, false, true);
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

    /** Runs the viewer to its end and reads what it wrote as an FLV file. */
    private static List<String> written(FlvViewer v, Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> writes = new ArrayList<>();
        String why = v.run((bytes, length) -> {
            out.write(bytes, 0, length);
            writes.add(length);
        });
        assertEquals("the stream ended", why);
        Path file = Files.write(dir.resolve("out.flv"), out.toByteArray());
        assertEquals(new FlvHeader.Flags(true, true), FlvHeader.decode(out.toByteArray()),
                "the metadata declared both");
        List<String> tags = new ArrayList<>();
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            FlvReader reader = FlvReader.open(ch);
            for (FlvTag t = reader.next(); t != null; t = reader.next()) {
                tags.add((t.type() == FlvTag.VIDEO ? "V" : t.type() == FlvTag.AUDIO ? "A" : "S") + "@" + t.timestamp()
                        + "/" + t.payload().length);
            }
        }
        assertEquals(v.bytesSent(), out.size(), "every byte written is counted");
        return tags;
    }

    @Test
    void aJoinerGetsConfigurationAtZeroThenTheCachedGroupRebasedToZero(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        FlvViewer v = viewer(1_000_000);
        v.join(List.of(metadata(), config(0), key(90_000, 300), audio(90_010, 20), inter(90_040, 100)), true);
        v.offer(audio(90_030, 20));
        v.offer(inter(90_080, 100));
        v.onUnpublish();
        assertEquals(List.of("S@0/" + metadata().size(), "V@0/5", "V@0/300", "A@10/20", "V@40/100", "A@30/20", "V@80/100"), written(v, dir));
    }

    @Test
    void aViewerThatFallsBehindLosesVideoUpToTheNextKeyframeAndAudioThatDoesNotFit(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // Room for the metadata and 1000 bytes of media.
        FlvViewer v = viewer(metadata().size() + 1000);
        v.join(List.of(metadata(), config(0), key(0, 600)), true);
        v.offer(inter(40, 300));
        v.offer(inter(80, 300)); // 1205 bytes would be queued: dropped, and video waits for a keyframe
        v.offer(audio(90, 200)); // does not fit either, and video is being lost: dropped
        v.offer(audio(100, 50)); // fits: audio alone is small, and gaps in it are heard
        v.offer(inter(120, 10)); // not a keyframe
        v.offer(config(130)); // configuration always goes in
        v.offer(key(160, 10));
        v.offer(audio(170, 20));
        assertEquals(3, v.droppedFrames());
        v.onUnpublish();
        assertEquals(List.of("S@0/" + metadata().size(), "V@0/5", "V@0/600", "V@40/300", "A@100/50", "V@130/5", "V@160/10", "A@170/20"),
                written(v, dir));
    }

    @Test
    void aViewerBehindForLongerThanTheLagLimitIsEnded() throws Exception {
        FlvViewer v = viewer(100);
        v.join(List.of(key(0, 90)), true);
        v.offer(key(40, 90));
        now[0] += Duration.ofSeconds(11).toNanos();
        v.offer(key(80, 90));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String why = v.run((bytes, length) -> out.write(bytes, 0, length));
        assertTrue(why.startsWith("too slow"), why);
    }

    /** Runs the viewer on its own thread, recording each write's length as it happens. */
    private static Thread running(FlvViewer v, java.util.concurrent.BlockingQueue<Integer> writes) {
        return Thread.ofVirtual().start(() -> {
            try {
                v.run((bytes, length) -> writes.add(length));
            } catch (Exception e) {
                writes.add(-1);
            }
        });
    }

    @Test
    void withAWriteDelayLiveMediaQueuedMeanwhileGoesOutInOneWrite() throws Exception {
        // A real clock: the writer sleeps out the delay, which its fake stand-in could not end.
        FlvViewer v = new FlvViewer(1, KEY, "203.0.113.9", FlvViewer.Protocol.HTTP_FLV, 1_000_000,
                Duration.ofSeconds(10).toNanos(), Duration.ofMillis(300).toNanos(), System::nanoTime);
        v.join(List.of(config(0), key(0, 100)), true);
        var writes = new java.util.concurrent.LinkedBlockingQueue<Integer>();
        Thread writer = running(v, writes);
        writes.take(); // the FLV header
        assertEquals(2 * 11 + 2 * 4 + 5 + 100, writes.take(), "the cached frames, at once");
        for (int i = 1; i <= 5; i++) {
            v.offer(inter(i * 40, 10));
        }
        v.onUnpublish();
        writer.join();
        // Whether the frames came before or during the delay, none was written on its own.
        assertEquals(List.of(5 * (11 + 4 + 10)), new ArrayList<>(writes));
    }

    @Test
    void aSequenceHeaderEndsTheWriteDelayAtOnce() throws Exception {
        FlvViewer v = new FlvViewer(1, KEY, "203.0.113.9", FlvViewer.Protocol.HTTP_FLV, 1_000_000,
                Duration.ofSeconds(10).toNanos(), Duration.ofSeconds(60).toNanos(), System::nanoTime);
        v.join(List.of(config(0), key(0, 100)), true);
        var writes = new java.util.concurrent.LinkedBlockingQueue<Integer>();
        Thread writer = running(v, writes);
        writes.take();
        writes.take();
        v.offer(inter(40, 10));
        v.offer(config(80));
        // Within the test's timeout, far below the 60 s delay.
        assertEquals(11 + 4 + 10 + 11 + 4 + 5, writes.take());
        v.onUnpublish();
        writer.join();
    }

    @Test
    void aViewerThatFellBehindWritesItsQueueInBoundedPiecesAndLargeFramesFromTheirOwnBytes(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        FlvViewer v = viewer(10_000_000);
        v.join(List.of(metadata(), config(0), key(0, 3 * FlvViewer.WRITE_BYTES)), true);
        for (int i = 1; i <= 100; i++) {
            v.offer(inter(i * 40, 2000));
        }
        v.onUnpublish();
        List<Integer> writes = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        v.run((bytes, length) -> {
            out.write(bytes, 0, length);
            writes.add(length);
        });
        assertTrue(writes.stream().allMatch(n -> n > 0), "no empty write: " + writes);
        assertTrue(writes.stream().filter(n -> n > FlvViewer.WRITE_BYTES).count() == 1,
                "only the large keyframe exceeds the bound, written from its own bytes: " + writes);
        Path file = Files.write(dir.resolve("behind.flv"), out.toByteArray());
        List<Integer> sizes = new ArrayList<>();
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            FlvReader reader = FlvReader.open(ch);
            for (FlvTag t = reader.next(); t != null; t = reader.next()) {
                sizes.add(t.payload().length);
            }
        }
        assertEquals(103, sizes.size(), "metadata, configuration, the keyframe and 100 frames, all intact");
        assertEquals(3 * FlvViewer.WRITE_BYTES, sizes.get(2));
    }
}
