package dev.rtmpserver.wire.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cut files read up to their last complete tag, as a crashed recording must; damaged files fail
 * with {@link ProtocolException}, never with another exception.
 */
class MalformedFlvTest {
    @TempDir
    Path dir;

    private byte[] file;
    private List<FlvTag> tags;
    private List<Long> positions;

    @BeforeEach
    void recordAFile() throws IOException {
        tags = List.of(
                FlvTag.script(0, Metadata.encodeOnMetaData(Map.of("duration", 2.0))),
                FlvTag.video(0, FlvFiles.AVC_SEQUENCE_HEADER),
                FlvTag.audio(0, FlvFiles.AAC_SEQUENCE_HEADER),
                FlvTag.video(0, FlvFiles.avcKeyframe(1)),
                FlvTag.audio(23, FlvFiles.aacFrame(2)),
                FlvTag.video(33, FlvFiles.avcInterFrame(3)),
                FlvTag.audio(46, FlvFiles.aacFrame(4)),
                FlvTag.video(66, FlvFiles.avcInterFrame(5)));
        Path path = dir.resolve("whole.flv");
        positions = FlvFiles.write(path, true, true, tags);
        file = Files.readAllBytes(path);
    }

    @Test
    void aFileCutAtEveryOffsetInsideItsLastTagReadsCleanlyUpToThePreviousTag() throws IOException {
        long lastTag = positions.getLast();
        for (int cut = (int) lastTag; cut < file.length; cut++) {
            try (FileChannel ch = open(Arrays.copyOf(file, cut))) {
                FlvReader reader = FlvReader.open(ch);
                assertEquals(tags.subList(0, tags.size() - 1), FlvFiles.readAll(reader), "cut at " + cut);
                assertEquals(lastTag, reader.position(), "the reader waits at the cut tag, cut at " + cut);
            }
        }
    }

    @Test
    void aFileCutAnywhereAfterItsHeaderReadsEveryTagThatEndsBeforeTheCut() throws IOException {
        for (int cut = FlvHeader.LENGTH; cut <= file.length; cut++) {
            int complete = 0;
            while (complete < tags.size() && positions.get(complete) + tags.get(complete).fileBytes() <= cut) {
                complete++;
            }
            Path cutFile = FlvFiles.file(dir, "cut.flv", Arrays.copyOf(file, cut));
            assertEquals(tags.subList(0, complete), FlvFiles.readAll(cutFile), "cut at " + cut);
        }
    }

    @Test
    void aFileThatGrowsGivesTheTagOnceItIsComplete() throws IOException {
        int cut = positions.get(1).intValue() + 5;
        int end = positions.get(2).intValue();
        Path path = FlvFiles.file(dir, "growing.flv", Arrays.copyOf(file, cut));
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FlvReader reader = FlvReader.open(ch);
            assertEquals(tags.get(0), reader.next());
            assertNull(reader.next());
            ch.write(ByteBuffer.wrap(file, cut, end - cut), cut);
            assertEquals(tags.get(1), reader.next());
        }
    }

    @Test
    void aFileCutInsideItsHeaderIsRejected() throws IOException {
        for (int cut = 0; cut < FlvHeader.LENGTH; cut++) {
            byte[] prefix = Arrays.copyOf(file, cut);
            assertThrows(ProtocolException.class, () -> FlvHeader.decode(prefix), "cut at " + cut);
            try (FileChannel ch = open(prefix)) {
                assertThrows(ProtocolException.class, () -> FlvReader.open(ch), "cut at " + cut);
            }
        }
    }

    @Test
    void aHeaderWithTheWrongSignatureVersionOrDataOffsetIsRejected() {
        for (String bad : List.of(
                "464c53 01 05 00000009  # signature 'FLS'",
                "464c56 02 05 00000009  # version 2",
                "464c56 00 05 00000009  # version 0",
                "464c56 01 05 0000000d  # DataOffset 13",
                "464c56 01 05 00000000  # DataOffset 0")) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> FlvHeader.decode(AnnotatedHex.bytes(bad)), bad);
            assertTrue(e.getMessage().length() > 10, e.getMessage());
        }
    }

    @Test
    void reservedHeaderFlagsAndANonZeroStreamIdAreIgnoredAsFfmpegIgnoresThem() throws IOException {
        byte[] odd = file.clone();
        odd[4] = (byte) 0xfd;
        odd[positions.get(3).intValue() + 10] = 1;
        assertEquals(new FlvHeader.Flags(true, true), FlvHeader.decode(odd));
        assertEquals(tags, FlvFiles.readAll(FlvFiles.file(dir, "odd.flv", odd)));
    }

    @Test
    void aDataSizeTooLargeInTheMiddleOfTheFileIsRejected() throws IOException {
        // One byte more: the PreviousTagSize check finds it.
        assertDamaged(withDataSize(3, tags.get(3).payload().length + 1), "PreviousTagSize");
        // Past the end of the file while the file ends with an intact tag: not a cut.
        assertDamaged(withDataSize(3, 0xFFFF), "past the end");
    }

    @Test
    void aDataSizeTooSmallIsRejected() throws IOException {
        assertDamaged(withDataSize(5, tags.get(5).payload().length - 1), "PreviousTagSize");
        assertDamaged(withDataSize(5, 0), "PreviousTagSize");
    }

    @Test
    void aScriptTagLargerThanTheLimitIsRejectedBeforeItIsRead() throws IOException {
        assertDamaged(withDataSize(0, FlvTag.MAX_SCRIPT_PAYLOAD_BYTES + 1), "allowed");
    }

    @Test
    void aWrongPreviousTagSizeIsRejected() throws IOException {
        byte[] bad = file.clone();
        int trailer = (int) (positions.get(4) - FlvTag.PREVIOUS_TAG_SIZE_BYTES);
        bad[trailer + 3]++;
        assertDamaged(bad, "PreviousTagSize");
    }

    @Test
    void anUnknownOrEncryptedTagTypeIsRejected() throws IOException {
        byte[] unknown = file.clone();
        unknown[positions.get(2).intValue()] = 0x07;
        assertDamaged(unknown, "unknown type");
        byte[] encrypted = file.clone();
        encrypted[positions.get(2).intValue()] = 0x28;
        assertDamaged(encrypted, "encrypted");
    }

    @Test
    void randomlyDamagedFilesReadOrFailWithProtocolExceptionOnly() throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        Path path = dir.resolve("fuzz.flv");
        for (int round = 0; round < 2000; round++) {
            byte[] bad = file.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                bad = Arrays.copyOf(bad, random.nextInt(bad.length));
            }
            Files.write(path, bad);
            try (FileChannel ch = FlvFiles.openForReading(path)) {
                FlvReader reader = FlvReader.open(ch);
                int count = 0;
                while (reader.next() != null) {
                    if (++count > tags.size()) {
                        fail("more tags than were written, round " + round);
                    }
                }
                KeyframeIndex.scan(ch);
            } catch (ProtocolException expected) {
                // Damage reported as damage is the point.
            }
        }
    }

    private byte[] withDataSize(int tag, int dataSize) {
        byte[] bad = file.clone();
        int at = positions.get(tag).intValue() + 1;
        bad[at] = (byte) (dataSize >>> 16);
        bad[at + 1] = (byte) (dataSize >>> 8);
        bad[at + 2] = (byte) dataSize;
        return bad;
    }

    private void assertDamaged(byte[] bytes, String messagePart) throws IOException {
        try (FileChannel ch = open(bytes)) {
            FlvReader reader = FlvReader.open(ch);
            ProtocolException e = assertThrows(ProtocolException.class, () -> FlvFiles.readAll(reader));
            assertTrue(e.getMessage().contains(messagePart), e.getMessage());
            assertThrows(ProtocolException.class, () -> KeyframeIndex.scan(ch), "the index fails the same way");
        }
    }

    private FileChannel open(byte[] bytes) throws IOException {
        return FlvFiles.openForReading(FlvFiles.file(dir, "damaged.flv", bytes));
    }
}
