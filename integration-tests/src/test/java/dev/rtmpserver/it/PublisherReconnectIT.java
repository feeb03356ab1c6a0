package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishers that die, come back, go silent or stop: what their players see. */
@Timeout(120)
class PublisherReconnectIT {
    @TempDir
    Path dir;

    private static ServerConfig policy(Duration grace, Duration staleAfter) {
        StreamPolicy d = StreamPolicy.defaults();
        return ServerConfig.forTests().withStreams(new StreamPolicy(d.gopCache(), d.gopCacheBytes(),
                d.gopCacheLength(), grace, d.unpublishGrace(), staleAfter, d.playerWriteDelay()), Map.of());
    }

    @Test
    void playerStaysThroughAPublisherKilledAndRepublishedWithinTheGracePeriod() throws Exception {
        try (TestServer server = new TestServer(policy(Duration.ofSeconds(5), Duration.ofSeconds(10)));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            String url = server.url("live", "phoenix");
            Tools.Run first = Tools.publishTestStream("phoenix-1", url, "320x240", 30, true, true);
            player.play(player.createStream(), "phoenix");
            Watch watch = new Watch(player);
            watch.untilVideoTime(1500);
            first.kill();

            Tools.Run second = Tools.publishTestStream("phoenix-2", url, "320x240", 30, true, true);
            try {
                int headersBefore = watch.sequenceHeaders;
                int boundary = watch.lastVideoTimestamp;
                watch.untilVideoTime(boundary - watch.firstVideoTimestamp + 2000);
                assertTrue(watch.sequenceHeaders > headersBefore, "the new publisher's sequence header arrived");
                assertFalse(watch.unpublishNotified, "the player was never told the stream ended");
                assertFalse(watch.timestampWentBack, "video timestamps never went backwards");
            } finally {
                second.process().destroy();
                second.await(Duration.ofSeconds(20));
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the publisher is closed early, as a connection that dies mid-stream
    void playerIsToldAfterTheGracePeriodIfNobodyRepublishes() throws IOException {
        Duration grace = Duration.ofMillis(1500);
        try (TestServer server = new TestServer(policy(grace, Duration.ofSeconds(10)));
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            int pubId = publisher.createStream();
            publisher.publish(pubId, "gone");
            player.play(player.createStream(), "gone");
            Await.attached(server, "gone", 1);
            publisher.sendVideo(pubId, 0, JavaClientRelayIT.videoFrame(true, 0));
            publisher.call("getStreamLength", null, "gone");
            long lost = System.nanoTime();
            publisher.close();

            Watch watch = new Watch(player);
            watch.untilUnpublishNotify();
            long waited = Duration.ofNanos(System.nanoTime() - lost).toMillis();
            System.out.printf("players told %d ms after the publisher's connection died (grace %d ms)%n", waited,
                    grace.toMillis());
            assertTrue(waited >= grace.toMillis() / 2, "not told before the grace period: " + waited + " ms");
            assertTrue(watch.streamEof, "Stream EOF follows");
        }
    }

    @Test
    void cleanUnpublishEndsAnFfmpegPlayerPromptlyAndTheKeyCanBePublishedAgain() throws Exception {
        try (TestServer server = new TestServer()) {
            String url = server.url("live", "again");
            Tools.Run publisher = Tools.publishTestStream("again-publish-1", url, "320x240", 4, true, true);
            Tools.Run player = Tools.captureToFile("again-play-1", url, dir.resolve("1.flv"), 600);
            publisher.expectSuccess(Duration.ofSeconds(30));
            long ended = System.nanoTime();
            player.expectSuccess(Duration.ofSeconds(20));
            long promptness = Duration.ofNanos(System.nanoTime() - ended).toMillis();
            System.out.printf("ffmpeg player exited %d ms after the publisher unpublished%n", promptness);
            assertTrue(promptness < 5000, "the player ended promptly: " + promptness + " ms");

            Tools.Run again = Tools.publishTestStream("again-publish-2", url, "320x240", 5, true, true);
            Path file = dir.resolve("2.flv");
            Tools.captureToFile("again-play-2", url, file, 2).expectSuccess(Duration.ofSeconds(30));
            again.expectSuccess(Duration.ofSeconds(30));
            assertEquals("", Tools.decodeErrors(file), "the republished stream plays for a new player");
        }
    }

    @Test
    void livePublishersKeyIsRefusedButASilentOneIsTakenOver() throws IOException {
        try (TestServer server = new TestServer(policy(Duration.ofSeconds(5), Duration.ofMillis(1500)));
             RtmpClient owner = RtmpClient.connect(server.appUrl("live"));
             RtmpClient rival = RtmpClient.connect(server.appUrl("live"));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            int ownerId = owner.createStream();
            owner.publish(ownerId, "contested");
            player.play(player.createStream(), "contested");
            Await.attached(server, "contested", 1);
            owner.sendVideo(ownerId, 0, JavaClientRelayIT.videoFrame(true, 0));
            int rivalId = rival.createStream();
            RtmpStatusException refused = assertThrows(RtmpStatusException.class,
                    () -> rival.publish(rivalId, "contested"));
            assertEquals("NetStream.Publish.BadName", refused.code(), "a live publisher keeps its key");

            // The owner now goes silent without closing, like a connection whose peer vanished.
            long silentSince = System.nanoTime();
            while (true) {
                try {
                    rival.publish(rivalId, "contested");
                    break;
                } catch (RtmpStatusException e) {
                    assertEquals("NetStream.Publish.BadName", e.code());
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                }
            }
            long tookMs = Duration.ofNanos(System.nanoTime() - silentSince).toMillis();
            assertTrue(tookMs >= 1000, "taken over only once the owner was stale: " + tookMs + " ms");
            owner.setReadTimeout(Duration.ofSeconds(10));
            assertThrows(IOException.class, () -> {
                while (true) {
                    owner.read();
                }
            }, "the stale owner's connection is closed");

            rival.sendVideo(rivalId, 0, JavaClientRelayIT.videoFrame(true, 1));
            Watch watch = new Watch(player);
            watch.untilVideoPayload(JavaClientRelayIT.videoFrame(true, 1));
            assertFalse(watch.unpublishNotified, "the player carried on with the new publisher");
        }
    }

    /** Reads a player's messages, noting what matters to these tests. */
    static final class Watch {
        private final RtmpClient player;
        Integer firstVideoTimestamp;
        int lastVideoTimestamp;
        int sequenceHeaders;
        boolean timestampWentBack;
        boolean unpublishNotified;
        boolean streamEof;
        byte[] lastVideo;

        Watch(RtmpClient player) throws IOException {
            this.player = player;
            player.setReadTimeout(Duration.ofSeconds(20));
        }

        void untilVideoTime(int millisAfterFirst) throws IOException {
            while (firstVideoTimestamp == null || lastVideoTimestamp - firstVideoTimestamp < millisAfterFirst) {
                next();
            }
        }

        void untilUnpublishNotify() throws IOException {
            while (!unpublishNotified || !streamEof) {
                next();
            }
        }

        void untilVideoPayload(byte[] payload) throws IOException {
            while (lastVideo == null || !java.util.Arrays.equals(lastVideo, payload)) {
                next();
            }
        }

        private void next() throws IOException {
            RawMessage m = player.read();
            if (m.typeId() == MessageType.VIDEO) {
                lastVideo = m.payload();
                if (VideoTag.parse(m.payload()).sequenceHeader()) {
                    sequenceHeaders++;
                    return;
                }
                if (firstVideoTimestamp == null) {
                    firstVideoTimestamp = m.timestamp();
                } else if (m.timestamp() < lastVideoTimestamp) {
                    timestampWentBack = true;
                }
                lastVideoTimestamp = m.timestamp();
                return;
            }
            switch (MessageCodec.decode(m)) {
                case Command c when c.name().equals("onStatus") && c.argument(0) instanceof Map<?, ?> info
                        && "NetStream.Play.UnpublishNotify".equals(info.get("code")) -> unpublishNotified = true;
                case UserControl u when u.event() == UserControl.STREAM_EOF -> streamEof = true;
                default -> {
                }
            }
        }
    }
}
