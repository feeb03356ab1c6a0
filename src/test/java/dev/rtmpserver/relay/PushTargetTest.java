package dev.rtmpserver.relay;

import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.amf.Amf0;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A push target publishing to the server itself, in-process, watched from inside the receiving stream. */
@Timeout(30)
class PushTargetTest {
    private static final StreamKey KEY = new StreamKey("live", "cam");
    private static final MediaFrame METADATA = MediaFrame.metadata(0, Amf0.encode("onMetaData",
            Amf0.object("width", 320.0, "height", 240.0)));
    private static final MediaFrame AVC_HEADER = MediaFrame.video(0, AnnotatedHex.bytes("""
            17             # frame type 1 (key), CodecID 7 (AVC)
            00             # AVCPacketType 0: sequence header
            000000         # composition time 0
            01 64 00 1f    # AVCDecoderConfigurationRecord begins
            """));
    private static final MediaFrame AAC_HEADER = MediaFrame.audio(0, AnnotatedHex.bytes("""
            af             # SoundFormat 10 (AAC), 44 kHz, 16 bit, stereo
            00             # AACPacketType 0: sequence header
            12 10          # AudioSpecificConfig: AAC-LC, 44100 Hz, stereo
            """));

    private final RtmpServer server = new RtmpServer(ServerConfig.forTests());
    private final Received received = new Received();
    private PushTarget target;

    /** Everything the receiving stream hands its sinks, in order. */
    private static final class Received implements Sink {
        final List<String> log = new CopyOnWriteArrayList<>();
        final List<Integer> timestamps = new CopyOnWriteArrayList<>();

        @Override
        public Kind kind() {
            return Kind.PLAYER;
        }

        @Override
        public void join(List<MediaFrame> cached, boolean published) {
            cached.forEach(this::offer);
        }

        @Override
        public void offer(MediaFrame f) {
            log.add(f.kind() + (f.config() ? " config" : f.keyframe() ? " key" : "") + "@" + f.timestamp());
            timestamps.add(f.timestamp());
        }

        @Override
        public void onUnpublish() {
            log.add("unpublish");
        }
    }

    private static MediaFrame key(int ts) {
        return MediaFrame.video(ts, AnnotatedHex.bytes("""
                17             # frame type 1 (key), CodecID 7 (AVC)
                01             # AVCPacketType 1: NAL units
                000000         # composition time 0
                00000002 65 00 # NAL unit of 2 bytes: IDR slice
                """));
    }

    private static MediaFrame inter(int ts) {
        return MediaFrame.video(ts, AnnotatedHex.bytes("""
                27             # frame type 2 (inter), CodecID 7 (AVC)
                01             # AVCPacketType 1: NAL units
                000000         # composition time 0
                00000002 41 00 # NAL unit of 2 bytes: non-IDR slice
                """));
    }

    private static MediaFrame audio(int ts) {
        return MediaFrame.audio(ts, AnnotatedHex.bytes("""
                af             # SoundFormat 10 (AAC), 44 kHz, 16 bit, stereo
                01             # AACPacketType 1: raw frame
                21 1a 00       # raw_data_block
                """));
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (target != null) {
            target.stop();
            target.awaitEnd(Duration.ofSeconds(10));
        }
        server.close();
    }

    private void startTarget() throws Exception {
        server.start();
        server.registry().subscribe(KEY, received);
        target = new PushTarget("1", KEY, PushUrl.of("rtmp://127.0.0.1:" + server.port() + "/live", "cam"), false,
                System::nanoTime, () -> 0, () -> { }, new LongAdder());
        target.start();
        target.join(List.of(METADATA, AVC_HEADER, AAC_HEADER), true);
        await(() -> target.status().state().equals("publishing"), "the target publishes");
    }

    @Test
    void aPublishStartsWithMetadataAndHeadersThenAKeyframeWithTimestampsThatNeverGoBack() throws Exception {
        startTarget();
        target.offer(inter(900));
        target.offer(audio(950));
        target.offer(key(1000));
        target.offer(audio(990));
        target.offer(inter(1040));
        await(() -> received.log.size() >= 6, "six frames arrive");

        assertEquals(List.of("DATA config", "VIDEO config", "AUDIO config", "VIDEO key", "AUDIO", "VIDEO"),
                received.log.stream().map(s -> s.replaceAll("@\\d+", "")).toList(), received.log.toString());
        List<Integer> ts = received.timestamps;
        assertEquals(List.of(0, 0, 0, 40), List.of(ts.get(2) - ts.get(0), ts.get(3) - ts.get(0),
                ts.get(4) - ts.get(0), ts.get(5) - ts.get(0)), "headers at the keyframe's time; late audio held at it");
    }

    @Test
    void aReconnectStartsAgainWithTheHeadersAndAKeyframe() throws Exception {
        startTarget();
        target.offer(key(0));
        await(() -> received.log.size() >= 4, "the first publish arrives");
        server.registry().kick(KEY, Duration.ZERO, "a test drops the push");
        await(() -> target.status().attempts() == 2 && target.status().state().equals("publishing"),
                "the target reconnects");
        int before = received.log.size();
        target.offer(inter(3000));
        target.offer(key(3040));
        await(() -> received.log.size() >= before + 4, "the second publish arrives");

        List<String> second = received.log.subList(before, received.log.size()).stream()
                .map(s -> s.replaceAll("@\\d+", "")).toList();
        assertEquals(List.of("DATA config", "VIDEO config", "AUDIO config", "VIDEO key"), second,
                received.log.toString());
        for (int i = 1; i < received.timestamps.size(); i++) {
            assertTrue(received.timestamps.get(i) >= received.timestamps.get(i - 1), received.log.toString());
        }
    }
}
