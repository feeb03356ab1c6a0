package dev.rtmpserver.wire.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.media.VideoTag;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seek points found by scanning a file, and what "play from T" picks from them. */
class KeyframeIndexTest {
    private static final long NONE = KeyframeIndex.NONE;

    @TempDir
    Path dir;

    /** Tags to write, and after writing, where each one went. */
    private final List<FlvTag> tags = new ArrayList<>();
    private List<Long> positions;

    private int add(FlvTag tag) {
        tags.add(tag);
        return tags.size() - 1;
    }

    private KeyframeIndex scan(String name) throws IOException {
        Path file = dir.resolve(name);
        positions = FlvFiles.write(file, true, true, tags);
        try (FileChannel ch = FlvFiles.openForReading(file)) {
            return KeyframeIndex.scan(ch);
        }
    }

    private long at(int tag) {
        return positions.get(tag);
    }

    @Test
    void aMultitrackFileSeeksOnMainTrackKeyframesAndReplaysEveryTracksHeader() throws IOException {
        // As FFmpeg 8 writes two video and two audio tracks: the first as legacy tags, the second as
        // Enhanced RTMP one-track multitrack messages ('avc1' and 'mp4a', track 1).
        int avc = add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        int avc1 = add(FlvTag.video(0, new byte[] {(byte) 0x96, 0x00, 'a', 'v', 'c', '1', 1, 1, 0x42}));
        int aac = add(FlvTag.audio(0, FlvFiles.AAC_SEQUENCE_HEADER));
        int aac1 = add(FlvTag.audio(0, new byte[] {(byte) 0x95, 0x00, 'm', 'p', '4', 'a', 1, 0x12, 0x08}));
        int key = add(FlvTag.video(0, FlvFiles.avcKeyframe(0)));
        add(FlvTag.video(0, new byte[] {(byte) 0x96, 0x01, 'a', 'v', 'c', '1', 1, 0, 0, 0, 0x65}));
        add(FlvTag.video(1000, new byte[] {(byte) 0x96, 0x01, 'a', 'v', 'c', '1', 1, 0, 0, 0, 0x65}));
        KeyframeIndex index = scan("multitrack.flv");

        KeyframeIndex.Entry only = new KeyframeIndex.Entry(0, at(key), at(avc), at(aac), List.of(at(avc1), at(aac1)));
        assertEquals(List.of(only), index.entries(), "track 1's keyframes are no seek points");
        assertEquals(List.of(at(avc), at(avc1), at(aac), at(aac1)), only.sequenceHeaders(), "in file order");
    }

    @Test
    void everyVideoKeyframeIsASeekPointWithTheSequenceHeadersBeforeIt() throws IOException {
        int metadata = add(FlvTag.script(0, Metadata.encodeOnMetaData(Map.of("duration", 6.0))));
        int avc = add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        int aac = add(FlvTag.audio(0, FlvFiles.AAC_SEQUENCE_HEADER));
        int[] keyframes = new int[3];
        for (int second = 0; second < 6; second++) {
            for (int frame = 0; frame < 10; frame++) {
                int time = second * 1000 + frame * 100;
                int tag = add(FlvTag.video(time, second % 2 == 0 && frame == 0
                        ? FlvFiles.avcKeyframe(time) : FlvFiles.avcInterFrame(time)));
                if (second % 2 == 0 && frame == 0) {
                    keyframes[second / 2] = tag;
                }
                add(FlvTag.audio(time + 20, FlvFiles.aacFrame(time)));
            }
        }
        KeyframeIndex index = scan("gop.flv");

        assertEquals(List.of(
                new KeyframeIndex.Entry(0, at(keyframes[0]), at(avc), at(aac)),
                new KeyframeIndex.Entry(2000, at(keyframes[1]), at(avc), at(aac)),
                new KeyframeIndex.Entry(4000, at(keyframes[2]), at(avc), at(aac))), index.entries());
        assertEquals(at(metadata), index.metadata());
        assertEquals(5920, index.lastTimestamp());
        assertEquals(Files.size(dir.resolve("gop.flv")), index.end());
    }

    @Test
    void floorIsTheLastSeekPointAtOrBeforeTheRequestedTime() throws IOException {
        add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        int[] keyframes = {
            add(FlvTag.video(100, FlvFiles.avcKeyframe(1))),
            add(FlvTag.video(2100, FlvFiles.avcKeyframe(2))),
            add(FlvTag.video(4100, FlvFiles.avcKeyframe(3))),
        };
        KeyframeIndex index = scan("floor.flv");

        assertNull(index.floor(0), "nothing starts before the first keyframe");
        assertNull(index.floor(99));
        assertEquals(at(keyframes[0]), index.floor(100).position(), "a keyframe exactly at T is taken");
        assertEquals(at(keyframes[0]), index.floor(2099).position());
        assertEquals(at(keyframes[1]), index.floor(2100).position());
        assertEquals(at(keyframes[2]), index.floor(4100).position());
        assertEquals(at(keyframes[2]), index.floor(Integer.MAX_VALUE).position());
        assertEquals(at(keyframes[2]), index.floor(-1).position(), "times compare as unsigned: -1 is the latest");
    }

    @Test
    void ofKeyframesWithTheSameTimeFloorTakesTheLast() throws IOException {
        add(FlvTag.video(0, FlvFiles.avcKeyframe(1)));
        int second = add(FlvTag.video(0, FlvFiles.avcKeyframe(2)));
        KeyframeIndex index = scan("same.flv");
        assertEquals(at(second), index.floor(0).position());
    }

    @Test
    void aNewSequenceHeaderAppliesToTheKeyframesAfterIt() throws IOException {
        int firstConfig = add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        int before = add(FlvTag.video(0, FlvFiles.avcKeyframe(1)));
        int secondConfig = add(FlvTag.video(3000, FlvFiles.AVC_SEQUENCE_HEADER));
        int audioConfig = add(FlvTag.audio(3000, FlvFiles.AAC_SEQUENCE_HEADER));
        int after = add(FlvTag.video(3000, FlvFiles.avcKeyframe(2)));
        KeyframeIndex index = scan("reconfigured.flv");

        assertEquals(new KeyframeIndex.Entry(0, at(before), at(firstConfig), NONE), index.floor(2999));
        assertEquals(new KeyframeIndex.Entry(3000, at(after), at(secondConfig), at(audioConfig)), index.floor(3000));
        assertEquals(NONE, index.metadata(), "a file without onMetaData has none to send");
    }

    @Test
    void sequenceHeadersAndEndOfSequenceAreNotSeekPointsThoughTheirFrameTypeSaysKey() throws IOException {
        add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        add(FlvTag.video(500, AnnotatedHex.bytes("""
                17             # frame type 1 (key), CodecID 7 (AVC)
                02 000000      # AVCPacketType 2: end of sequence, composition time 0
                """)));
        assertTrue(VideoTag.parse(tags.get(1).payload()).keyframe(), "the classifier does call it a keyframe");
        assertEquals(List.of(), scan("nokeys.flv").entries());
    }

    @Test
    void aKeyframeEarlierThanTheLastSeekPointIsNotOne() throws IOException {
        int first = add(FlvTag.video(5000, FlvFiles.avcKeyframe(1)));
        add(FlvTag.video(1000, FlvFiles.avcKeyframe(2)));
        int third = add(FlvTag.video(6000, FlvFiles.avcKeyframe(3)));
        KeyframeIndex index = scan("restarted.flv");
        assertEquals(List.of(at(first), at(third)), index.entries().stream().map(KeyframeIndex.Entry::position).toList());
    }

    @Test
    void keyframesPastTwentyFourBitsOfMillisecondsAreIndexedByTheirWholeTimestamp() throws IOException {
        int early = add(FlvTag.video(0x00FF_FFFF, FlvFiles.avcKeyframe(1)));
        int late = add(FlvTag.video(0x8000_0000, FlvFiles.avcKeyframe(2)));
        KeyframeIndex index = scan("long.flv");
        assertEquals(at(early), index.floor(0x7FFF_FFFF).position());
        assertEquals(at(late), index.floor(0x8000_0000).position());
        assertEquals(0x8000_0000, index.lastTimestamp());
    }

    @Test
    void anAudioOnlyFileGetsASeekPointAboutEverySecond() throws IOException {
        int config = add(FlvTag.audio(0, FlvFiles.AAC_SEQUENCE_HEADER));
        List<Integer> expected = new ArrayList<>();
        for (int time = 0; time < 3500; time += 23) {
            int tag = add(FlvTag.audio(time, FlvFiles.aacFrame(time)));
            // The first frame, then the first at least a second after the previous seek point.
            if (time == 0 || time == 1012 || time == 2024 || time == 3036) {
                expected.add(tag);
            }
        }
        KeyframeIndex index = scan("audio.flv");
        assertEquals(expected.stream().map(this::at).toList(),
                index.entries().stream().map(KeyframeIndex.Entry::position).toList());
        assertEquals(at(config), index.floor(1500).audioSequenceHeader());
        assertEquals(NONE, index.floor(1500).videoSequenceHeader());
    }

    @Test
    void aCutFileIsIndexedUpToItsLastCompleteTag() throws IOException {
        add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        int first = add(FlvTag.video(0, FlvFiles.avcKeyframe(1)));
        int cutTag = add(FlvTag.video(2000, FlvFiles.avcKeyframe(2)));
        scan("whole.flv");
        byte[] whole = Files.readAllBytes(dir.resolve("whole.flv"));
        Path cut = FlvFiles.file(dir, "cut.flv", Arrays.copyOf(whole, (int) at(cutTag) + 7));
        try (FileChannel ch = FlvFiles.openForReading(cut)) {
            KeyframeIndex index = KeyframeIndex.scan(ch);
            assertEquals(List.of(at(first)), index.entries().stream().map(KeyframeIndex.Entry::position).toList());
            assertEquals(at(cutTag), index.end(), "the end is where the cut tag starts");
        }
    }

    @Test
    void playingFromAnIndexEntryStartsWithItsKeyframe() throws IOException {
        add(FlvTag.script(0, Metadata.encodeOnMetaData(Map.of("duration", 4.0))));
        add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        add(FlvTag.video(0, FlvFiles.avcKeyframe(1)));
        add(FlvTag.video(1000, FlvFiles.avcInterFrame(2)));
        int keyframe = add(FlvTag.video(2000, FlvFiles.avcKeyframe(3)));
        int next = add(FlvTag.video(3000, FlvFiles.avcInterFrame(4)));
        Path file = dir.resolve("vod.flv");
        positions = FlvFiles.write(file, false, true, tags);
        try (FileChannel ch = FlvFiles.openForReading(file)) {
            // One channel serves both, as in a VOD player.
            KeyframeIndex index = KeyframeIndex.scan(ch);
            FlvReader reader = FlvReader.open(ch);
            KeyframeIndex.Entry entry = index.floor(2500);

            reader.seek(index.metadata());
            assertEquals(Map.of("duration", 4.0), Metadata.decodeOnMetaData(reader.next().payload()));
            reader.seek(entry.videoSequenceHeader());
            assertTrue(VideoTag.parse(reader.next().payload()).sequenceHeader());
            reader.seek(entry.position());
            assertEquals(tags.get(keyframe), reader.next());
            assertEquals(tags.get(next), reader.next());
            assertNull(reader.next());
        }
    }

    @Test
    void indexEntriesCannotBeChangedByTheirReader() throws IOException {
        add(FlvTag.video(0, FlvFiles.avcKeyframe(1)));
        KeyframeIndex index = scan("fixed.flv");
        assertSame(index.entries(), index.entries());
        assertThrows(UnsupportedOperationException.class, () -> index.entries().clear());
    }
}
