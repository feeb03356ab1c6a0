package dev.rtmpserver.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release tarball as a user gets it: unpacked, started through {@code bin/rtmp-server} with no
 * JAVA_HOME, it runs on its own bundled runtime, relays ffmpeg to a player, serves the API and
 * records.
 */
@Timeout(120)
class PackagedBinaryIT {
    private static final Pattern LISTENING = Pattern.compile("RTMP listening on [0-9.]+:(\\d+)");

    @TempDir
    Path dir;

    /** The release tarball that {@code mvn package} built. */
    static Path tarball() throws IOException {
        Path target = Path.of(System.getProperty("rtmp.projectDir", "."), "target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("rtmp-server-.*-linux-x64\\.tar\\.gz"))
                    .findFirst().orElseThrow(() -> new AssertionError("no release tarball in " + target
                            + "; mvn package builds it"));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theUnpackedTarballRunsWithoutASystemJava() throws Exception {
        Tools.output(Duration.ofSeconds(60), "tar", "xzf", tarball().toString(), "-C", dir.toString());
        Path home = dir.resolve("rtmp-server");
        Path records = dir.resolve("records");
        int httpPort = freePort();
        Path log = dir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/rtmp-server").toString(), "--port", "0",
                "--bind", "127.0.0.1", "--http-port", String.valueOf(httpPort), "--record-dir", records.toString());
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        env.remove("JAVA_OPTS");
        env.put("PATH", "/usr/bin:/bin");
        Tools.Run run = Tools.start(log, pb);
        Process server = run.process();
        try {
            int port = Await.value(() -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                return m.find() ? Integer.parseInt(m.group(1)) : null;
            }, "the packaged server to listen; log: " + log);
            Path exe = Files.readSymbolicLink(Path.of("/proc", String.valueOf(server.pid()), "exe"));
            assertTrue(exe.startsWith(home), "runs on the bundled runtime, not " + exe);
            Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)")
                    .matcher(Files.readString(home.resolve("release")));
            assertTrue(version.find(), "the runtime's release file names its version");
            List<String> jvmArgs = List.of(Files.readString(Path.of("/proc", String.valueOf(server.pid()), "cmdline"))
                    .split("\0"));
            assertEquals(Integer.parseInt(version.group(1)) >= 22, jvmArgs.contains("-XX:TrimNativeHeapInterval=2000"),
                    "malloc's free memory is handed back where the runtime can: " + jvmArgs);

            String url = "rtmp://127.0.0.1:" + port + "/live/packaged";
            Tools.Run publisher = Tools.publishTestStream("packaged-publish", url, "320x240", 6, true, true);
            Path captured = dir.resolve("played.flv");
            Await.value(() -> Files.readString(log).contains("publishing live/packaged") ? true : null, "the publish");
            Tools.Run player = Tools.captureToFile("packaged-play", url, captured, 3);

            HttpResponse<String> streams = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/api/streams")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, streams.statusCode());
            assertTrue(streams.body().contains("\"name\":\"packaged\""), streams.body());

            player.expectSuccess(Duration.ofSeconds(30));
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(captured));
            assertEquals("", Tools.decodeErrors(captured));
            publisher.expectSuccess(Duration.ofSeconds(30));

            Path recording = Await.value(() -> {
                Path app = records.resolve("live");
                // The recording is finalized once the unpublish grace has passed.
                if (!Files.isDirectory(app) || !Files.readString(log).contains("live/packaged: recorded ")) {
                    return null;
                }
                try (Stream<Path> files = Files.list(app)) {
                    return files.filter(p -> p.toString().endsWith(".flv")).findFirst().orElse(null);
                }
            }, "the recording");
            double seconds = Tools.durationSeconds(recording);
            assertTrue(seconds > 5, "recorded " + seconds + " s of a 6 s publish");
        } finally {
            assertTrue(run.stop(Duration.ofSeconds(15)), "exits on SIGTERM; log:\n" + run.output());
        }
        assertEquals(0, run.process().exitValue(), "a requested stop is a clean exit, status 0");
        String output = Files.readString(log);
        assertTrue(output.contains("] shutting down"), "logs its shutdown:\n" + output);
        assertTrue(output.strip().endsWith("] stopped"), "and has logged everything when it says it stopped:\n"
                + output);
    }
}
