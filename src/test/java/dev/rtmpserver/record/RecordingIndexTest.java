package dev.rtmpserver.record;

import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.FlvWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Listing recordings from a directory of fake files: names, filters, order, pages, durations. */
class RecordingIndexTest {
    private static final Instant T = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path root;
    private RecordFiles files;
    private RecordingIndex index;

    @BeforeEach
    void setUp() throws IOException {
        files = new RecordFiles(root);
        index = new RecordingIndex(files);
    }

    private void file(String relative, int size, Instant modified) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[size]);
        Files.setLastModifiedTime(p, FileTime.from(modified));
    }

    /** The layout the recorder makes, and what a listing must leave out. */
    private void fakeRecordings() throws IOException {
        file("live/cam1-20261124-120000.flv", 10, T.plusSeconds(60));
        file("live/cam1-20261124-120000-1.flv", 11, T.plusSeconds(90));
        file("live/cam1-20261125-080000.flv", 12, T.plusSeconds(86400));
        file("live/cam-2-20261123-235959.flv", 13, T);
        file("other/cam1-20261124-130000.flv", 14, T.plusSeconds(3700));
        file("live/odd.flv", 15, Instant.parse("2026-11-20T10:00:00.500Z"));
        file("live/cam1-20261399-000000.flv", 16, Instant.parse("2026-11-21T00:00:00Z"));
        // Not recordings: other names, other depths, links, directories.
        file("live/notes.txt", 1, T);
        file("top-20261124-120000.flv", 1, T);
        file("live/deeper/cam1-20261124-120000.flv", 1, T);
        Files.createDirectories(root.resolve("live/dir.flv"));
        Files.createSymbolicLink(root.resolve("live/link-20261124-120000.flv"),
                root.resolve("live/cam1-20261124-120000.flv"));
        Files.createSymbolicLink(root.resolve("linked"), root.resolve("live"));
    }

    private static List<String> names(RecordingIndex.Page page) {
        return page.recordings().stream().map(RecordingIndex.Recording::file).toList();
    }

    private RecordingIndex.Page list(Optional<String> app, Optional<String> stream, String from, String to)
            throws IOException {
        return index.list(new RecordingIndex.Filter(app, stream, Optional.ofNullable(from).map(Instant::parse),
                Optional.ofNullable(to).map(Instant::parse)), 0, 100);
    }

    @Test
    void everyFlvFileOfEveryAppNewestFirst() throws IOException {
        fakeRecordings();
        RecordingIndex.Page page = index.list(RecordingIndex.Filter.ALL, 0, 100);
        assertEquals(List.of("live/cam1-20261125-080000.flv", "other/cam1-20261124-130000.flv",
                // Same second: the later file, numbered by the recorder, first.
                "live/cam1-20261124-120000-1.flv", "live/cam1-20261124-120000.flv",
                "live/cam-2-20261123-235959.flv", "live/cam1-20261399-000000.flv", "live/odd.flv"), names(page));
        assertEquals(7, page.total());

        RecordingIndex.Recording first = page.recordings().get(0);
        assertEquals("live", first.app());
        assertEquals("cam1", first.stream());
        assertEquals(Instant.parse("2026-11-25T08:00:00Z"), first.startedAt());
        assertEquals(12, first.size());
        assertEquals(OptionalDouble.empty(), first.duration(), "no FLV, no duration");
        assertFalse(first.recording());

        Map<String, RecordingIndex.Recording> byFile = page.recordings().stream()
                .collect(java.util.stream.Collectors.toMap(RecordingIndex.Recording::file, r -> r));
        assertEquals("cam-2", byFile.get("live/cam-2-20261123-235959.flv").stream());
        RecordingIndex.Recording odd = byFile.get("live/odd.flv");
        assertEquals("odd", odd.stream());
        assertEquals(Instant.parse("2026-11-20T10:00:00Z"), odd.startedAt(), "no stamp: the file's time, whole seconds");
        RecordingIndex.Recording badStamp = byFile.get("live/cam1-20261399-000000.flv");
        assertEquals(Instant.parse("2026-11-21T00:00:00Z"), badStamp.startedAt(), "month 13: the file's time");
    }

    @Test
    void filtersByAppStreamAndStartTime() throws IOException {
        fakeRecordings();
        assertEquals(List.of("other/cam1-20261124-130000.flv"), names(list(Optional.of("other"), Optional.empty(),
                null, null)));
        assertEquals(List.of(), names(list(Optional.of("linked"), Optional.empty(), null, null)),
                "a linked directory is not an app");
        assertEquals(List.of("live/cam-2-20261123-235959.flv"), names(list(Optional.empty(), Optional.of("cam-2"),
                null, null)));
        assertEquals(List.of("live/cam1-20261125-080000.flv", "live/cam1-20261124-120000-1.flv",
                "live/cam1-20261124-120000.flv", "live/cam1-20261399-000000.flv"),
                names(list(Optional.of("live"), Optional.of("cam1"), null, null)));
        // from is inclusive, to exclusive.
        assertEquals(List.of("other/cam1-20261124-130000.flv", "live/cam1-20261124-120000-1.flv",
                "live/cam1-20261124-120000.flv"), names(list(Optional.empty(), Optional.empty(),
                "2026-11-24T12:00:00Z", "2026-11-25T08:00:00Z")));
        assertEquals(List.of("live/cam1-20261125-080000.flv"), names(list(Optional.empty(), Optional.empty(),
                "2026-11-24T13:00:01Z", null)));
        assertEquals(List.of("live/cam1-20261399-000000.flv", "live/odd.flv"),
                names(list(Optional.empty(), Optional.empty(), null, "2026-11-23T00:00:00Z")));
        assertEquals(0, list(Optional.of("none"), Optional.empty(), null, null).total());
    }

    @Test
    void pagesKeepTheTotalOfAllThatMatch() throws IOException {
        fakeRecordings();
        List<String> all = names(index.list(RecordingIndex.Filter.ALL, 0, 100));
        RecordingIndex.Page second = index.list(RecordingIndex.Filter.ALL, 2, 3);
        assertEquals(all.subList(2, 5), names(second));
        assertEquals(7, second.total());
        assertEquals(all.subList(5, 7), names(index.list(RecordingIndex.Filter.ALL, 5, 3)));
        RecordingIndex.Page past = index.list(RecordingIndex.Filter.ALL, 50, 3);
        assertEquals(List.of(), past.recordings());
        assertEquals(7, past.total());
        assertEquals(List.of(), index.list(RecordingIndex.Filter.ALL, 0, 0).recordings());
        assertThrows(IllegalArgumentException.class, () -> index.list(RecordingIndex.Filter.ALL, -1, 3));
    }

    @Test
    void anEmptyRecordDirListsNothing() throws IOException {
        assertEquals(new RecordingIndex.Page(0, List.of()), index.list(RecordingIndex.Filter.ALL, 0, 100));
    }

    @Test
    void durationComesFromTheOnMetaDataOfThePageOnly() throws IOException {
        Path p = Files.createDirectories(root.resolve("live")).resolve("cam1-20261124-120000.flv");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            FlvWriter writer = FlvWriter.create(ch, false, true, Map.of("duration", 12.5, "filesize", 0.0), 1024);
            writer.write(FlvTag.video(0, new byte[] {0x17, 0, 0, 0, 0}));
        }
        file("live/cam1-20261124-110000.flv", 100, T);
        RecordingIndex.Page page = index.list(RecordingIndex.Filter.ALL, 0, 100);
        assertEquals(OptionalDouble.of(12.5), page.recordings().get(0).duration());
        assertEquals(OptionalDouble.empty(), page.recordings().get(1).duration(), "zeros are no FLV");
        assertEquals(Files.size(p), page.recordings().get(0).size());
    }

    @Test
    void aFileBeingWrittenIsMarkedRecording() throws IOException {
        fakeRecordings();
        RecordFiles.Created created = files.create("live", "cam9",
                ZonedDateTime.of(2026, 11, 26, 0, 0, 0, 0, ZoneOffset.UTC));
        try {
            RecordingIndex.Recording newest = index.list(RecordingIndex.Filter.ALL, 0, 1).recordings().get(0);
            assertEquals("live/cam9-20261126-000000.flv", newest.file());
            assertTrue(newest.recording());
        } finally {
            created.channel().close();
            files.closed(created.path());
        }
        assertFalse(index.list(RecordingIndex.Filter.ALL, 0, 1).recordings().get(0).recording());
    }
}
