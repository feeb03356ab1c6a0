package dev.rtmpserver.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * FFmpeg and ffprobe 8.0.1, unpacked by the build from Bytedeco's jar on Maven Central (see
 * pom.xml): the client that speaks Enhanced RTMP (HEVC, AV1, VP9, Opus, multitrack), which
 * Debian's FFmpeg 5.1 does not.
 */
final class Ffmpeg8 {
    static final Path DIR = Path.of(System.getProperty("rtmp.ffmpeg8",
            "target/ffmpeg8/org/bytedeco/ffmpeg/linux-x86_64-gpl"));
    /** What an FFmpeg 8 player announces in its connect so that the server sends it Enhanced RTMP tags. */
    static final String ENHANCED_CODECS = "hvc1,av01,vp09,avc1,Opus,mp4a";

    private Ffmpeg8() {
    }

    /** {@code tool} ("ffmpeg" or "ffprobe") with its libraries on the path. */
    static ProcessBuilder command(String tool, String... args) throws IOException {
        Path exe = DIR.resolve(tool);
        if (!Files.isRegularFile(exe)) {
            fail(exe + " is missing: run the integration tests through Maven (mvn verify), which unpacks it");
        }
        // A jar keeps no file modes.
        if (!Files.isExecutable(exe)) {
            Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LD_LIBRARY_PATH", DIR.toString());
        return pb;
    }

    static Tools.Run start(String logName, String tool, String... args) throws IOException {
        Files.createDirectories(Tools.LOGS);
        return Tools.start(Tools.LOGS.resolve(logName + ".log"), command(tool, args));
    }

    /** Runs to completion and returns its output; fails the test on a non-zero exit. */
    static String output(String tool, String... args) throws IOException, InterruptedException {
        Files.createDirectories(Tools.LOGS);
        Path log = Files.createTempFile(Tools.LOGS, tool + "8-", ".log");
        Tools.Run run = Tools.start(log, command(tool, args));
        int code = run.await(Duration.ofSeconds(60));
        String out = run.output();
        Files.delete(log);
        if (code != 0) {
            fail(tool + " " + String.join(" ", args) + " exited with " + code + ":\n" + out);
        }
        return out;
    }

    /** {@code codec_name[,width,height]} per stream, in the file's order. */
    static List<String> probeStreams(Path file) throws IOException, InterruptedException {
        String out = output("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of",
                "csv=p=0", file.toString());
        return Arrays.stream(out.strip().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Decodes every stream of the file; what FFmpeg 8 printed at level error (empty means clean). */
    static String decodeErrors(Path file) throws IOException, InterruptedException {
        return output("ffmpeg", "-v", "error", "-nostdin", "-i", file.toString(), "-map", "0", "-f", "null", "-")
                .strip();
    }

    /** The flags of the first video packet ("K__" for a keyframe). */
    static String firstVideoPacketFlags(Path file) throws IOException, InterruptedException {
        String out = output("ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1",
                "-show_entries", "packet=flags", "-of", "csv=p=0", file.toString());
        return out.strip().lines().findFirst().orElse("");
    }
}
