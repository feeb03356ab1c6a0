package dev.rtmpserver.stream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rtmpserver.stream.Frames.audio;
import static dev.rtmpserver.stream.Frames.audioConfig;
import static dev.rtmpserver.stream.Frames.data;
import static dev.rtmpserver.stream.Frames.inter;
import static dev.rtmpserver.stream.Frames.key;
import static dev.rtmpserver.stream.Frames.metadata;
import static dev.rtmpserver.stream.Frames.videoConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveStreamTest {
    private static final StreamKey KEY = new StreamKey("live", "cam");
    private final FakeClock clock = new FakeClock();

    private static StreamPolicy policy(boolean gopCache, long gopBytes, Duration gopLength) {
        return new StreamPolicy(gopCache, gopBytes, gopLength, Duration.ofSeconds(5), Duration.ofSeconds(3),
                Duration.ofSeconds(10), Duration.ZERO);
    }

    private static LiveStream stream(StreamPolicy policy) {
        return new LiveStream(KEY, policy);
    }

    /** What a sink joining now is given. */
    private static List<String> joinerGets(LiveStream stream) {
        RecordingSink joiner = new RecordingSink();
        stream.addSink(joiner);
        stream.removeSink(joiner);
        return joiner.events();
    }

    private static String joined(String... labels) {
        return "join(published) [" + String.join(", ", labels) + "]";
    }

    @Test
    void aJoinerGetsMetadataSequenceHeadersThenTheFramesSinceTheLatestKeyframe() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(30)));
        FakePublisher p = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(p, false);
        // Sent in another order than joiners get them.
        stream.onFrame(p, audioConfig(0, (byte) 1));
        stream.onFrame(p, videoConfig(0, (byte) 1));
        stream.onFrame(p, metadata(0, (byte) 1));
        stream.onFrame(p, audio(10, 100));
        assertEquals(List.of(joined("data@0/config", "video@0/config", "audio@0/config")), joinerGets(stream),
                "audio before the first keyframe is no use to a joiner");

        stream.onFrame(p, key(20, 1000));
        stream.onFrame(p, audio(30, 100));
        stream.onFrame(p, inter(60, 500));
        stream.onFrame(p, data(70));
        assertEquals(List.of(joined("data@0/config", "video@0/config", "audio@0/config", "video@20/key", "audio@30",
                "video@60")), joinerGets(stream), "other data messages are relayed, not cached");
        assertEquals(1600, stream.cachedBytes());

        stream.onFrame(p, key(100, 1000));
        stream.onFrame(p, audio(110, 100));
        stream.onFrame(p, inter(140, 500));
        assertEquals(List.of(joined("data@0/config", "video@0/config", "audio@0/config", "video@100/key",
                "audio@110", "video@140")), joinerGets(stream));

        // A joiner then gets exactly the frames that follow what it was given.
        RecordingSink player = new RecordingSink();
        stream.addSink(player);
        stream.onFrame(p, inter(180, 500));
        stream.onFrame(p, data(190));
        assertEquals(List.of("offer video@180", "offer data@190"), player.events().subList(1, 3));
    }

    @Test
    void aJoinerGetsTheSequenceHeaderOfEveryTrackOfAMultitrackPublish() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(30)));
        FakePublisher p = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(p, false);
        // As FFmpeg 8 sends two video and two audio tracks: the first legacy, the second multitrack.
        stream.onFrame(p, videoConfig(0, (byte) 1));
        stream.onFrame(p, Frames.videoTrackConfig(0, 1, (byte) 1));
        stream.onFrame(p, audioConfig(0, (byte) 1));
        stream.onFrame(p, Frames.audioTrackConfig(0, 1, (byte) 1));
        assertEquals(List.of(joined("video@0/config", "video@0/config", "audio@0/config", "audio@0/config")),
                joinerGets(stream));
        assertEquals(List.of(0, 1), stream.view().videoTracks().stream().map(TrackConfigs.TrackConfig::id).toList());
        assertEquals(List.of(0, 1), stream.view().audioTracks().stream().map(TrackConfigs.TrackConfig::id).toList());

        // A new header for track 1 replaces that track's only, and replays after the others.
        stream.onFrame(p, Frames.videoTrackConfig(40, 1, (byte) 2));
        assertEquals(List.of(joined("video@0/config", "video@40/config", "audio@0/config", "audio@0/config")),
                joinerGets(stream));
        assertArrayEquals(new byte[] {0x17, 0, 1}, stream.view().videoConfig(), "the main track is track 0");
    }

    @Test
    void theCacheIsDroppedUntilTheNextKeyframeOnceAGroupOfPicturesOutgrowsTheByteLimit() {
        LiveStream stream = stream(policy(true, 2500, Duration.ofSeconds(30)));
        FakePublisher p = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(p, false);
        stream.onFrame(p, videoConfig(0, (byte) 1));
        stream.onFrame(p, key(0, 1000));
        stream.onFrame(p, inter(40, 1000));
        assertEquals(List.of(joined("video@0/config", "video@0/key", "video@40")), joinerGets(stream));
        stream.onFrame(p, inter(80, 1000));
        assertEquals(List.of(joined("video@0/config")), joinerGets(stream), "a partial GOP is useless");
        assertEquals(0, stream.cachedBytes());
        stream.onFrame(p, inter(120, 10));
        assertEquals(List.of(joined("video@0/config")), joinerGets(stream));

        stream.onFrame(p, key(160, 1000));
        stream.onFrame(p, audio(170, 1500));
        assertEquals(List.of(joined("video@0/config", "video@160/key", "audio@170")), joinerGets(stream),
                "exactly the limit still fits");
        stream.onFrame(p, key(200, 2501));
        assertEquals(List.of(joined("video@0/config")), joinerGets(stream), "a keyframe alone may be too large");
    }

    @Test
    void theCacheIsDroppedUntilTheNextKeyframeOnceAGroupOfPicturesOutlastsTheLengthLimit() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(1)));
        FakePublisher p = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(p, false);
        stream.onFrame(p, key(0, 10));
        stream.onFrame(p, inter(500, 10));
        stream.onFrame(p, inter(1000, 10));
        assertEquals(List.of(joined("video@0/key", "video@500", "video@1000")), joinerGets(stream));
        stream.onFrame(p, inter(1001, 10));
        assertEquals(List.of(joined()), joinerGets(stream));
        stream.onFrame(p, key(1040, 10));
        assertEquals(List.of(joined("video@1040/key")), joinerGets(stream));
    }

    @Test
    void theLengthOfAGroupOfPicturesIsMeasuredAcrossTheTimestampWrap() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(1)));
        FakePublisher p = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(p, false);
        stream.onFrame(p, key(-200, 10));
        stream.onFrame(p, inter(200, 10));
        assertEquals(List.of(joined("video@-200/key", "video@200")), joinerGets(stream),
                "0xFFFFFF38 to 0xC8 is 400 ms");
    }

    @Test
    void withTheGopCacheOffAJoinerGetsOnlyConfiguration() {
        LiveStream stream = stream(policy(false, 1_000_000, Duration.ofSeconds(30)));
        FakePublisher p = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(p, false);
        stream.onFrame(p, metadata(0, (byte) 1));
        stream.onFrame(p, videoConfig(0, (byte) 1));
        stream.onFrame(p, audioConfig(0, (byte) 1));
        stream.onFrame(p, key(0, 1000));
        stream.onFrame(p, audio(10, 100));
        stream.onFrame(p, inter(40, 1000));
        assertEquals(List.of(joined("data@0/config", "video@0/config", "audio@0/config")), joinerGets(stream));
        assertEquals(0, stream.cachedBytes());
    }

    @Test
    void aNewPublishersConfigurationReplacesTheOldOnesAndNoneOfTheOldIsReplayed() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(30)));
        FakePublisher first = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(first, false);
        stream.onFrame(first, metadata(0, (byte) 1));
        stream.onFrame(first, metadata(0, (byte) 2));
        stream.onFrame(first, videoConfig(0, (byte) 1));
        stream.onFrame(first, audioConfig(0, (byte) 1));
        stream.onFrame(first, key(0, 10));
        RecordingSink early = new RecordingSink();
        stream.addSink(early);
        assertEquals(List.of(joined("data@0/config", "video@0/config", "audio@0/config", "video@0/key")),
                early.events());
        assertEquals(2, cachedFor(stream).get(0).payload()[3], "the newest metadata is kept");

        FakePublisher second = new FakePublisher("/198.51.100.2:50002", clock);
        stream.attachPublisher(second, true);
        assertEquals(List.of(joined()), joinerGets(stream), "the new publisher may use other codecs");

        stream.onFrame(second, videoConfig(0, (byte) 2));
        RecordingSink late = new RecordingSink();
        stream.addSink(late);
        assertEquals(List.of(joined("video@20/config")), late.events());
        assertArrayEquals(new byte[] {0x17, 0, 2}, stream.view().videoConfig());
        assertEquals(null, stream.view().audioConfig());
    }

    /** The frames a sink joining now is given. */
    private static List<MediaFrame> cachedFor(LiveStream stream) {
        List<List<MediaFrame>> got = new ArrayList<>();
        Sink joiner = new RecordingSink() {
            @Override
            public synchronized void join(List<MediaFrame> cached, boolean published) {
                got.add(List.copyOf(cached));
            }
        };
        stream.addSink(joiner);
        stream.removeSink(joiner);
        return got.get(0);
    }

    @Test
    void framesFromAPublisherThatIsNoLongerCurrentAreIgnored() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(30)));
        FakePublisher old = new FakePublisher("/203.0.113.7:50001", clock);
        FakePublisher current = new FakePublisher("/198.51.100.2:50002", clock);
        RecordingSink player = new RecordingSink();
        stream.attachPublisher(old, false);
        stream.addSink(player);
        stream.attachPublisher(current, true);

        stream.onFrame(old, videoConfig(0, (byte) 1));
        stream.onFrame(old, key(0, 10));
        assertEquals(List.of("join(published) []"), player.events());
        assertEquals(List.of(joined()), joinerGets(stream));

        stream.detachPublisher();
        stream.onFrame(old, key(40, 10));
        stream.onFrame(current, key(40, 10));
        assertEquals(List.of("join(published) []", "unpublish"), player.events(),
                "nobody's frames are relayed once nobody publishes");
    }

    @Test
    void theTimelineContinuesAcrossPublishersThroughBothWrapsOfA32BitTimestamp() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(30)));
        RecordingSink player = new RecordingSink();
        stream.addSink(player);
        FakePublisher first = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(first, false);
        stream.onFrame(first, key(0x7FFFFFF0, 10));
        // Past the signed wrap: later, although negative as an int.
        stream.onFrame(first, inter(0x80000010, 10));

        FakePublisher second = new FakePublisher("/203.0.113.7:50002", clock);
        stream.attachPublisher(second, true);
        stream.onFrame(second, key(0, 10));
        stream.onFrame(second, inter(0x7FFFFFF0, 10));

        FakePublisher third = new FakePublisher("/203.0.113.7:50003", clock);
        stream.attachPublisher(third, true);
        stream.onFrame(third, key(5000, 10));

        assertEquals(List.of(0x7FFFFFF0, 0x80000010,
                0x80000024, 0x14, // the second publisher's frames, shifted past the unsigned wrap
                0x28), player.offeredTimestamps());
    }

    @Test
    void anEarlierFrameDoesNotMoveTheTimelineBackAndAFirstPublisherIsNotShifted() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(30)));
        RecordingSink player = new RecordingSink();
        stream.addSink(player);
        FakePublisher first = new FakePublisher("/203.0.113.7:50001", clock);
        stream.attachPublisher(first, false);
        stream.onFrame(first, key(1000, 10));
        stream.onFrame(first, audio(990, 10));
        stream.detachPublisher();

        FakePublisher second = new FakePublisher("/203.0.113.7:50002", clock);
        stream.attachPublisher(second, false);
        stream.onFrame(second, key(0, 10));
        stream.onFrame(second, audio(21, 10));
        assertEquals(List.of(1000, 990, 1020, 1041), player.offeredTimestamps());
        assertEquals(List.of("join(waiting) []", "publish", "offer video@1000/key", "offer audio@990", "unpublish",
                "publish", "offer video@1020/key", "offer audio@1041"), player.events());
    }

    /** A sink of a given kind that claims to have sent what the test says. */
    private static final class CountingSink extends RecordingSink {
        private final Kind kind;
        private volatile long sent;

        CountingSink(Kind kind) {
            this.kind = kind;
        }

        @Override
        public Kind kind() {
            return kind;
        }

        @Override
        public long bytesSent() {
            return sent;
        }
    }

    @Test
    void theViewCountsPlayersApartFromRecordersAndKeepsTheBytesOfPlayersThatLeft() {
        LiveStream stream = stream(policy(true, 1_000_000, Duration.ofSeconds(30)));
        CountingSink first = new CountingSink(Sink.Kind.PLAYER);
        CountingSink second = new CountingSink(Sink.Kind.PLAYER);
        CountingSink recorder = new CountingSink(Sink.Kind.RECORDER);
        stream.addSink(first);
        stream.addSink(second);
        stream.addSink(recorder);
        first.sent = 1000;
        second.sent = 300;
        LiveStream.View view = stream.view();
        assertEquals(2, view.players());
        assertEquals(1, view.recorders());
        assertEquals(1300, view.bytesSent());

        stream.removeSink(first);
        second.sent = 500;
        view = stream.view();
        assertEquals(1, view.players());
        assertEquals(1500, view.bytesSent(), "what a departed player sent still counts: the total never goes back");
    }
}
