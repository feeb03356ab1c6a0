package dev.rtmpserver.it;

import dev.rtmpserver.net.TlsConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the real clients (ffmpeg, ffprobe, ...) with their output kept in files for diagnosis. */
final class Tools {
    static final Path LOGS = Path.of("target", "it-logs");

    private Tools() {
    }

    /**
     * A started external program whose combined output goes to {@code log}: a file rather than a
     * pipe, so a program that never exits, or leaves children holding its output open, cannot block
     * the test reading it.
     */
    record Run(Process process, Path log, String command) {
        /**
         * Waits for exit and returns the exit code. After {@code limit}, or when the wait is
         * interrupted (a JUnit timeout), kills it with its descendants; after {@code limit} the test
         * fails with the log.
         */
        int await(Duration limit) throws InterruptedException {
            boolean exited;
            try {
                exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill();
                throw e;
            }
            if (!exited) {
                kill();
                fail(command + " did not finish within " + limit + "; log " + log + ":\n" + output());
            }
            return process.exitValue();
        }

        void expectSuccess(Duration limit) throws InterruptedException {
            int code = await(limit);
            if (code != 0) {
                fail(command + " exited with " + code + "; log " + log + ":\n" + output());
            }
        }

        /** SIGTERM, then {@link #kill} if it has not exited within {@code grace}; true if it exited by itself. */
        boolean stop(Duration grace) throws InterruptedException {
            process.destroy();
            try {
                if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                kill();
                throw e;
            }
            kill();
            return false;
        }

        /**
         * SIGKILL to the program and everything it started (a script's clients, a browser's
         * renderers), which would otherwise outlive the test; waits a while for it to go.
         */
        void kill() {
            // Listed first: once the program is gone its children belong to init, not to it.
            List<ProcessHandle> descendants = process.descendants().toList();
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    /** A program run to its end: exit code and combined output. */
    record Finished(int exitCode, String output) {
    }

    static Run start(String logName, String... command) throws IOException {
        Files.createDirectories(LOGS);
        return start(LOGS.resolve(logName + ".log"), new ProcessBuilder(command));
    }

    /** Starts {@code pb} with its combined output going to {@code log}. */
    static Run start(Path log, ProcessBuilder pb) throws IOException {
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SDL_AUDIODRIVER", "dummy");
        return new Run(pb.start(), log, String.join(" ", pb.command()));
    }

    /**
     * Runs to completion, or fails after {@code limit}; its log is deleted once read, as some are
     * run many times (ffprobe while polling a recording's length).
     */
    static Finished run(Duration limit, String... command) throws IOException, InterruptedException {
        Files.createDirectories(LOGS);
        Path log = Files.createTempFile(LOGS, Path.of(command[0]).getFileName() + "-", ".log");
        Run run = start(log, new ProcessBuilder(command));
        int code = run.await(limit);
        String text = run.output();
        Files.delete(log);
        return new Finished(code, text);
    }

    /** Runs to completion and returns its output; fails the test on a non-zero exit or after {@code limit}. */
    static String output(Duration limit, String... command) throws IOException, InterruptedException {
        Finished finished = run(limit, command);
        if (finished.exitCode() != 0) {
            fail(String.join(" ", command) + " exited with " + finished.exitCode() + ":\n" + finished.output());
        }
        return finished.output();
    }

    /**
     * ffmpeg publishing a synthetic 25 fps test picture and a sine tone with one keyframe a second,
     * paced in real time, for {@code seconds}.
     */
    static Run publishTestStream(String logName, String url, String size, int seconds, boolean audio, boolean video)
            throws IOException {
        return publishTestStream(logName, url, size, seconds, audio, video, 25);
    }

    /** As above, with a keyframe every {@code gopFrames} frames (25 frames = 1 s). */
    static Run publishTestStream(String logName, String url, String size, int seconds, boolean audio, boolean video,
                                 int gopFrames) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin",
                "-re"));
        if (video) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=25"));
        }
        if (audio) {
            cmd.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"));
        }
        cmd.addAll(List.of("-t", String.valueOf(seconds)));
        if (video) {
            cmd.addAll(List.of("-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g",
                    String.valueOf(gopFrames), "-keyint_min", String.valueOf(gopFrames), "-sc_threshold", "0",
                    "-pix_fmt", "yuv420p"));
        }
        if (audio) {
            cmd.addAll(List.of("-c:a", "aac", "-b:a", "64k"));
        }
        cmd.addAll(List.of("-f", "flv", url));
        return start(logName, cmd.toArray(String[]::new));
    }

    /**
     * ffmpeg publishing a 640x360 picture overlaid with noise, which x264 cannot compress: about
     * 20 Mbit/s, enough to fill a stalled player's socket and queue within a second.
     */
    static Run publishNoisyStream(String logName, String url, int seconds) throws IOException {
        return start(logName, "ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(seconds), "-vf", "noise=alls=30:allf=t",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "25", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", url);
    }

    /** ffmpeg playing {@code url} into an FLV file, copying the streams, for {@code seconds}. */
    static Run captureToFile(String logName, String url, Path file, int seconds) throws IOException {
        return start(logName, "ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-y",
                "-i", url, "-t", String.valueOf(seconds), "-c", "copy", "-f", "flv", file.toString());
    }

    /** {@code codec_name,codec_type[,width,height]} per stream (ffprobe's order), sorted. */
    static List<String> probeStreams(Path file) throws IOException, InterruptedException {
        String out = output(Duration.ofSeconds(30), "ffprobe", "-v", "error", "-show_entries",
                "stream=codec_type,codec_name,width,height", "-of", "csv=p=0", file.toString());
        return Arrays.stream(out.strip().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).sorted().toList();
    }

    /** Decodes the whole file; returns what ffmpeg printed at level error (empty means clean). */
    static String decodeErrors(Path file) throws IOException, InterruptedException {
        return output(Duration.ofSeconds(60), "ffmpeg", "-v", "error", "-nostdin", "-i", file.toString(),
                "-f", "null", "-").strip();
    }

    /** A self-signed certificate for localhost and its unencrypted key, as PEM files in {@code dir}, made with openssl. */
    static TlsConfig selfSignedPem(Path dir) throws IOException, InterruptedException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        output(Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost");
        return new TlsConfig(0, cert, key, new char[0]);
    }

    /** Seconds of media in the file, as ffprobe measures it. */
    static double durationSeconds(Path file) throws IOException, InterruptedException {
        String out = output(Duration.ofSeconds(30), "ffprobe", "-v", "error", "-show_entries", "format=duration",
                "-of", "csv=p=0", file.toString()).strip();
        return Double.parseDouble(out);
    }
}
