package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.amf.AmfEcmaArray;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The project's own client publishing and playing through the server on real sockets. */
@Timeout(60)
class JavaClientRelayIT {
    /** AVC sequence header: keyframe + AVC, packet type 0, then a (short, fake) decoder config. */
    static final byte[] AVC_HEADER = {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1F, (byte) 0xFF};
    /** AAC sequence header: AAC 44 kHz stereo, packet type 0, AudioSpecificConfig 0x1210. */
    static final byte[] AAC_HEADER = {(byte) 0xAF, 0, 0x12, 0x10};

    private TestServer server;
    private final List<RtmpClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new TestServer();
    }

    @AfterEach
    void stop() throws IOException {
        for (RtmpClient c : clients) {
            c.close();
        }
        server.close();
    }

    private RtmpClient connect(String app) throws IOException {
        RtmpClient c = RtmpClient.connect(server.appUrl(app));
        clients.add(c);
        return c;
    }

    static byte[] videoFrame(boolean key, int n) {
        byte[] p = new byte[200 + n % 50];
        p[0] = (byte) (key ? 0x17 : 0x27);
        p[1] = 1;
        for (int i = 5; i < p.length; i++) {
            p[i] = (byte) (n * 31 + i);
        }
        return p;
    }

    static byte[] audioFrame(int n) {
        byte[] p = new byte[40];
        p[0] = (byte) 0xAF;
        p[1] = 1;
        for (int i = 2; i < p.length; i++) {
            p[i] = (byte) (n + i);
        }
        return p;
    }

    @Test
    void playerReceivesExactlyThePublishedPayloadsAndTimestamps() throws IOException {
        RtmpClient publisher = connect("live");
        int pubId = publisher.createStream();
        publisher.publish(pubId, "cam1?token=secret");

        RtmpClient player = connect("live");
        int playId = player.createStream();
        player.play(playId, "cam1");
        Await.attached(server, "cam1", 1);

        List<RawMessage> sent = new ArrayList<>();
        sent.add(new RawMessage(MessageType.VIDEO, pubId, 0, AVC_HEADER));
        sent.add(new RawMessage(MessageType.AUDIO, pubId, 0, AAC_HEADER));
        for (int i = 0; i < 100; i++) {
            sent.add(new RawMessage(MessageType.VIDEO, pubId, i * 40, videoFrame(i % 25 == 0, i)));
            sent.add(new RawMessage(MessageType.AUDIO, pubId, i * 40 + 3, audioFrame(i)));
        }
        // A timestamp beyond 24 bits travels as an extended timestamp.
        sent.add(new RawMessage(MessageType.VIDEO, pubId, 0x01000000, videoFrame(false, 100)));
        for (RawMessage m : sent) {
            if (m.typeId() == MessageType.VIDEO) {
                publisher.sendVideo(pubId, m.timestamp(), m.payload());
            } else {
                publisher.sendAudio(pubId, m.timestamp(), m.payload());
            }
        }

        for (RawMessage want : sent) {
            RawMessage got = player.readMedia();
            assertEquals(want.typeId(), got.typeId());
            assertEquals(playId, got.streamId(), "delivered on the player's own stream id");
            assertEquals(want.timestamp(), got.timestamp());
            assertArrayEquals(want.payload(), got.payload());
        }
    }

    @Test
    void lateJoinerGetsMetadataAndSequenceHeadersBeforeAnyMedia() throws IOException {
        RtmpClient publisher = connect("live");
        int pubId = publisher.createStream();
        publisher.publish(pubId, "late");
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("width", 640.0);
        meta.put("height", 360.0);
        meta.put("videocodecid", 7.0);
        publisher.sendData(pubId, 0, "@setDataFrame", "onMetaData", new AmfEcmaArray(meta));
        publisher.sendVideo(pubId, 0, AVC_HEADER);
        publisher.sendAudio(pubId, 0, AAC_HEADER);
        for (int i = 0; i < 30; i++) {
            publisher.sendVideo(pubId, i * 40, videoFrame(i % 10 == 0, i));
            publisher.sendAudio(pubId, i * 40, audioFrame(i));
        }
        awaitPublishedFrames(publisher);

        RtmpClient player = connect("live");
        int playId = player.createStream();
        player.play(playId, "late");
        Await.attached(server, "late", 1);
        publisher.sendVideo(pubId, 1200, videoFrame(false, 30));
        publisher.sendVideo(pubId, 1240, videoFrame(true, 31));

        RawMessage first = player.readMedia();
        assertEquals(MessageType.DATA_AMF0, first.typeId());
        List<Object> values = Amf0.decodeAll(first.payload());
        assertEquals("onMetaData", values.get(0), "@setDataFrame is stripped for players");
        assertEquals(new AmfEcmaArray(meta), values.get(1));

        List<RawMessage> headers = List.of(player.readMedia(), player.readMedia());
        assertTrue(headers.stream().anyMatch(m -> java.util.Arrays.equals(m.payload(), AVC_HEADER)));
        assertTrue(headers.stream().anyMatch(m -> java.util.Arrays.equals(m.payload(), AAC_HEADER)));

        // With the GOP cache on, the joiner starts at once at the latest keyframe (frame 20), then
        // gets the frames after it, in order.
        RawMessage firstVideo = player.readMedia();
        while (firstVideo.typeId() != MessageType.VIDEO) {
            firstVideo = player.readMedia();
        }
        assertArrayEquals(videoFrame(true, 20), firstVideo.payload(), "video starts at the cached keyframe");
        int last = firstVideo.timestamp();
        for (int i = 21; i <= 31; i++) {
            RawMessage m = player.readMedia();
            if (m.typeId() == MessageType.VIDEO) {
                assertTrue(m.timestamp() >= last, "timestamps never go backwards");
                last = m.timestamp();
            } else {
                i--;
            }
        }
    }

    @Test
    void withoutGopCacheALateJoinerStartsAtTheNextKeyframe() throws IOException {
        server.close();
        server = new TestServer(dev.rtmpserver.server.ServerConfig.forTests().withStreams(
                dev.rtmpserver.stream.StreamPolicy.defaults().withGopCache(false), Map.of()));
        RtmpClient publisher = connect("live");
        int pubId = publisher.createStream();
        publisher.publish(pubId, "nocache");
        publisher.sendVideo(pubId, 0, AVC_HEADER);
        for (int i = 0; i < 5; i++) {
            publisher.sendVideo(pubId, i * 40, videoFrame(i == 0, i));
        }
        awaitPublishedFrames(publisher);
        RtmpClient player = connect("live");
        int playId = player.createStream();
        player.play(playId, "nocache");
        Await.attached(server, "nocache", 1);
        publisher.sendVideo(pubId, 200, videoFrame(false, 5));
        publisher.sendVideo(pubId, 240, videoFrame(true, 6));
        assertArrayEquals(AVC_HEADER, player.readMedia().payload(), "the sequence header comes first");
        assertArrayEquals(videoFrame(true, 6), player.readMedia().payload(), "then the next keyframe");
    }

    /** Once a round trip on the publisher's connection completes, the server has read all it sent. */
    static void awaitPublishedFrames(RtmpClient publisher) throws IOException {
        publisher.call("getStreamLength", null, "x");
    }

    @Test
    void receiveAudioFalseAndPauseFilterWhatThePlayerGets() throws IOException {
        RtmpClient publisher = connect("live");
        int pubId = publisher.createStream();
        publisher.publish(pubId, "filtered");
        RtmpClient player = connect("live");
        int playId = player.createStream();
        player.play(playId, "filtered");
        Await.attached(server, "filtered", 1);

        player.sendCommand(playId, new Command("receiveAudio", 0, null, List.of(false)));
        player.call("getStreamLength", null, "filtered");
        publisher.sendAudio(pubId, 0, audioFrame(0));
        publisher.sendVideo(pubId, 0, videoFrame(true, 0));
        assertEquals(MessageType.VIDEO, player.readMedia().typeId(), "audio is not sent after receiveAudio(false)");

        player.sendCommand(playId, new Command("pause", 0, null, List.of(true, 40.0)));
        Await.status(player, "NetStream.Pause.Notify");
        publisher.sendVideo(pubId, 40, videoFrame(true, 1));
        // The frame and the unpause travel on different connections: unpause only once the server
        // has read the frame, or it may reach the player after the unpause.
        awaitPublishedFrames(publisher);
        player.sendCommand(playId, new Command("pause", 0, null, List.of(false, 40.0)));
        Await.status(player, "NetStream.Unpause.Notify");
        publisher.sendVideo(pubId, 80, videoFrame(false, 2));
        publisher.sendVideo(pubId, 120, videoFrame(true, 3));
        assertArrayEquals(videoFrame(true, 3), player.readMedia().payload(),
                "nothing while paused; after unpausing, video resumes at a keyframe");
    }

    @Test
    void secondPublisherOnALiveKeyIsRefusedWithBadName() throws IOException {
        RtmpClient first = connect("live");
        first.publish(first.createStream(), "taken");
        RtmpClient second = connect("live");
        int id = second.createStream();
        RtmpStatusException e = assertThrows(RtmpStatusException.class, () -> second.publish(id, "taken"));
        assertEquals("NetStream.Publish.BadName", e.code());
        // The same key in another app is a different stream.
        RtmpClient other = connect("other");
        other.publish(other.createStream(), "taken");
    }

    @Test
    void unknownCommandGetsAnErrorAndTheConnectionStaysUsable() throws IOException {
        RtmpClient c = connect("live");
        RtmpStatusException e = assertThrows(RtmpStatusException.class, () -> c.call("noSuchMethod", null));
        assertEquals("NetConnection.Call.Failed", e.code());
        assertTrue(c.createStream() > 0, "still answers after the error");
    }

    @Test
    void connectResultCarriesSuccessAndEchoesObjectEncoding() {
        RtmpClient c = assertDoesNotThrowConnect();
        assertEquals("NetConnection.Connect.Success", c.connectInfo().get("code"));
        assertEquals(0.0, c.connectInfo().get("objectEncoding"));
    }

    private RtmpClient assertDoesNotThrowConnect() {
        try {
            return connect("live");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void publisherThatDisconnectsSendsUnpublishNotifyAndStreamEofToPlayers() throws IOException {
        RtmpClient publisher = connect("live");
        int pubId = publisher.createStream();
        publisher.publish(pubId, "bye");
        RtmpClient player = connect("live");
        int playId = player.createStream();
        player.play(playId, "bye");
        Await.attached(server, "bye", 1);
        publisher.close();

        boolean unpublishNotify = false;
        boolean streamEof = false;
        player.setReadTimeout(Duration.ofSeconds(10));
        while (!(unpublishNotify && streamEof)) {
            RawMessage m = player.read();
            switch (MessageCodec.decode(m)) {
                case Command c when c.name().equals("onStatus") -> unpublishNotify |=
                        "NetStream.Play.UnpublishNotify".equals(((Map<?, ?>) c.argument(0)).get("code"));
                case UserControl u when u.event() == UserControl.STREAM_EOF -> {
                    assertEquals(playId, u.value());
                    streamEof = true;
                }
                default -> {
                }
            }
        }
        awaitStreamGone("live", "bye", player, playId);
    }

    private void awaitStreamGone(String app, String name, RtmpClient player, int playId) throws IOException {
        player.deleteStream(playId);
        player.call("getStreamLength", null, name);
        assertEquals(null, server.server.registry().get(new dev.rtmpserver.stream.StreamKey(app, name)),
                "a stream with no publisher and no players leaves the registry");
    }

    @Test
    void threeStreamsDoNotCrossTalk() throws IOException {
        int streams = 3;
        RtmpClient[] pubs = new RtmpClient[streams];
        int[] pubIds = new int[streams];
        RtmpClient[] players = new RtmpClient[streams];
        int[] playIds = new int[streams];
        for (int s = 0; s < streams; s++) {
            pubs[s] = connect("live");
            pubIds[s] = pubs[s].createStream();
            pubs[s].publish(pubIds[s], "s" + s);
            players[s] = connect("live");
            playIds[s] = players[s].createStream();
            players[s].play(playIds[s], "s" + s);
            Await.attached(server, "s" + s, 1);
        }
        for (int i = 0; i < 50; i++) {
            for (int s = 0; s < streams; s++) {
                byte[] p = new byte[100 * (s + 1)];
                p[0] = (byte) 0xAF;
                p[1] = 1;
                p[2] = (byte) s;
                p[3] = (byte) i;
                pubs[s].sendAudio(pubIds[s], i * 20, p);
            }
        }
        for (int s = 0; s < streams; s++) {
            for (int i = 0; i < 50; i++) {
                RawMessage m = players[s].readMedia();
                assertEquals(100 * (s + 1), m.payload().length);
                assertEquals(s, m.payload()[2], "stream " + s + " only carries its own frames");
                assertEquals(i, m.payload()[3]);
            }
        }
    }
}
