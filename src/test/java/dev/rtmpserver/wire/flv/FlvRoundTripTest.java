package dev.rtmpserver.wire.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer records, the reader gives back; and the metadata can be rewritten in place. */
class FlvRoundTripTest {
    private static final int RESERVE = 256;

    @TempDir
    Path dir;

    /** The keys a recorder knows from the start, as the writer's documentation advises. */
    static Map<String, Object> initialMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("duration", 0.0);
        m.put("filesize", 0.0);
        m.put("width", 1280.0);
        m.put("height", 720.0);
        m.put("framerate", 30.0);
        m.put("videocodecid", 7.0);
        m.put("audiocodecid", 10.0);
        m.put("audiosamplerate", 44100.0);
        m.put("stereo", true);
        m.put("videodatarate", 0.0);
        m.put("audiodatarate", 0.0);
        m.put("encoder", "obs-output module (libobs version 30.1.2)");
        return m;
    }

    static List<FlvTag> media() {
        List<FlvTag> tags = new ArrayList<>();
        tags.add(FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER));
        tags.add(FlvTag.audio(0, FlvFiles.AAC_SEQUENCE_HEADER));
        for (int i = 0; i < 30; i++) {
            int time = i * 33;
            tags.add(FlvTag.video(time, i % 10 == 0 ? FlvFiles.avcKeyframe(i) : FlvFiles.avcInterFrame(i)));
            tags.add(FlvTag.audio(time + 10, FlvFiles.aacFrame(i)));
        }
        tags.add(FlvTag.video(0x0100_0000, FlvFiles.avcKeyframe(99)));
        return tags;
    }

    /** Writes {@link #media()}; returns the position of each tag. */
    static List<Long> record(FlvWriter writer) throws IOException {
        List<Long> positions = new ArrayList<>();
        for (FlvTag tag : media()) {
            positions.add(writer.bytesWritten());
            writer.write(tag);
        }
        return positions;
    }

    @Test
    void readerGetsBackTheFlagsTheMetadataFirstAndEveryTagAtItsPosition() throws IOException {
        Path file = dir.resolve("rec.flv");
        List<Long> positions;
        long written;
        try (FileChannel ch = FlvFiles.create(file)) {
            FlvWriter writer = FlvWriter.create(ch, true, false, initialMetadata(), RESERVE);
            positions = record(writer);
            written = writer.bytesWritten();
            assertEquals(0x0100_0000, writer.lastTimestamp());
        }
        assertEquals(Files.size(file), written, "bytesWritten counts every byte in the file");
        try (FileChannel ch = FlvFiles.openForReading(file)) {
            FlvReader reader = FlvReader.open(ch);
            assertEquals(new FlvHeader.Flags(true, false), reader.flags());
            assertEquals(FlvHeader.FIRST_TAG_POSITION, reader.position());
            FlvTag metadata = reader.next();
            assertEquals(FlvTag.SCRIPT, metadata.type());
            assertEquals(0, metadata.timestamp());
            assertEquals(initialMetadata(), Metadata.decodeOnMetaData(metadata.payload()));
            List<FlvTag> media = media();
            for (int i = 0; i < media.size(); i++) {
                assertEquals(positions.get(i), reader.position(), "position of media tag " + i);
                FlvTag tag = reader.next();
                assertEquals(media.get(i), tag, "media tag " + i);
                assertEquals(media.get(i).payload().length, tag.payload().length);
            }
            assertNull(reader.next());
            assertEquals(written, reader.position());
        }
    }

    @Test
    void seekingToARecordedPositionReadsThatTagAgain() throws IOException {
        Path file = dir.resolve("seek.flv");
        List<Long> positions;
        try (FileChannel ch = FlvFiles.create(file)) {
            positions = record(FlvWriter.create(ch, true, true, initialMetadata(), RESERVE));
        }
        try (FileChannel ch = FlvFiles.openForReading(file)) {
            FlvReader reader = FlvReader.open(ch);
            List<FlvTag> media = media();
            for (int i : new int[] {40, 3, media.size() - 1, 0}) {
                reader.seek(positions.get(i));
                assertEquals(media.get(i), reader.next(), "tag " + i + " after seeking to it");
            }
            assertThrows(IllegalArgumentException.class, () -> reader.seek(FlvHeader.FIRST_TAG_POSITION - 1));
        }
    }

    @Test
    void rewritingMetadataKeepsTheFileSizeAndEveryMediaByteAndTheReaderSeesTheNewValues() throws IOException {
        Path file = dir.resolve("rewrite.flv");
        Map<String, Object> finalMetadata = initialMetadata();
        long mediaStart;
        byte[] before;
        try (FileChannel ch = FlvFiles.create(file)) {
            FlvWriter writer = FlvWriter.create(ch, true, true, initialMetadata(), RESERVE);
            mediaStart = writer.bytesWritten();
            record(writer);
            before = Files.readAllBytes(file);
            finalMetadata.put("duration", 16777.216);
            finalMetadata.put("filesize", (double) writer.bytesWritten());
            finalMetadata.put("videodatarate", 2500.0);
            finalMetadata.put("lasttimestamp", 16777216.0);
            writer.rewriteMetadata(finalMetadata);
            assertEquals(before.length, writer.bytesWritten(), "a rewrite adds nothing");
            assertEquals(before.length, ch.position(), "a rewrite leaves the channel where appending goes on");
        }
        byte[] after = Files.readAllBytes(file);
        assertEquals(before.length, after.length, "the file keeps its size");
        assertArrayEquals(Arrays.copyOfRange(before, (int) mediaStart, before.length),
                Arrays.copyOfRange(after, (int) mediaStart, after.length), "no media byte changes");
        try (FileChannel ch = FlvFiles.openForReading(file)) {
            FlvReader reader = FlvReader.open(ch);
            assertEquals(finalMetadata, Metadata.decodeOnMetaData(reader.next().payload()));
            assertEquals(media(), FlvFiles.readAll(reader));
        }
    }

    @Test
    void rewritingMetadataWithFewerKeysGrowsThePaddingInstead() throws IOException {
        Path file = dir.resolve("shrink.flv");
        try (FileChannel ch = FlvFiles.create(file)) {
            FlvWriter writer = FlvWriter.create(ch, true, true, initialMetadata(), RESERVE);
            long size = writer.bytesWritten();
            writer.rewriteMetadata(Map.of("duration", 1.5));
            assertEquals(size, ch.size());
        }
        try (FileChannel ch = FlvFiles.openForReading(file)) {
            assertEquals(Map.of("duration", 1.5), Metadata.decodeOnMetaData(FlvReader.open(ch).next().payload()));
        }
    }

    @Test
    void rewritingMetadataThatDoesNotFitThrowsAndLeavesTheFileAsItWas() throws IOException {
        Path file = dir.resolve("full.flv");
        try (FileChannel ch = FlvFiles.create(file)) {
            FlvWriter writer = FlvWriter.create(ch, true, true, initialMetadata(), 8);
            record(writer);
            byte[] before = Files.readAllBytes(file);
            Map<String, Object> tooBig = initialMetadata();
            tooBig.put("comment", "x".repeat(9));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.rewriteMetadata(tooBig));
            assertTrue(e.getMessage().contains("needs"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file));

            Map<String, Object> exactFit = initialMetadata();
            exactFit.put("c", "");
            // Name (2 + 1 bytes) and empty string value (3 bytes) take 6 of the 8 reserved bytes.
            writer.rewriteMetadata(exactFit);
            assertEquals(before.length, Files.size(file));
        }
    }

    @Test
    void rewritingMetadataMayShrinkItByAnyAmount() throws IOException {
        Path file = dir.resolve("big.flv");
        try (FileChannel ch = FlvFiles.create(file)) {
            FlvWriter writer = FlvWriter.create(ch, true, true, Map.of("comment", "y".repeat(70_000)), 0);
            long size = writer.bytesWritten();
            writer.rewriteMetadata(Map.of("duration", 1.0));
            assertEquals(size, ch.size());
        }
        try (FileChannel ch = FlvFiles.openForReading(file)) {
            assertEquals(Map.of("duration", 1.0), Metadata.decodeOnMetaData(FlvReader.open(ch).next().payload()));
        }
    }

    @Test
    void eachTagIsOneGatheringWriteAndTheMetadataRewriteOnePositionalWrite() throws IOException {
        try (CountingChannel ch = new CountingChannel(FlvFiles.create(dir.resolve("count.flv")), Integer.MAX_VALUE)) {
            FlvWriter writer = FlvWriter.create(ch, true, true, initialMetadata(), RESERVE);
            assertEquals(1, ch.appendingWrites, "header, PreviousTagSize0 and metadata go out together");
            record(writer);
            assertEquals(1 + media().size(), ch.appendingWrites);
            long end = ch.position();
            writer.rewriteMetadata(Map.of("duration", 1.0));
            assertEquals(1, ch.positionalWrites);
            assertEquals(1 + media().size(), ch.appendingWrites);
            assertEquals(end, ch.position());
        }
    }

    @Test
    void aChannelThatTakesAFewBytesAtATimeStillGetsEveryByte() throws IOException {
        Path normal = dir.resolve("normal.flv");
        Path trickle = dir.resolve("trickle.flv");
        Map<String, Object> rewritten = Map.of("duration", 1.0, "filesize", 12345.0);
        try (FileChannel ch = FlvFiles.create(normal)) {
            FlvWriter writer = FlvWriter.create(ch, true, true, initialMetadata(), RESERVE);
            record(writer);
            writer.rewriteMetadata(rewritten);
        }
        try (CountingChannel ch = new CountingChannel(FlvFiles.create(trickle), 7)) {
            FlvWriter writer = FlvWriter.create(ch, true, true, initialMetadata(), RESERVE);
            record(writer);
            writer.rewriteMetadata(rewritten);
            assertEquals(Files.size(normal), writer.bytesWritten());
            assertTrue(ch.positionalWrites > 1, "the rewrite needed several writes");
        }
        assertArrayEquals(Files.readAllBytes(normal), Files.readAllBytes(trickle));
    }

    @Test
    void aWriterWithoutMetadataRefusesToRewriteIt() throws IOException {
        try (FileChannel ch = FlvFiles.create(dir.resolve("plain.flv"))) {
            FlvWriter writer = FlvWriter.create(ch, true, true);
            assertThrows(IllegalStateException.class, () -> writer.rewriteMetadata(Map.of()));
        }
    }

    @Test
    void metadataMustNotUseThePaddingKeyAndTheReserveMustBeSane() throws IOException {
        try (FileChannel ch = FlvFiles.create(dir.resolve("bad.flv"))) {
            assertThrows(IllegalArgumentException.class,
                    () -> FlvWriter.create(ch, true, true, Map.of(Metadata.PADDING_KEY, "x"), 10));
            assertThrows(IllegalArgumentException.class, () -> FlvWriter.create(ch, true, true, Map.of(), -1));
            assertThrows(IllegalArgumentException.class,
                    () -> FlvWriter.create(ch, true, true, Map.of(), FlvWriter.MAX_METADATA_RESERVE_BYTES + 1));
            assertEquals(0, ch.size(), "nothing is written for a refused call");
        }
    }

    @Test
    void afterAFailedWriteEveryLaterWriteFailsWithTheFirstFailureAsCause() throws IOException {
        FileChannel ch = FlvFiles.create(dir.resolve("fail.flv"));
        FlvWriter writer = FlvWriter.create(ch, true, true);
        ch.close();
        IOException first = assertThrows(ClosedChannelException.class,
                () -> writer.write(FlvTag.audio(0, FlvFiles.aacFrame(1))));
        IOException later = assertThrows(IOException.class, () -> writer.write(FlvTag.audio(1, FlvFiles.aacFrame(2))));
        assertSame(first, later.getCause());
    }

    @Test
    void tagsOfUnknownTypeOrOversizePayloadCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new FlvTag(20, 0, new byte[0]));
        assertThrows(IllegalArgumentException.class,
                () -> FlvTag.script(0, new byte[FlvTag.MAX_SCRIPT_PAYLOAD_BYTES + 1]));
        assertThrows(IllegalArgumentException.class, () -> FlvTag.video(0, new byte[FlvTag.MAX_PAYLOAD_BYTES + 1]));
        assertThrows(NullPointerException.class, () -> FlvTag.audio(0, null));
    }

    @Test
    void tagsAreEqualByContentAndPrintTheirSizeRatherThanTheirBytes() {
        FlvTag a = FlvTag.video(-1, new byte[] {1, 2, 3});
        FlvTag b = FlvTag.video(-1, new byte[] {1, 2, 3});
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("FlvTag[type=9, timestamp=4294967295, payload=3 bytes]", a.toString());
    }

}
