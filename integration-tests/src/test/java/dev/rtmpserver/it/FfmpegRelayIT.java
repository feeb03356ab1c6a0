package dev.rtmpserver.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real ffmpeg publishing and playing through the in-process server. */
@Timeout(120)
class FfmpegRelayIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws IOException {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void ffmpegPublishedH264AndAacPlaysBackDecodable() throws Exception {
        String url = server.url("live", "ff1");
        Tools.Run publisher = Tools.publishTestStream("ff1-publish", url, "640x360", 8, true, true);
        Path file = dir.resolve("ff1.flv");
        Tools.Run player = Tools.captureToFile("ff1-play", url, file, 4);
        player.expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);

        assertEquals(List.of("aac,audio", "h264,video,640,360"), Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file), "the recording decodes without errors");
        assertTrue(Tools.durationSeconds(file) >= 3, "about 4 s captured");
    }

    @Test
    void tenConcurrentPlayersAllDecode() throws Exception {
        String url = server.url("live", "ten");
        Tools.Run publisher = Tools.publishTestStream("ten-publish", url, "320x240", 9, true, true);
        List<Tools.Run> players = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            players.add(Tools.captureToFile("ten-play-" + i, url, dir.resolve("ten-" + i + ".flv"), 4));
        }
        for (Tools.Run p : players) {
            p.expectSuccess(LIMIT);
        }
        publisher.expectSuccess(LIMIT);
        for (int i = 0; i < 10; i++) {
            Path file = dir.resolve("ten-" + i + ".flv");
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file), "player " + i);
            assertEquals("", Tools.decodeErrors(file), "player " + i + " decodes cleanly");
        }
    }

    @Test
    void threeConcurrentStreamsOfDifferentSizesKeepTheirOwnPictures() throws Exception {
        String[] sizes = {"320x240", "640x360", "480x270"};
        List<Tools.Run> publishers = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            publishers.add(Tools.publishTestStream("three-publish-" + i, server.url("live", "size" + i),
                    sizes[i], 8, true, true));
        }
        List<Tools.Run> players = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            players.add(Tools.captureToFile("three-play-" + i, server.url("live", "size" + i),
                    dir.resolve("size" + i + ".flv"), 3));
        }
        for (Tools.Run p : players) {
            p.expectSuccess(LIMIT);
        }
        for (Tools.Run p : publishers) {
            p.expectSuccess(LIMIT);
        }
        for (int i = 0; i < sizes.length; i++) {
            Path file = dir.resolve("size" + i + ".flv");
            assertEquals(List.of("aac,audio", "h264,video," + sizes[i].replace('x', ',')),
                    Tools.probeStreams(file), "stream " + i);
            assertEquals("", Tools.decodeErrors(file));
        }
    }

    @Test
    void audioOnlyStreamRelays() throws Exception {
        String url = server.url("live", "audio-only");
        Tools.Run publisher = Tools.publishTestStream("audio-only-publish", url, "", 6, true, false);
        Path file = dir.resolve("audio.flv");
        Tools.captureToFile("audio-only-play", url, file, 3).expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);
        assertEquals(List.of("aac,audio"), Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file));
    }

    @Test
    void videoOnlyStreamRelays() throws Exception {
        String url = server.url("live", "video-only");
        Tools.Run publisher = Tools.publishTestStream("video-only-publish", url, "320x240", 6, false, true);
        Path file = dir.resolve("video.flv");
        Tools.captureToFile("video-only-play", url, file, 3).expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);
        assertEquals(List.of("h264,video,320,240"), Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file));
    }

    @Test
    void playerEndsWhenThePublisherStops() throws Exception {
        String url = server.url("live", "ending");
        Tools.Run publisher = Tools.publishTestStream("ending-publish", url, "320x240", 4, true, true);
        Path file = dir.resolve("ending.flv");
        // Asks for far more than will ever be published: only the end of the stream stops it.
        Tools.Run player = Tools.captureToFile("ending-play", url, file, 600);
        publisher.expectSuccess(LIMIT);
        player.expectSuccess(Duration.ofSeconds(20));
        assertTrue(Tools.durationSeconds(file) > 1, "the player got media before the end");
    }
}
