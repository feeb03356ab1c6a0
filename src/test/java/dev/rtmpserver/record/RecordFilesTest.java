package dev.rtmpserver.record;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules for recording paths that come from HTTP, and which files are still being written. */
class RecordFilesTest {
    @TempDir
    Path temp;
    private Path root;
    private Path outside;
    private RecordFiles files;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(temp.resolve("records"));
        outside = Files.writeString(temp.resolve("secret.flv"), "not yours");
        Files.writeString(Files.createDirectories(root.resolve("live")).resolve("cam1-20261124-120000.flv"), "FLV");
        Files.writeString(root.resolve("live/notes.txt"), "text");
        Files.createDirectories(root.resolve("live/dir.flv"));
        Files.createSymbolicLink(root.resolve("live/out.flv"), outside);
        Files.createSymbolicLink(root.resolve("live/in.flv"), root.resolve("live/cam1-20261124-120000.flv"));
        Files.createSymbolicLink(root.resolve("escape"), temp);
        files = new RecordFiles(root);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "|", textBlock = """
            live/cam1-20261124-120000.flv | live/cam1-20261124-120000.flv
            live/in.flv                   | live/cam1-20261124-120000.flv
            """)
    void aRegularFlvFileInsideIsFoundByItsRealPath(String relative, String real) throws IOException {
        assertEquals(Optional.of(root.toRealPath().resolve(real)), files.resolveRecording(relative));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "live/none.flv",                 // missing
        "live/out.flv",                  // a symbolic link inside, to a file outside
        "escape/secret.flv",             // a directory link inside, leading outside
        "live/dir.flv",                  // a directory
        "secret.flv",                    // outside only by name: not there
    })
    void whatIsNotARegularFlvFileInsideIsNotFound(String relative) {
        assertEquals(Optional.empty(), files.resolveRecording(relative), relative);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "|", quoteCharacter = '"', textBlock = """
            ""                                  | empty path
            ../secret.flv                       | '..' segment
            live/../../secret.flv               | '..' segment
            live/..                             | '..' segment
            ./live/cam1-20261124-120000.flv     | '.' segment
            live//cam1-20261124-120000.flv      | empty segment
            live/                               | empty segment
            /etc/passwd.flv                     | absolute path
            live\\..\\..\\secret.flv            | backslash
            live/notes.txt                      | not an .flv file
            live/cam1-20261124-120000           | not an .flv file
            live/cam1-20261124-120000.FLV       | not an .flv file
            """)
    void pathsBreakingARuleAreRefusedWithTheRule(String relative, String rule) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> files.resolveRecording(relative), relative);
        assertTrue(e.getMessage().contains(rule), relative + ": " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"live/a\0b.flv", "live/a\nb.flv", "live/a\u007fb.flv", "live/a\u0085b.flv",
        "live/cam1-20261124-120000.flv\0.txt"})
    void controlCharactersAreRefused(String relative) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> files.resolveRecording(relative));
        assertTrue(e.getMessage().contains("control character"), e.getMessage());
    }

    @Test
    void aFileIsOpenFromBeforeItExistsUntilTheRecorderClosesIt() throws IOException {
        ZonedDateTime now = ZonedDateTime.of(2026, 11, 24, 12, 0, 0, 0, ZoneOffset.UTC);
        RecordFiles.Created created = files.create("live", "cam1", now);
        // The name was taken by the file made in setUp: the next number.
        assertEquals("cam1-20261124-120000-1.flv", created.path().getFileName().toString());
        Path found = files.resolveRecording("live/cam1-20261124-120000-1.flv").orElseThrow();
        assertTrue(files.isOpen(found));
        assertFalse(files.isOpen(root.toRealPath().resolve("live/cam1-20261124-120000.flv")),
                "the taken name is not left marked");
        created.channel().close();
        files.closed(created.path());
        assertFalse(files.isOpen(found));
    }
}
