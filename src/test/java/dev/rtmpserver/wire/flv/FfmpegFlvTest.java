package dev.rtmpserver.wire.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.VideoTag;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real decoders judge our files: FFmpeg encodes a short H.264/AAC clip, we copy its tags into a
 * file of our own, and FFmpeg must read that file without a complaint and find the same packets.
 * The clip is made afresh each run, so no file of our own making is the reference.
 */
class FfmpegFlvTest {
    private static final long TOOL_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    /** What a finished command printed. */
    record Output(int exitCode, String stdout, String stderr) {}

    @Test
    void ffmpegPlaysAFileWeRewroteFromItsOwnTagsAndSeesOurFinalMetadata() throws Exception {
        Assumptions.assumeTrue(available("ffmpeg") && available("ffprobe"), "needs ffmpeg and ffprobe on the PATH");
        Path original = dir.resolve("ffmpeg.flv");
        expectQuiet(run("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
                "-f", "lavfi", "-i", "sine", "-t", "1", "-c:v", "libx264", "-g", "5", "-c:a", "aac", "-f", "flv",
                original.toString()), "ffmpeg encoding the clip");

        Map<String, Object> metadata;
        List<FlvTag> media = new ArrayList<>();
        FlvHeader.Flags flags;
        try (FileChannel ch = FlvFiles.openForReading(original)) {
            FlvReader reader = FlvReader.open(ch);
            flags = reader.flags();
            metadata = Metadata.decodeOnMetaData(reader.next().payload());
            media.addAll(FlvFiles.readAll(reader));
        }
        assertEquals(new FlvHeader.Flags(true, true), flags);
        assertTrue(media.stream().anyMatch(t -> t.type() == FlvTag.VIDEO && VideoTag.parse(t.payload()).sequenceHeader()));
        assertTrue(media.stream().anyMatch(t -> t.type() == FlvTag.AUDIO && AudioTag.parse(t.payload()).sequenceHeader()));
        assertTrue(media.stream().filter(t -> t.type() == FlvTag.VIDEO && VideoTag.parse(t.payload()).keyframe()).count() >= 2,
                "-g 5 at 10 fps gives a keyframe every half second");

        Path copy = dir.resolve("ours.flv");
        try (FileChannel ch = FlvFiles.create(copy)) {
            Map<String, Object> initial = new LinkedHashMap<>(metadata);
            initial.put("duration", 0.0);
            initial.put("filesize", 0.0);
            FlvWriter writer = FlvWriter.create(ch, flags.audio(), flags.video(), initial, 1024);
            for (FlvTag tag : media) {
                writer.write(tag);
            }
            Map<String, Object> last = new LinkedHashMap<>(initial);
            // A duration FFmpeg cannot have computed itself proves it read our rewritten metadata.
            last.put("duration", 1.234);
            last.put("filesize", (double) writer.bytesWritten());
            writer.rewriteMetadata(last);
        }

        Output probe = run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", copy.toString());
        expectQuiet(probe, "ffprobe");
        assertEquals("1.234000", probe.stdout().strip());
        expectQuiet(run("ffmpeg", "-nostdin", "-v", "error", "-i", copy.toString(), "-f", "null", "-"), "ffmpeg decoding");
        assertEquals(packets(original), packets(copy), "FFmpeg finds the same packets in both files");
    }

    /** FFmpeg's checksum of every packet, with timestamps and sizes, and of the codec configuration. */
    private String packets(Path file) throws Exception {
        Output out = run("ffmpeg", "-nostdin", "-v", "error", "-i", file.toString(), "-map", "0", "-c", "copy",
                "-f", "framemd5", "-");
        expectQuiet(out, "ffmpeg framemd5 of " + file.getFileName());
        assertFalse(out.stdout().isBlank());
        return out.stdout();
    }

    private static void expectQuiet(Output out, String what) {
        if (out.exitCode() != 0 || !out.stderr().isBlank()) {
            fail(what + " exited with " + out.exitCode() + " and said:\n" + out.stderr());
        }
    }

    private static boolean available(String tool) {
        try {
            return run(tool, "-version").exitCode() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Output run(String... command) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("flvtest", ".out");
        Path stderr = Files.createTempFile("flvtest", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail(String.join(" ", command) + " did not finish within " + TOOL_TIMEOUT_SECONDS + " s; stderr:\n"
                        + Files.readString(stderr));
            }
            return new Output(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
