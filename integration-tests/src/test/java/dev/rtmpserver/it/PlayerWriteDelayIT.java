package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.rtmpserver.it.JavaClientRelayIT.AAC_HEADER;
import static dev.rtmpserver.it.JavaClientRelayIT.AVC_HEADER;
import static dev.rtmpserver.it.JavaClientRelayIT.audioFrame;
import static dev.rtmpserver.it.JavaClientRelayIT.videoFrame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With a write delay, players get every frame in order, a held frame goes out alone, and ffmpeg decodes it all. */
@Timeout(60)
class PlayerWriteDelayIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Duration DELAY = Duration.ofMillis(350);
    private TestServer server;
    private final List<RtmpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new TestServer(ServerConfig.forTests().withStreams(StreamPolicy.defaults().withPlayerWriteDelay(DELAY),
                Map.of()));
    }

    @AfterEach
    void stop() throws IOException {
        for (RtmpClient c : clients) {
            c.close();
        }
        server.close();
    }

    private RtmpClient connect() throws IOException {
        RtmpClient c = RtmpClient.connect(server.appUrl("live"));
        clients.add(c);
        return c;
    }

    @Test
    void everyFrameArrivesInOrderAndTheLastOneIsNotHeldForFollowers() throws IOException {
        Session s = publishAndPlay("av");
        RtmpClient publisher = s.publisher();
        int pubId = s.pubId();
        RtmpClient player = s.player();

        List<RawMessage> sent = new ArrayList<>();
        sent.add(new RawMessage(MessageType.VIDEO, pubId, 0, AVC_HEADER));
        sent.add(new RawMessage(MessageType.AUDIO, pubId, 0, AAC_HEADER));
        for (int i = 0; i < 50; i++) {
            sent.add(new RawMessage(MessageType.VIDEO, pubId, i * 40, videoFrame(i % 25 == 0, i)));
            sent.add(new RawMessage(MessageType.AUDIO, pubId, i * 40 + 3, audioFrame(2 * i)));
            sent.add(new RawMessage(MessageType.AUDIO, pubId, i * 40 + 26, audioFrame(2 * i + 1)));
        }
        for (RawMessage m : sent) {
            send(publisher, m);
        }
        for (RawMessage want : sent) {
            assertReads(player, want);
        }
        // Nothing follows this frame: the delay running out is what sends it.
        RawMessage last = new RawMessage(MessageType.AUDIO, pubId, 2003, audioFrame(100));
        send(publisher, last);
        assertReads(player, last);
    }

    @Test
    void ffmpegPlaysTheStreamWithEveryAudioFrameAndDecodesIt(@TempDir Path dir) throws Exception {
        String url = server.url("live", "ffav");
        Tools.Run publisher = Tools.publishTestStream("delay-publish", url, "320x240", 8, true, true);
        Path file = dir.resolve("ffav.flv");
        Tools.Run player = Tools.captureToFile("delay-play", url, file, 4);
        player.expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);

        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file), "the capture decodes without errors");
        String times = Tools.output(LIMIT, "ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
                "packet=pts_time", "-of", "csv=p=0", file.toString());
        double[] pts = times.lines().map(String::strip).filter(t -> !t.isEmpty()).mapToDouble(Double::parseDouble)
                .toArray();
        assertTrue(pts.length > 100, "about 4 s of AAC frames: " + pts.length);
        for (int i = 1; i < pts.length; i++) {
            // One AAC frame is 1024 samples, 23 ms at 44.1 kHz: a longer step is a lost frame.
            assertTrue(pts[i] - pts[i - 1] < 0.030, "audio continues without a gap at " + pts[i - 1] + " s");
        }
    }

    private record Session(RtmpClient publisher, int pubId, RtmpClient player) {
    }

    /** A publisher on {@code name} and a player attached to it. */
    private Session publishAndPlay(String name) throws IOException {
        RtmpClient publisher = connect();
        int pubId = publisher.createStream();
        publisher.publish(pubId, name);
        RtmpClient player = connect();
        player.play(player.createStream(), name);
        Await.attached(server, name, 1);
        return new Session(publisher, pubId, player);
    }

    private static void send(RtmpClient publisher, RawMessage m) throws IOException {
        if (m.typeId() == MessageType.VIDEO) {
            publisher.sendVideo(m.streamId(), m.timestamp(), m.payload());
        } else {
            publisher.sendAudio(m.streamId(), m.timestamp(), m.payload());
        }
    }

    private static void assertReads(RtmpClient player, RawMessage want) throws IOException {
        RawMessage got = player.readMedia();
        assertEquals(want.typeId(), got.typeId(), "message type at " + want.timestamp());
        assertEquals(want.timestamp(), got.timestamp());
        assertArrayEquals(want.payload(), got.payload());
    }
}
