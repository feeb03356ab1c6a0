package dev.rtmpserver.stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.rtmpserver.stream.Frames.audio;
import static dev.rtmpserver.stream.Frames.inter;
import static dev.rtmpserver.stream.Frames.key;
import static dev.rtmpserver.stream.Frames.videoConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class StreamRegistryTest {
    private static final Duration RECONNECT_GRACE = Duration.ofSeconds(5);
    private static final Duration UNPUBLISH_GRACE = Duration.ofSeconds(3);
    private static final Duration STALE_AFTER = Duration.ofSeconds(10);
    private static final StreamPolicy POLICY = new StreamPolicy(true, StreamPolicy.DEFAULT_GOP_CACHE_BYTES,
            StreamPolicy.DEFAULT_GOP_CACHE_LENGTH, RECONNECT_GRACE, UNPUBLISH_GRACE, STALE_AFTER, Duration.ZERO);
    private static final StreamKey CAM = new StreamKey("live", "cam");

    private final FakeClock clock = new FakeClock();
    private final FakeScheduler scheduler = new FakeScheduler(clock);
    private final List<String> published = new ArrayList<>();

    private StreamRegistry registry(int maxStreams, StreamPolicy policy) {
        StreamRegistry r = new StreamRegistry(app -> policy, scheduler, clock, maxStreams);
        r.setPublishListener((stream, continuing) -> published.add(stream.key() + (continuing ? " continuing" : " new")));
        return r;
    }

    private StreamRegistry registry() {
        return registry(100, POLICY);
    }

    private FakePublisher publisher(String address) {
        return new FakePublisher(address, clock);
    }

    @Test
    void aSecondPublisherOnALiveKeyIsRefusedWithoutBeingToldWhoPublishes() {
        StreamRegistry registry = registry();
        FakePublisher first = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, first);
        clock.advance(STALE_AFTER.minusNanos(1));

        StreamBusyException e = assertThrows(StreamBusyException.class,
                () -> registry.publish(CAM, publisher("/198.51.100.2:50002")));
        assertFalse(e.banned());
        assertFalse(e.getMessage().contains(first.describe()), e.getMessage());
        assertFalse(e.getMessage().contains("203.0.113.7"), e.getMessage());
        assertTrue(first.evictions.isEmpty());
        assertSame(stream, registry.get(CAM));
        assertEquals(1, registry.activeCount());

        // The same publisher publishing its own key again is refused too, and keeps it.
        assertThrows(StreamBusyException.class, () -> registry.publish(CAM, first));
        assertSame(first, stream.publisher());
    }

    @Test
    void aStalePublisherIsTakenOverWithoutTellingPlayersAndFramesContinueOnOneTimeline() {
        StreamRegistry registry = registry();
        RecordingSink player = new RecordingSink();
        FakePublisher old = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, old);
        stream.onFrame(old, videoConfig(0, (byte) 1));
        stream.onFrame(old, key(0, 10));
        stream.onFrame(old, audio(23, 10));
        registry.subscribe(CAM, player);
        stream.onFrame(old, inter(40, 10));

        clock.advance(STALE_AFTER);
        FakePublisher next = publisher("/198.51.100.2:50002");
        assertSame(stream, registry.publish(CAM, next), "the new publisher takes over the same stream");

        assertEquals(1, old.evictions.size());
        String reason = old.evictions.get(0);
        assertFalse(reason.contains("198.51.100.2"), reason);
        assertFalse(reason.contains(next.describe()), reason);
        assertTrue(next.evictions.isEmpty());

        stream.onFrame(old, inter(80, 10));
        stream.onFrame(next, videoConfig(0, (byte) 2));
        stream.onFrame(next, key(0, 10));
        stream.onFrame(next, inter(40, 10));

        assertEquals(List.of("join(published) [video@0/config, video@0/key, audio@23]",
                "offer video@40",
                "offer video@60/config", "offer video@60/key", "offer video@100"), player.events(),
                "no publish or unpublish notice; the old publisher's late frame is ignored; "
                        + "the new one continues 20 ms after the last frame delivered");
        assertEquals(1, registry.activeCount(), "a takeover reserves no second slot");
        assertEquals(List.of("live/cam new", "live/cam continuing"), published);
    }

    @Test
    void aPublisherSilentForLessThanStaleAfterKeepsItsKeyEvenWhenItsSilenceIsCountedAcrossTheClockWrap() {
        StreamRegistry registry = registry();
        FakePublisher old = publisher("/203.0.113.7:50001");
        registry.publish(CAM, old);
        // The fake clock starts 5 s before Long.MAX_VALUE: 9 s of silence crosses the wrap.
        clock.advance(Duration.ofSeconds(9));
        assertThrows(StreamBusyException.class, () -> registry.publish(CAM, publisher("/198.51.100.2:50002")));
        old.lastActivityNanos = clock.getAsLong();
        clock.advance(Duration.ofSeconds(9));
        assertThrows(StreamBusyException.class, () -> registry.publish(CAM, publisher("/198.51.100.2:50002")),
                "activity resets the silence");
        assertTrue(old.evictions.isEmpty());
    }

    @Test
    void waitingPlayersDoNotCountAgainstTheStreamLimit() {
        StreamRegistry registry = registry(1, POLICY);
        for (int i = 0; i < 100; i++) {
            registry.subscribe(new StreamKey("live", "waiting-" + i), new RecordingSink());
        }
        assertEquals(100, registry.size());
        assertEquals(0, registry.activeCount());

        RecordingSink showPlayer = new RecordingSink();
        StreamKey show = new StreamKey("live", "show");
        registry.subscribe(show, showPlayer);
        FakePublisher host = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(show, host);
        assertEquals(1, registry.activeCount());

        StreamKey other = new StreamKey("live", "other");
        assertThrows(StreamLimitException.class, () -> registry.publish(other, publisher("/198.51.100.2:50002")));
        assertNull(registry.get(other), "a refused publish leaves no stream behind");
        assertThrows(StreamLimitException.class,
                () -> registry.publish(new StreamKey("live", "waiting-0"), publisher("/198.51.100.3:50003")));
        assertFalse(registry.get(new StreamKey("live", "waiting-0")).isPublished());
        assertEquals(1, registry.activeCount());

        registry.unpublish(stream, host);
        assertEquals(1, registry.activeCount(), "the slot is kept for the publisher's return during the grace");
        assertThrows(StreamLimitException.class, () -> registry.publish(other, publisher("/198.51.100.2:50002")));

        clock.advance(UNPUBLISH_GRACE);
        assertEquals(1, scheduler.runDue());
        assertEquals(0, registry.activeCount());
        assertEquals(List.of("join(waiting) []", "publish", "unpublish"), showPlayer.events());
        assertNotNull(registry.publish(other, publisher("/198.51.100.2:50002")));
        assertEquals(1, registry.activeCount());
    }

    @Test
    void theStreamLimitAndPoliciesAreAskedAnewSoThatAReloadChangesThem() {
        AtomicInteger limit = new AtomicInteger(1);
        AtomicReference<StreamPolicy> policy = new AtomicReference<>(POLICY);
        StreamRegistry registry = new StreamRegistry(app -> policy.get(), scheduler, clock, limit::get);
        LiveStream first = registry.publish(new StreamKey("live", "a"), publisher("/203.0.113.7:50001"));
        StreamKey second = new StreamKey("live", "b");
        assertThrows(StreamLimitException.class, () -> registry.publish(second, publisher("/198.51.100.2:50002")));

        limit.set(2);
        policy.set(POLICY.withGopCache(false));

        assertFalse(registry.publish(second, publisher("/198.51.100.2:50002")).policy().gopCache());
        assertTrue(first.policy().gopCache(), "a stream keeps the policy it began with");
        limit.set(1);
        assertThrows(StreamLimitException.class,
                () -> registry.publish(new StreamKey("live", "c"), publisher("/198.51.100.3:50003")));
        assertEquals(2, registry.activeCount(), "a lower limit ends no stream");
    }

    @Test
    void aCleanUnpublishTellsPlayersOnlyWhenTheGraceEndsAndARepublishWithinItContinues() {
        StreamRegistry registry = registry();
        RecordingSink player = new RecordingSink();
        FakePublisher encoder = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, encoder);
        registry.subscribe(CAM, player);
        stream.onFrame(encoder, key(1000, 10));
        player.take();

        registry.unpublish(stream, encoder);
        assertEquals(List.of(), player.events(), "not told during the grace");
        assertEquals(1, scheduler.pending().size());
        assertEquals(UNPUBLISH_GRACE, scheduler.pending().get(0).delay());
        assertEquals(1, registry.activeCount());

        // The encoder restarts within the grace: its players never notice.
        FakePublisher restarted = publisher("/203.0.113.7:50004");
        assertSame(stream, registry.publish(CAM, restarted));
        stream.onFrame(restarted, key(0, 10));
        clock.advance(UNPUBLISH_GRACE);
        assertEquals(1, scheduler.runDue());
        assertEquals(List.of("offer video@1020/key"), player.take(), "no unpublish, no publish, time continues");
        assertTrue(stream.isPublished());

        // This time it does not come back.
        registry.unpublish(stream, restarted);
        clock.advance(UNPUBLISH_GRACE.minusNanos(1));
        assertEquals(0, scheduler.runDue());
        assertEquals(List.of(), player.take());
        clock.advance(Duration.ofNanos(1));
        assertEquals(1, scheduler.runDue());
        assertEquals(List.of("unpublish"), player.take());
        assertEquals(0, registry.activeCount());
        assertSame(stream, registry.get(CAM), "the player still waits on the stream");

        // A publish after the grace is a new stream to its players.
        registry.publish(CAM, publisher("/203.0.113.7:50005"));
        assertEquals(List.of("publish"), player.take());
    }

    @Test
    void anUnpublishOfAPublisherThatNoLongerOwnsTheStreamChangesNothing() {
        StreamRegistry registry = registry();
        RecordingSink player = new RecordingSink();
        FakePublisher old = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, old);
        registry.subscribe(CAM, player);
        clock.advance(STALE_AFTER);
        FakePublisher next = publisher("/198.51.100.2:50002");
        registry.publish(CAM, next);

        // The evicted connection cleans up as any closed connection would.
        registry.unpublish(stream, old);
        registry.publisherLost(stream, old);
        registry.end(stream, old);
        assertTrue(scheduler.pending().isEmpty());
        assertSame(next, stream.publisher());
        assertEquals(List.of("join(published) []"), player.events());
    }

    @Test
    void anUnpublishGraceOfZeroTellsPlayersAtOnce() {
        StreamRegistry registry = registry(100, POLICY.withGraces(RECONNECT_GRACE, Duration.ZERO));
        RecordingSink player = new RecordingSink();
        FakePublisher encoder = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, encoder);
        registry.subscribe(CAM, player);

        registry.unpublish(stream, encoder);
        assertEquals(List.of("join(published) []", "unpublish"), player.events());
        assertTrue(scheduler.pending().isEmpty());
        assertEquals(0, registry.activeCount());
    }

    @Test
    void aLostPublisherIsWaitedForForTheReconnectGraceAndALateExpiryDoesNotEndANewerOrphaning() {
        StreamRegistry registry = registry();
        RecordingSink player = new RecordingSink();
        FakePublisher first = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, first);
        registry.subscribe(CAM, player);
        player.take();

        registry.publisherLost(stream, first);
        assertEquals(1, scheduler.pending().size());
        FakeScheduler.Task firstExpiry = scheduler.pending().get(0);
        assertEquals(RECONNECT_GRACE, firstExpiry.delay());
        assertEquals(1, registry.activeCount());

        FakePublisher second = publisher("/203.0.113.7:50002");
        registry.publish(CAM, second);
        registry.publisherLost(stream, second);
        FakeScheduler.Task secondExpiry = scheduler.pending().get(1);

        scheduler.run(firstExpiry);
        assertEquals(List.of(), player.events(), "the first orphaning's expiry must not end the second");
        assertEquals(1, registry.activeCount());

        scheduler.run(secondExpiry);
        assertEquals(List.of("unpublish"), player.events());
        assertEquals(0, registry.activeCount());
        assertFalse(stream.isPublished());
    }

    @Test
    void anEndTheServerDecidedTellsPlayersAtOnce() {
        StreamRegistry registry = registry();
        RecordingSink player = new RecordingSink();
        FakePublisher encoder = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, encoder);
        registry.subscribe(CAM, player);

        registry.end(stream, encoder);
        assertEquals(List.of("join(published) []", "unpublish"), player.events());
        assertTrue(scheduler.pending().isEmpty());
        assertEquals(0, registry.activeCount());
    }

    @Test
    void aKickTellsPlayersEvictsThePublisherAndBansTheKeyForAWhile() {
        StreamRegistry registry = registry();
        RecordingSink player = new RecordingSink();
        FakePublisher encoder = publisher("/203.0.113.7:50001");
        registry.publish(CAM, encoder);
        registry.subscribe(CAM, player);
        player.take();

        assertTrue(registry.kick(CAM, Duration.ofSeconds(60), "kicked by the operator"));
        assertEquals(List.of("unpublish"), player.take());
        assertEquals(List.of("kicked by the operator"), encoder.evictions);
        assertEquals(0, registry.activeCount());

        clock.advance(Duration.ofSeconds(60).minusNanos(1));
        StreamBusyException e = assertThrows(StreamBusyException.class,
                () -> registry.publish(CAM, publisher("/203.0.113.7:50002")));
        assertTrue(e.banned());
        assertFalse(e.getMessage().contains("203.0.113.7"), e.getMessage());
        assertEquals(List.of(), player.take());

        clock.advance(Duration.ofNanos(1));
        registry.publish(CAM, publisher("/203.0.113.7:50002"));
        assertEquals(List.of("publish"), player.take());
    }

    @Test
    void aKickOfAnUnknownOrUnpublishedKeyReturnsFalseAndLeavesNoBan() {
        StreamRegistry registry = registry();
        assertFalse(registry.kick(CAM, Duration.ofHours(1), "kicked"));
        assertNull(registry.get(CAM));
        registry.publish(CAM, publisher("/203.0.113.7:50001"));

        StreamKey awaited = new StreamKey("live", "awaited");
        RecordingSink player = new RecordingSink();
        registry.subscribe(awaited, player);
        assertFalse(registry.kick(awaited, Duration.ofHours(1), "kicked"));
        assertEquals(List.of("join(waiting) []"), player.events(), "a waiting player is not told anything");
        registry.publish(awaited, publisher("/203.0.113.7:50002"));
        assertEquals(List.of("join(waiting) []", "publish"), player.events());
    }

    @Test
    void aKickWithoutABanAllowsARepublishAtOnce() {
        StreamRegistry registry = registry();
        FakePublisher encoder = publisher("/203.0.113.7:50001");
        registry.publish(CAM, encoder);
        assertTrue(registry.kick(CAM, Duration.ZERO, "kicked"));
        assertEquals(List.of("kicked"), encoder.evictions);
        assertNull(registry.get(CAM), "nothing refers to the kicked stream any more");
        registry.publish(CAM, publisher("/203.0.113.7:50002"));
    }

    @Test
    void aStreamNobodyPublishesOrPlaysIsForgottenAndASubscribeAfterThatGetsAFreshOne() {
        StreamRegistry registry = registry();
        RecordingSink first = new RecordingSink();
        LiveStream stream = registry.subscribe(CAM, first);
        assertSame(stream, registry.get(CAM));
        registry.unsubscribe(stream, first);
        assertNull(registry.get(CAM));
        assertEquals(0, registry.size());

        RecordingSink second = new RecordingSink();
        LiveStream fresh = registry.subscribe(CAM, second);
        assertNotSame(stream, fresh);
        assertSame(fresh, registry.get(CAM));
        // Changes through the forgotten object reach nothing.
        registry.unsubscribe(stream, second);
        assertSame(fresh, registry.get(CAM));
        assertEquals(1, fresh.sinkCount());
    }

    @Test
    void aPublishedStreamWithoutPlayersIsForgottenWhenItsPublisherLeavesAndItsLateExpiryIsHarmless() {
        StreamRegistry registry = registry();
        FakePublisher encoder = publisher("/203.0.113.7:50001");
        LiveStream stream = registry.publish(CAM, encoder);
        registry.unpublish(stream, encoder);
        assertNull(registry.get(CAM));
        assertEquals(0, registry.activeCount());

        RecordingSink player = new RecordingSink();
        LiveStream next = registry.subscribe(CAM, player);
        clock.advance(UNPUBLISH_GRACE);
        assertEquals(1, scheduler.runDue());
        assertSame(next, registry.get(CAM));
        assertEquals(0, registry.activeCount(), "the forgotten stream's expiry must not free a slot twice");
        assertEquals(List.of("join(waiting) []"), player.events());
    }

    @Test
    // Nothing signals that the joiner queued for the lock: the test yields until it sees it.
    @SuppressWarnings("ThreadPriorityCheck")
    void aStreamBlockedInFanOutDelaysNoOtherKey() throws Exception {
        StreamRegistry registry = registry();
        FakePublisher busyPublisher = publisher("/203.0.113.7:50001");
        LiveStream busy = registry.publish(CAM, busyPublisher);
        CountDownLatch offering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        registry.subscribe(CAM, new RecordingSink() {
            // Blocks without holding the sink's monitor; super.offer takes it.
            @SuppressWarnings("UnsynchronizedOverridesSynchronized")
            @Override
            public void offer(MediaFrame frame) {
                offering.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.offer(frame);
            }
        });
        Thread fanOut = Thread.ofVirtual().start(() -> busy.onFrame(busyPublisher, key(0, 10)));
        Thread joiner = null;
        try {
            offering.await();
            assertTrue(busy.lock.isLocked(), "the blocked fan-out holds the stream's lock");

            // Control: a change to the blocked stream itself does wait for its lock.
            joiner = Thread.ofVirtual().start(() -> registry.subscribe(CAM, new RecordingSink()));
            while (!busy.lock.hasQueuedThread(joiner)) {
                Thread.yield();
            }

            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                StreamKey other = new StreamKey("live", "other");
                RecordingSink player = new RecordingSink();
                LiveStream stream = registry.subscribe(other, player);
                FakePublisher p = publisher("/198.51.100.2:50002");
                assertSame(stream, registry.publish(other, p));
                stream.onFrame(p, key(0, 10));
                registry.unsubscribe(stream, player);
                registry.end(stream, p);
                assertNull(registry.get(other));

                StreamKey third = new StreamKey("live", "third");
                RecordingSink waiting = new RecordingSink();
                registry.unsubscribe(registry.subscribe(third, waiting), waiting);
                assertEquals(1, registry.activeCount());
                assertEquals(List.of(CAM), registry.streams().stream().map(LiveStream::key).toList());
            });
        } finally {
            release.countDown();
        }
        fanOut.join();
        joiner.join();
        assertEquals(2, busy.sinkCount());
    }
}
