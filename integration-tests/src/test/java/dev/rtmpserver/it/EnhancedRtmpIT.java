package dev.rtmpserver.it;

import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enhanced RTMP with its reference client, FFmpeg 8: every codec it publishes goes through live
 * relay (a late joiner starting from the GOP cache), recording and playback of the recording;
 * multitrack keeps every track; a player that did not announce Enhanced RTMP is refused codecs it
 * cannot parse, with a reason, instead of being sent them.
 */
@Timeout(180)
class EnhancedRtmpIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int PUBLISH_SECONDS = 7;

    @TempDir
    static Path dir;
    private static TestServer server;

    /** A codec pair FFmpeg 8 publishes, with what ffprobe 8 reports of it. */
    record Codecs(String name, List<String> encode, List<String> streams) {
    }

    static Stream<Arguments> codecs() {
        List<String> aac = List.of("-c:a", "aac", "-b:a", "64k");
        List<String> opus = List.of("-c:a", "libopus", "-b:a", "64k");
        List<String> hevc = List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error");
        List<String> av1 = List.of("-c:v", "libsvtav1", "-preset", "12", "-svtav1-params", "lp=2");
        List<String> vp9 = List.of("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8");
        List<String> h264 = List.of("-c:v", "libx264", "-preset", "ultrafast");
        return Stream.of(
                codecs("hevc-aac", hevc, aac, "hevc,320,240", "aac"),
                codecs("av1-aac", av1, aac, "av1,320,240", "aac"),
                codecs("vp9-aac", vp9, aac, "vp9,320,240", "aac"),
                codecs("h264-opus", h264, opus, "h264,320,240", "opus"),
                codecs("hevc-opus", hevc, opus, "hevc,320,240", "opus"));
    }

    private static Arguments codecs(String name, List<String> video, List<String> audio, String... streams) {
        List<String> encode = new ArrayList<>(video);
        encode.addAll(audio);
        return Arguments.of(Named.of(name, new Codecs(name, encode, List.of(streams))));
    }

    @BeforeAll
    static void start() throws IOException {
        server = new TestServer(ServerConfig.forTests().withRecording(RecordConfig.all(dir.resolve("records"))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** FFmpeg 8 publishing 320x240 25 fps with a keyframe a second and a 48 kHz tone, for {@code seconds}. */
    private static Tools.Run publish(String name, List<String> encode, int seconds) throws IOException {
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds), "-pix_fmt", "yuv420p",
                "-g", "25"));
        args.addAll(encode);
        args.addAll(List.of("-f", "flv", server.url("live", name)));
        return Ffmpeg8.start(name + "-publish", "ffmpeg", args.toArray(String[]::new));
    }

    /** An FFmpeg 8 player copying {@code seconds} of {@code url} into an FLV file. */
    private static Tools.Run capture(String logName, String url, Path file, int seconds, boolean announce)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-loglevel", "warning", "-nostdin"));
        if (announce) {
            args.addAll(List.of("-rtmp_enhanced_codecs", Ffmpeg8.ENHANCED_CODECS));
        }
        args.addAll(List.of("-i", url, "-map", "0", "-c", "copy"));
        if (seconds > 0) {
            args.addAll(List.of("-t", String.valueOf(seconds)));
        }
        args.addAll(List.of("-y", "-f", "flv", file.toString()));
        return Ffmpeg8.start(logName, "ffmpeg", args.toArray(String[]::new));
    }

    private static Path recordingOf(String name) throws IOException {
        Await.until(() -> server.server.recordings().orElseThrow().runningCount() == 0, "the recording is finished");
        List<Path> files = RecordingIT.flvFiles(dir.resolve("records")).stream()
                .filter(p -> p.getFileName().toString().startsWith(name + "-")).toList();
        assertEquals(1, files.size(), "one recording of " + name + ": " + files);
        return files.get(0);
    }

    private static List<String> sorted(List<String> streams) {
        return streams.stream().sorted().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void relayedToALateJoinerRecordedAndPlayedBack(Codecs c) throws Exception {
        Tools.Run publisher = publish(c.name(), c.encode(), PUBLISH_SECONDS);
        server.awaitPublishedAWhile("live", c.name());
        Path live = dir.resolve(c.name() + "-live.flv");
        capture(c.name() + "-play", server.url("live", c.name()), live, 2, true).expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);

        assertEquals(c.streams(), Ffmpeg8.probeStreams(live), "the live capture");
        assertEquals("K__", Ffmpeg8.firstVideoPacketFlags(live), "a late joiner starts at the cached keyframe");
        assertEquals("", Ffmpeg8.decodeErrors(live), "the live capture decodes cleanly");

        Path recording = recordingOf(c.name());
        assertEquals(c.streams(), Ffmpeg8.probeStreams(recording), "the recording");
        assertEquals("", Ffmpeg8.decodeErrors(recording), "the recording decodes cleanly");

        Path vod = dir.resolve(c.name() + "-vod.flv");
        String vodUrl = "rtmp://127.0.0.1:" + server.port() + "/vod/live/" + recording.getFileName();
        capture(c.name() + "-vod", vodUrl, vod, 0, true).expectSuccess(LIMIT);
        assertEquals(c.streams(), Ffmpeg8.probeStreams(vod), "the recording played back");
        assertEquals("", Ffmpeg8.decodeErrors(vod), "the recording played back decodes cleanly");
        assertTrue(Tools.durationSeconds(vod) > PUBLISH_SECONDS - 1.5, "the whole recording");
    }

    @Test
    void multitrackKeepsEveryTrackLiveInTheRecordingAndInPlayback() throws Exception {
        String name = "multitrack";
        // Two video tracks of two codecs and sizes and two audio tracks, as OBS's multitrack sends an ABR ladder.
        Tools.Run publisher = Ffmpeg8.start(name + "-publish", "ffmpeg", "-hide_banner", "-loglevel", "warning",
                "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
                "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=44100", "-t", String.valueOf(PUBLISH_SECONDS),
                "-map", "0:v", "-map", "1:v", "-map", "2:a", "-map", "3:a", "-pix_fmt", "yuv420p", "-g", "25",
                "-c:v:0", "libx264", "-preset", "ultrafast", "-c:v:1", "libx265", "-x265-params", "log-level=error",
                "-c:a", "aac", "-f", "flv", server.url("live", name));
        server.awaitPublishedAWhile("live", name);
        Path live = dir.resolve(name + "-live.flv");
        capture(name + "-play", server.url("live", name), live, 2, true).expectSuccess(LIMIT);
        // A player that did not announce Enhanced RTMP (Debian's FFmpeg 5.1) gets the main tracks only.
        Path legacy = dir.resolve(name + "-legacy.flv");
        Tools.captureToFile(name + "-legacy-play", server.url("live", name), legacy, 2).expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);

        List<String> all = List.of("aac", "aac", "h264,320,240", "hevc,160,120");
        assertEquals(all, sorted(Ffmpeg8.probeStreams(live)), "every track, each with its size");
        assertEquals("", Ffmpeg8.decodeErrors(live));
        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(legacy));
        assertEquals("", Tools.decodeErrors(legacy));

        Path recording = recordingOf(name);
        assertEquals(all, sorted(Ffmpeg8.probeStreams(recording)), "the recording keeps every track");
        assertEquals("", Ffmpeg8.decodeErrors(recording));

        Path vod = dir.resolve(name + "-vod.flv");
        capture(name + "-vod", "rtmp://127.0.0.1:" + server.port() + "/vod/live/" + recording.getFileName(), vod, 0,
                true).expectSuccess(LIMIT);
        assertEquals(all, sorted(Ffmpeg8.probeStreams(vod)), "playback of the recording keeps every track");
        assertEquals("", Ffmpeg8.decodeErrors(vod));
    }

    @Test
    void aPlayerThatDidNotAnnounceEnhancedRtmpIsRefusedHevcWithAReason() throws Exception {
        String name = "hevc-legacy";
        Tools.Run publisher = publish(name, List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
                "log-level=error", "-c:a", "aac"), 5);
        server.awaitPublishedAWhile("live", name);
        // FFmpeg 8 can parse HEVC, but without -rtmp_enhanced_codecs its connect does not say so.
        Path out8 = dir.resolve(name + "-8.flv");
        Tools.Run unannounced = capture(name + "-play8", server.url("live", name), out8, 2, false);
        Tools.Run debian = Tools.start(name + "-play51", "ffmpeg", "-hide_banner", "-loglevel", "warning",
                "-nostdin", "-i", server.url("live", name), "-t", "2", "-c", "copy", "-y", "-f", "flv",
                dir.resolve(name + "-51.flv").toString());
        for (Tools.Run player : List.of(unannounced, debian)) {
            assertNotEquals(0, player.await(LIMIT), player.output());
            assertTrue(player.output().contains("codec not supported by this client: H.265"), player.output());
        }
        publisher.expectSuccess(LIMIT);
        assertTrue(unannounced.output().contains("-rtmp_enhanced_codecs hvc1"), "the refusal says how to announce it");
    }
}
