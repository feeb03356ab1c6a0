package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Recordings played back over RTMP: rtmp://host/vod/APP/FILE.flv. */
@Timeout(120)
class VodPlaybackIT {
    private static final double RECORDED_SECONDS = 6;

    @TempDir
    static Path dir;
    private static TestServer server;
    private static String recording;

    @BeforeAll
    static void recordOneStream() throws Exception {
        server = new TestServer(ServerConfig.forTests().withRecording(RecordConfig.all(dir.resolve("records"))));
        Tools.publishTestStream("vod-source", server.url("live", "show"), "320x240", (int) RECORDED_SECONDS, true,
                true).expectSuccess(Duration.ofSeconds(40));
        Await.until(() -> server.server.recordings().orElseThrow().runningCount() == 0,
                "the recording is finished");
        Path file = RecordingIT.flvFiles(dir.resolve("records")).get(0);
        recording = "live/" + file.getFileName();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String vodUrl() {
        return "rtmp://127.0.0.1:" + server.port() + "/vod/" + recording;
    }

    @Test
    void ffmpegPlaysARecordingBackInRealTime() throws Exception {
        Path out = dir.resolve("played.flv");
        long start = System.nanoTime();
        Tools.start("vod-ffmpeg", "ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-y", "-i", vodUrl(),
                "-c", "copy", out.toString()).expectSuccess(Duration.ofSeconds(40));
        double wall = (System.nanoTime() - start) / 1e9;
        double duration = Tools.durationSeconds(out);
        System.out.printf("played back a %.0f s recording: %.2f s of media in %.1f s%n", RECORDED_SECONDS, duration,
                wall);
        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(out));
        assertEquals(RECORDED_SECONDS, duration, 0.7, "the whole recording");
        assertEquals("", Tools.decodeErrors(out));
        assertTrue(wall > RECORDED_SECONDS - 2.5, "paced in real time, not dumped at once: " + wall + " s");
    }

    @Test
    void ffmpegSeeksIntoARecording() throws Exception {
        Path out = dir.resolve("seeked.flv");
        Tools.start("vod-ffmpeg-seek", "ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-y",
                "-ss", "3", "-i", vodUrl(), "-c", "copy", out.toString()).expectSuccess(Duration.ofSeconds(40));
        double duration = Tools.durationSeconds(out);
        System.out.printf("played back from 3 s: %.2f s of media%n", duration);
        // Playback starts at the keyframe at or before 3 s, so up to one GOP (1 s) more.
        assertEquals(RECORDED_SECONDS - 3, duration, 1.5, "the part after the seek point");
        assertEquals("", Tools.decodeErrors(out));
    }

    @Test
    void rtmpdumpPlaysARecordingBack() throws Exception {
        Path out = dir.resolve("rtmpdump.flv");
        Tools.Run run = Tools.start("vod-rtmpdump", "rtmpdump", "-r", vodUrl(), "-o", out.toString());
        int code = run.await(Duration.ofSeconds(40));
        assertTrue(code == 0 || code == 2, "rtmpdump finished: " + run.output());
        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(out));
        assertEquals("", Tools.decodeErrors(out));
    }

    @Test
    void playFromAStartTimeWithPauseSeekAndTheEnd() throws IOException {
        try (RtmpClient client = RtmpClient.connect(server.appUrl("vod"))) {
            int id = client.createStream();
            client.sendCommand(id, new Command("play", 0, null, List.of(recording, 3000.0)));
            client.setReadTimeout(Duration.ofSeconds(20));
            RawMessage first = firstVideoFrame(client);
            assertTrue(VideoTag.parse(first.payload()).keyframe(), "starts at a keyframe");
            assertTrue(first.timestamp() >= 2000 && first.timestamp() <= 3000, "at or just before 3 s: "
                    + first.timestamp());

            client.sendCommand(id, new Command("pause", 0, null, List.of(true, 3000.0)));
            Await.status(client, "NetStream.Pause.Notify");
            client.sendCommand(id, new Command("pause", 0, null, List.of(false, 3000.0)));
            Await.status(client, "NetStream.Unpause.Notify");
            client.sendCommand(id, new Command("seek", 0, null, List.of(5000.0)));
            Await.status(client, "NetStream.Seek.Notify");
            RawMessage afterSeek = firstVideoFrame(client);
            assertTrue(afterSeek.timestamp() >= 4000, "continues from the seek point: " + afterSeek.timestamp());

            boolean stopped = false;
            while (true) {
                RawMessage m = client.read();
                if (MessageCodec.decode(m) instanceof Command c && c.name().equals("onStatus")
                        && c.argument(0) instanceof Map<?, ?> info && "NetStream.Play.Stop".equals(info.get("code"))) {
                    stopped = true;
                }
                if (MessageCodec.decode(m) instanceof UserControl u && u.event() == UserControl.STREAM_EOF) {
                    break;
                }
            }
            assertTrue(stopped, "NetStream.Play.Stop before Stream EOF");
        }
    }

    @Test
    void onlyFilesInsideTheRecordDirAreServed() throws IOException {
        try (RtmpClient client = RtmpClient.connect(server.appUrl("vod"))) {
            for (String name : new String[] {"../../../etc/passwd", "live/../../x", "/etc/hostname", "live/nothing"}) {
                int id = client.createStream();
                RtmpStatusException e = assertThrows(RtmpStatusException.class, () -> client.play(id, name));
                assertEquals("NetStream.Play.StreamNotFound", e.code(), name);
            }
        }
    }

    private static RawMessage firstVideoFrame(RtmpClient client) throws IOException {
        while (true) {
            RawMessage m = client.readMedia();
            if (m.typeId() == MessageType.VIDEO && !VideoTag.parse(m.payload()).sequenceHeader()) {
                return m;
            }
        }
    }

}
