package dev.rtmpserver.it;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.Limits;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.handshake.ClientHandshake;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When streams start, wait and end, as players and publishers see it on the wire. */
@Timeout(60)
class StreamLifecycleIT {
    private static final byte[] KEYFRAME = {0x17, 1, 0, 0, 0, 1, 2, 3};
    private static final byte[] AVC_HEADER = {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f};

    private static ServerConfig withGraces(Duration reconnect, Duration unpublish) {
        return ServerConfig.forTests().withStreams(StreamPolicy.defaults().withGraces(reconnect, unpublish), Map.of());
    }

    /** The onStatus codes a client receives on {@code streamId} until {@code last} (inclusive). */
    private static List<String> statusesUntil(RtmpClient client, int streamId, String last) throws IOException {
        List<String> codes = new ArrayList<>();
        while (true) {
            RawMessage m = client.read();
            if (m.streamId() == streamId && MessageCodec.decode(m) instanceof Command c && c.name().equals("onStatus")
                    && c.argument(0) instanceof Map<?, ?> info && info.get("code") instanceof String code) {
                codes.add(code);
                if (code.equals(last)) {
                    return codes;
                }
            }
        }
    }

    private static String describe(RtmpStatusException e) {
        return String.valueOf(e.getMessage());
    }

    @Test
    void playersWaitingForAPublisherDoNotLockPublishersOut() throws IOException {
        ServerConfig config = ServerConfig.forTests().withLimits(new Limits(100, 100, 1,
                Limits.defaults().shutdownGrace()));
        try (TestServer server = new TestServer(config);
             RtmpClient waiting = RtmpClient.connect(server.appUrl("live"));
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient second = RtmpClient.connect(server.appUrl("live"))) {
            for (int i = 0; i < 5; i++) {
                waiting.play(waiting.createStream(), "nobody-" + i);
            }
            publisher.publish(publisher.createStream(), "show");
            RtmpStatusException refused = assertThrows(RtmpStatusException.class,
                    () -> second.publish(second.createStream(), "another-show"));
            assertTrue(describe(refused).contains("maximum of 1 published streams"), describe(refused));
        }
    }

    @Test
    void aPlayerForAKeyNobodyPublishesIsToldStreamNotFoundAfterThePlayWait() throws IOException {
        ServerConfig config = ServerConfig.forTests().withSession(SessionConfig.defaults()
                .withPlayWait(Duration.ofSeconds(1)));
        try (TestServer server = new TestServer(config);
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            int id = player.createStream();
            player.play(id, "mistyped");
            long start = System.nanoTime();
            List<String> codes = statusesUntil(player, id, "NetStream.Play.StreamNotFound");
            codes.remove("NetStream.Play.Reset");
            assertEquals(List.of("NetStream.Play.StreamNotFound"), codes, "told nothing else");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "within the wait plus a tick");
            Await.until(() -> server.server.registry().get(new dev.rtmpserver.stream.StreamKey("live", "mistyped"))
                    == null, "the awaited stream is forgotten");
            assertTrue(player.createStream() > 0, "the connection stays usable");
        }
    }

    @Test
    void anEncoderThatStopsAndStartsAgainKeepsItsPlayersWithContinuousTimestamps() throws IOException {
        try (TestServer server = new TestServer(withGraces(Duration.ofSeconds(5), Duration.ofSeconds(5)));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            int playId = player.createStream();
            int lastTimestamp;
            try (RtmpClient first = RtmpClient.connect(server.appUrl("live"))) {
                int id = first.createStream();
                first.publish(id, "restart");
                player.play(playId, "restart");
                first.sendVideo(id, 0, AVC_HEADER);
                first.sendVideo(id, 1000, KEYFRAME);
                lastTimestamp = readVideo(player, true).timestamp();
                first.deleteStream(id);
            }
            try (RtmpClient second = RtmpClient.connect(server.appUrl("live"))) {
                int id = second.createStream();
                second.publish(id, "restart");
                second.sendVideo(id, 0, AVC_HEADER);
                second.sendVideo(id, 0, KEYFRAME);
                RawMessage next = readVideo(player, true);
                assertTrue(next.timestamp() > lastTimestamp, "time goes on: " + lastTimestamp + " then "
                        + next.timestamp());
            }
        }
    }

    /**
     * The next keyframe or sequence header the player gets, failing on any status on the way
     * (an UnpublishNotify would mean the restart was not hidden).
     */
    private static RawMessage readVideo(RtmpClient player, boolean keyframe) throws IOException {
        player.setReadTimeout(Duration.ofSeconds(10));
        while (true) {
            RawMessage m = player.read();
            if (m.typeId() == MessageType.VIDEO && m.payload().length > 1 && (m.payload()[1] == 1) == keyframe) {
                return m;
            }
            if (MessageCodec.decode(m) instanceof Command c && c.name().equals("onStatus")
                    && c.argument(0) instanceof Map<?, ?> info) {
                assertFalse(Set.of("NetStream.Play.UnpublishNotify", "NetStream.Play.Stop").contains(info.get("code")),
                        "told " + info.get("code"));
            }
        }
    }

    @Test
    void aCleanUnpublishTellsPlayersWhenTheUnpublishGraceEnds() throws IOException {
        try (TestServer server = new TestServer(withGraces(Duration.ofSeconds(5), Duration.ofSeconds(1)));
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            int id = publisher.createStream();
            publisher.publish(id, "ending");
            int playId = player.createStream();
            player.play(playId, "ending");
            long start = System.nanoTime();
            publisher.deleteStream(id);
            statusesUntil(player, playId, "NetStream.Play.UnpublishNotify");
            long took = System.nanoTime() - start;
            assertTrue(took >= Duration.ofMillis(900).toNanos(), "not before the grace: " + took / 1_000_000 + " ms");
            assertTrue(took < Duration.ofSeconds(5).toNanos(), "soon after it: " + took / 1_000_000 + " ms");
        }
    }

    @Test
    void aConnectionThatCompletesTheHandshakeButNeverConnectsIsClosedByTheHandshakeTimeout() throws IOException {
        SessionConfig d = SessionConfig.defaults();
        ServerConfig config = ServerConfig.forTests().withSession(d.withTimeouts(Duration.ofSeconds(1),
                d.idleTimeout(), d.mediaTimeout(), d.writeTimeout()));
        try (TestServer server = new TestServer(config);
             Socket raw = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            ClientHandshake.perform(raw.getInputStream(), raw.getOutputStream(), false);
            raw.setSoTimeout(10_000);
            long start = System.nanoTime();
            int read;
            try {
                read = raw.getInputStream().read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("still open after 10 s, though the handshake timeout is 1 s");
            } catch (IOException e) {
                read = -1;
            }
            assertEquals(-1, read, "closed, with nothing sent");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "well before the idle timeout");
            Await.until(() -> server.server.counters().timeouts.sum() == 1, "counted as a timeout");
        }
    }

    @Test
    void aRefusedPlayerGetsPlayFailedAndNeverPlayStart() throws IOException {
        AccessConfig tokens = new AccessConfig(Map.of(), Map.of("live", Set.of("secret")), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(1));
        try (TestServer server = new TestServer(ServerConfig.forTests().withAccess(tokens));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            for (String name : new String[] {"cam?token=wrong", "cam?token=%zz", "../cam?token=secret"}) {
                int id = player.createStream();
                player.sendCommand(id, new Command("play", 0, null, List.of(name)));
                List<String> codes = statusesUntil(player, id, "NetStream.Play.Failed");
                assertEquals(List.of("NetStream.Play.Failed"), codes, name);
            }
            int id = player.createStream();
            player.play(id, "cam?token=secret");
        }
    }

    @Test
    void aRefusedSecondPublisherIsNotToldWhoHoldsTheKey() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient first = RtmpClient.connect(server.appUrl("live"));
             RtmpClient second = RtmpClient.connect(server.appUrl("live"))) {
            first.publish(first.createStream(), "taken");
            RtmpStatusException refused = assertThrows(RtmpStatusException.class,
                    () -> second.publish(second.createStream(), "taken"));
            assertTrue(describe(refused).contains("already being published"), describe(refused));
            assertFalse(describe(refused).contains("127.0.0.1"), describe(refused));
            assertFalse(describe(refused).contains("conn-"), describe(refused));
        }
    }

    @Test
    void namesWithControlCharactersOrParentSegmentsAreRefusedAtPublish() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"))) {
            for (String name : new String[] {"cam\n2026-12-02 02:00:00.000 WARN [main] FORGED", "cam\0x", "a/../b",
                    "x".repeat(257)}) {
                RtmpStatusException refused = assertThrows(RtmpStatusException.class,
                        () -> publisher.publish(publisher.createStream(), name));
                assertFalse(describe(refused).contains("\n"), "the reply escapes what it echoes");
            }
            assertEquals(0, server.server.registry().size());
            publisher.publish(publisher.createStream(), "fine-name_1.2");
        }
    }

    private static int delete(TestServer server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.server.httpPort().orElseThrow() + path)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aKickEndsTheStreamAtOnceAndABanKeepsTheEncoderFromComingBack() throws Exception {
        ServerConfig config = withGraces(Duration.ofSeconds(30), Duration.ofSeconds(30))
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty()));
        try (TestServer server = new TestServer(config);
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"));
             RtmpClient comeback = RtmpClient.connect(server.appUrl("live"))) {
            publisher.publish(publisher.createStream(), "kicked");
            int playId = player.createStream();
            player.play(playId, "kicked");
            long start = System.nanoTime();
            assertEquals(204, delete(server, "/api/streams/live/kicked?ban=60s"));
            statusesUntil(player, playId, "NetStream.Play.UnpublishNotify");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(),
                    "told at once, not after the 30 s grace");
            publisher.setReadTimeout(Duration.ofSeconds(10));
            assertThrows(IOException.class, () -> {
                while (true) {
                    publisher.read();
                }
            }, "the kicked publisher's connection is closed");
            RtmpStatusException banned = assertThrows(RtmpStatusException.class,
                    () -> comeback.publish(comeback.createStream(), "kicked"));
            assertTrue(describe(banned).contains("may not be published for a while"), describe(banned));
            assertEquals(404, delete(server, "/api/streams/live/kicked"), "nobody publishes it now");
        }
    }

    @Test
    void aKickWithoutABanLetsTheKeyBePublishedAgain() throws Exception {
        ServerConfig config = ServerConfig.forTests()
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty()));
        try (TestServer server = new TestServer(config);
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient next = RtmpClient.connect(server.appUrl("live"))) {
            publisher.publish(publisher.createStream(), "again");
            assertEquals(204, delete(server, "/api/streams/live/again"));
            Await.until(() -> {
                var stream = server.server.registry().get(new dev.rtmpserver.stream.StreamKey("live", "again"));
                return stream == null || !stream.isPublished();
            }, "the kick");
            next.publish(next.createStream(), "again");
        }
    }
}
