package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.record.Recordings;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.wire.flv.FlvReader;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.Metadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Recording live streams to FLV: complete, valid, crash-safe, split, and never outside the record dir. */
@Timeout(120)
class RecordingIT {
    @TempDir
    Path dir;

    private ServerConfig recordingTo(Path recordDir, Duration segment) {
        return ServerConfig.forTests().withRecording(new RecordConfig(recordDir, Map.of(), segment, 0,
                RecordConfig.DEFAULT_QUEUE_BYTES));
    }

    static List<Path> flvFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".flv")).sorted().toList();
        }
    }

    private static void awaitRecordingsDone(TestServer server) {
        Recordings r = server.server.recordings().orElseThrow();
        Await.until(() -> r.runningCount() == 0, "every recording is finished");
    }

    @Test
    void publishIsRecordedCompleteAndDecodable() throws Exception {
        Path records = dir.resolve("records");
        try (TestServer server = new TestServer(recordingTo(records, Duration.ZERO))) {
            Tools.publishTestStream("rec-publish", server.url("live", "cam1"), "320x240", 6, true, true)
                    .expectSuccess(Duration.ofSeconds(40));
            awaitRecordingsDone(server);
        }
        List<Path> files = flvFiles(records);
        assertEquals(1, files.size(), "one file per publish: " + files);
        Path file = files.get(0);
        assertTrue(file.getFileName().toString().matches("cam1-\\d{8}-\\d{6}\\.flv"), file.toString());
        assertEquals(records.resolve("live"), file.getParent());
        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
        double duration = Tools.durationSeconds(file);
        System.out.printf("recorded 6 s publish: ffprobe says %.2f s%n", duration);
        assertEquals(6.0, duration, 0.5, "duration matches what was published");
        assertEquals("", Tools.decodeErrors(file));

        try (FileChannel ch = FileChannel.open(file)) {
            FlvReader reader = FlvReader.open(ch);
            FlvTag first = reader.next();
            assertEquals(FlvTag.SCRIPT, first.type(), "onMetaData comes first");
            Map<String, Object> meta = Metadata.decodeOnMetaData(first.payload());
            assertEquals(6.0, (Double) meta.get("duration"), 0.5, "final duration rewritten in place");
            assertEquals((double) Files.size(file), (Double) meta.get("filesize"), 1024, "final file size");
            assertEquals(320.0, meta.get("width"));
            assertEquals(240.0, meta.get("height"));
            FlvTag second = reader.next();
            assertEquals(0, second.timestamp(), "timestamps start at 0");
        }
    }

    @Test
    void hostileStreamNamesStayInsideTheRecordDir() throws Exception {
        Path records = dir.resolve("records");
        // Names that could leave the directory are refused at publish; the rest must still stay in it.
        String[] refused = {"../../escape", "a\0b", "x".repeat(300), "..", "dir/../../up"};
        String[] names = {"/abs/olute", "c:\\win", "x".repeat(256), ".hidden", "a/b/c", "..."};
        try (TestServer server = new TestServer(recordingTo(records, Duration.ZERO))) {
            for (String name : refused) {
                try (RtmpClient c = RtmpClient.connect(server.appUrl("live"))) {
                    RtmpStatusException e = assertThrows(RtmpStatusException.class, () -> c.publish(c.createStream(),
                            name));
                    assertEquals("NetStream.Publish.BadName", e.code(), name);
                }
            }
            for (String name : names) {
                try (RtmpClient c = RtmpClient.connect(server.appUrl("live"))) {
                    int id = c.createStream();
                    c.publish(id, name);
                    c.sendVideo(id, 0, JavaClientRelayIT.AVC_HEADER);
                    c.sendVideo(id, 0, JavaClientRelayIT.videoFrame(true, 0));
                    c.sendVideo(id, 40, JavaClientRelayIT.videoFrame(false, 1));
                    c.deleteStream(id);
                    c.call("getStreamLength", null, name);
                }
            }
            Await.until(() -> server.server.recordings().orElseThrow().runningCount() == 0, "recordings finished");
        }
        List<Path> files = flvFiles(dir);
        assertEquals(names.length, files.size(), "one file per publish, all found: " + files);
        for (Path f : files) {
            assertTrue(f.toRealPath().startsWith(records.toRealPath().resolve("live")), "inside: " + f);
            assertTrue(f.getFileName().toString().length() < 130, "name is bounded: " + f);
        }
        assertFalse(Files.exists(dir.resolve("escape")));
    }

    @Test
    void splitRecordingsDecodeAndAddUpToTheWhole() throws Exception {
        Path records = dir.resolve("records");
        try (TestServer server = new TestServer(recordingTo(records, Duration.ofSeconds(2)))) {
            Tools.publishTestStream("split-publish", server.url("live", "parts"), "320x240", 7, true, true)
                    .expectSuccess(Duration.ofSeconds(40));
            awaitRecordingsDone(server);
        }
        List<Path> parts = flvFiles(records);
        assertTrue(parts.size() >= 3, "a 7 s publish in 2 s parts: " + parts);
        double total = 0;
        for (Path part : parts) {
            assertEquals("", Tools.decodeErrors(part), part + " decodes");
            total += Tools.durationSeconds(part);
        }
        System.out.printf("7 s publish split into %d parts totalling %.2f s%n", parts.size(), total);
        assertEquals(7.0, total, 1.0, "the parts add up to the whole");
    }

    @Test
    void killedServerLeavesAReadableFileAndSigtermFinalizesIt() throws Exception {
        for (boolean kill : new boolean[] {true, false}) {
            Path records = dir.resolve(kill ? "killed" : "terminated");
            ServerProcess server = ServerProcess.start(records, dir.resolve(kill ? "kill.log" : "term.log"));
            Tools.Run publisher = Tools.publishTestStream(kill ? "kill-publish" : "term-publish",
                    "rtmp://127.0.0.1:" + server.port + "/live/crash", "320x240", 60, true, true);
            try {
                Await.until(() -> fileLongerThan(records, 4.0), "about 4 s recorded");
                long signalled = System.nanoTime();
                if (kill) {
                    server.run.kill();
                } else {
                    assertTrue(server.run.stop(Duration.ofSeconds(15)), "exits on SIGTERM; log:\n"
                            + server.run.output());
                }
                long exitMillis = Duration.ofNanos(System.nanoTime() - signalled).toMillis();
                if (!kill) {
                    System.out.printf("SIGTERM to exit: %d ms%n", exitMillis);
                    // The default shutdown grace is 5 s; the JVM's own exit adds a little.
                    assertTrue(exitMillis < 8000, "exits within the shutdown grace period: " + exitMillis + " ms");
                }
            } finally {
                publisher.kill();
                server.run.kill();
            }
            Path file = flvFiles(records).get(0);
            double duration = Tools.durationSeconds(file);
            System.out.printf("%s server: recording readable, %.2f s%n", kill ? "kill -9'd" : "SIGTERM'd", duration);
            assertTrue(duration >= 3.0, "the file plays up to near the end: " + duration);
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
            if (!kill) {
                assertEquals("", Tools.decodeErrors(file), "a finalized file decodes cleanly");
                try (FileChannel ch = FileChannel.open(file)) {
                    Map<String, Object> meta = Metadata.decodeOnMetaData(FlvReader.open(ch).next().payload());
                    assertEquals((double) Files.size(file), (Double) meta.get("filesize"), 1024,
                            "SIGTERM rewrote the final size");
                }
            }
        }
    }

    @Test
    void fullDiskStopsTheRecordingWhileTheLiveStreamGoesOn() throws Exception {
        Path tiny = Files.createDirectories(dir.resolve("tiny"));
        Tools.Finished mount = Tools.run(Duration.ofSeconds(30), "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                tiny.toString());
        assumeTrue(mount.exitCode() == 0, "needs root to mount a 1 MiB tmpfs: " + mount.output());
        try (TestServer server = new TestServer(recordingTo(tiny, Duration.ZERO))) {
            String url = server.url("live", "big");
            Tools.Run publisher = Tools.publishNoisyStream("full-publish", url, 6);
            Path played = dir.resolve("played.flv");
            Tools.captureToFile("full-play", url, played, 4).expectSuccess(Duration.ofSeconds(40));
            publisher.expectSuccess(Duration.ofSeconds(40));
            assertEquals(1, server.server.recordings().orElseThrow().failures(), "the recording failed");
            assertTrue(Tools.durationSeconds(played) >= 3.5, "the live player got everything");
            assertEquals("", Tools.decodeErrors(played));
            Path partial = flvFiles(tiny).get(0);
            assertTrue(Tools.probeStreams(partial).contains("h264,video,640,360"), "what fitted is readable");
        } finally {
            Tools.run(Duration.ofSeconds(30), "umount", tiny.toString());
        }
    }

    private static boolean fileLongerThan(Path records, double seconds) {
        try {
            List<Path> files = Files.exists(records) ? flvFiles(records) : List.of();
            return !files.isEmpty() && Files.size(files.get(0)) > 0 && Tools.durationSeconds(files.get(0)) > seconds;
        } catch (Exception | AssertionError e) {
            return false;
        }
    }

    /** The packaged server in a process of its own, so it can be killed. */
    record ServerProcess(Tools.Run run, int port) {
        private static final Pattern LISTENING = Pattern.compile("RTMP listening on [0-9.]+:(\\d+)");

        static ServerProcess start(Path records, Path log) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Path jar = Path.of(System.getProperty("rtmp.projectDir", "."), "target", "rtmp-server.jar");
            Tools.Run run = Tools.start(log, new ProcessBuilder(java, "-jar", jar.toString(), "--bind", "127.0.0.1",
                    "--port", "0", "--http-port", "off", "--record-dir", records.toString()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) {
                    return new ServerProcess(run, Integer.parseInt(m.group(1)));
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            run.kill();
            throw new AssertionError("server did not start:\n" + Files.readString(log));
        }
    }
}
