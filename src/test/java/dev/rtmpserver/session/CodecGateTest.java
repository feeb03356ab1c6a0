package dev.rtmpserver.session;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.rtmpserver.session.ClientCodecsTest.AAC_CONFIG;
import static dev.rtmpserver.session.ClientCodecsTest.AVC_CONFIG;
import static dev.rtmpserver.session.ClientCodecsTest.AVC_FRAME;
import static dev.rtmpserver.session.ClientCodecsTest.AVC_TRACK_1_CONFIG;
import static dev.rtmpserver.session.ClientCodecsTest.HEVC_CONFIG;
import static dev.rtmpserver.session.ClientCodecsTest.HEVC_FRAME;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CodecGateTest {
    /** Records what reaches the player. */
    private static final class FakePlayer implements Sink {
        final List<String> events = new ArrayList<>();

        @Override
        public Kind kind() {
            return Kind.PLAYER;
        }

        @Override
        public long bytesSent() {
            return 0;
        }

        @Override
        public void join(List<MediaFrame> cached, boolean published) {
            events.add("join " + cached.size());
        }

        @Override
        public void offer(MediaFrame frame) {
            events.add("offer " + frame);
        }

        @Override
        public void onPublish() {
            events.add("publish");
        }

        @Override
        public void onUnpublish() {
            events.add("unpublish");
        }
    }

    private final FakePlayer player = new FakePlayer();
    private final List<MediaFrame> refused = new ArrayList<>();

    @Test
    void aLegacyPlayerOfAMultitrackStreamGetsTheMainTrackOnly() {
        CodecGate gate = new CodecGate(player, ClientCodecs.LEGACY, refused::add);
        gate.join(List.of(AVC_CONFIG, AVC_TRACK_1_CONFIG, AAC_CONFIG), true);
        gate.offer(AVC_FRAME);
        gate.offer(AVC_TRACK_1_CONFIG);
        assertEquals(List.of("join 2", "offer " + AVC_FRAME), player.events);
        assertEquals(List.of(), refused);
    }

    @Test
    void aLegacyPlayerJoiningAnHevcStreamIsRefusedBeforeAnyOfItsBytes() {
        CodecGate gate = new CodecGate(player, ClientCodecs.LEGACY, refused::add);
        gate.join(List.of(HEVC_CONFIG, AAC_CONFIG, HEVC_FRAME), true);
        gate.offer(HEVC_FRAME);
        gate.onUnpublish();
        assertEquals(List.of("join 0"), player.events, "nothing at all, so the refusal is the last word");
        assertEquals(List.of(HEVC_CONFIG), refused, "refused once");
    }

    @Test
    void aCodecChangeMidStreamEndsTheLegacyPlay() {
        CodecGate gate = new CodecGate(player, ClientCodecs.LEGACY, refused::add);
        gate.join(List.of(), false);
        gate.onPublish();
        gate.offer(AVC_CONFIG);
        gate.offer(AVC_FRAME);
        gate.offer(HEVC_CONFIG);
        gate.offer(HEVC_FRAME);
        assertEquals(List.of("join 0", "publish", "offer " + AVC_CONFIG, "offer " + AVC_FRAME), player.events);
        assertEquals(List.of(HEVC_CONFIG), refused);
    }
}
