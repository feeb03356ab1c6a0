package dev.rtmpserver.edge;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.relay.PushUrl;
import dev.rtmpserver.stream.FakeClock;
import dev.rtmpserver.stream.FakeScheduler;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pull lifecycle against a fake origin, a fake clock and a real registry. */
@Timeout(20)
class PullsTest {
    private static final StreamKey CAM = new StreamKey("live", "cam");
    private static final Duration LINGER = Duration.ofSeconds(10);
    /** What an attempt to reach an origin costs on the fake clock. */
    private static final Duration ATTEMPT = Duration.ofMillis(100);

    private final FakeClock clock = new FakeClock();
    private final FakeScheduler scheduler = new FakeScheduler(clock);
    private final StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(), scheduler, clock,
            100);
    private final FakeUpstream upstream = new FakeUpstream();
    private final Counters counters = new Counters();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<String> origins = new ArrayList<>(List.of("rtmp://a/live", "rtmp://b/live", "rtmp://c/live"));
    private volatile PullConfig config = PullConfig.none().withLinger(LINGER).withInsecure("trusting");
    private final Pulls pulls = new Pulls(registry, key -> key.app().equals("live") || key.app().equals("trusting")
            ? origins : List.of(), upstream, scheduler, clock, clock::advance,
            (name, task) -> threads.add(Thread.ofVirtual().name(name).start(task)), () -> config, counters);

    {
        registry.setDemand(pulls);
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        pulls.closeAll();
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    @Test
    void simultaneousFirstPlayersShareOneUpstream() throws Exception {
        upstream.up("a");
        int n = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> players = new ArrayList<>();
        List<Player> sinks = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            players.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                Player p = new Player();
                sinks.add(p);
                registry.subscribe(CAM, p, "token=abc");
            }));
        }
        go.countDown();
        for (Thread t : players) {
            t.join();
        }
        await(() -> upstream.sessions.size() == 1 && registry.get(CAM).isPublished(), "the pull publishes");
        FakeSession s = upstream.sessions.get(0);
        s.send(config(0), frame(0, true), frame(40, false));
        await(() -> sinks.stream().allMatch(p -> p.timestamps.size() == 3), "every player gets the frames");

        assertEquals(1, threads.size(), "one pull");
        assertEquals(List.of("a"), upstream.attempts);
        assertEquals("cam?token=abc", upstream.names.get(0), "the player's query goes to the origin");
        assertEquals(1, counters.pullsStarted.sum());
        assertEquals("pull rtmp://a:1935/live/cam", registry.get(CAM).view().publisher());
        // A later player joins the same upstream and starts at the cached keyframe.
        Player late = new Player();
        registry.subscribe(CAM, late, "");
        assertEquals(List.of(0, 0, 40), late.timestamps);
        assertEquals(1, upstream.sessions.size());
    }

    @Test
    void thePullLingersAfterTheLastPlayerAndAReturnCancelsIt() throws Exception {
        upstream.up("a");
        Player p = new Player();
        LiveStream stream = registry.subscribe(CAM, p, "");
        await(() -> stream.isPublished(), "the pull publishes");
        FakeSession s = upstream.sessions.get(0);

        registry.unsubscribe(stream, p);
        advance(LINGER.minusSeconds(1));
        assertTrue(!s.closed, "still lingering");
        Player back = new Player();
        registry.subscribe(CAM, back, "");
        advance(Duration.ofSeconds(5));
        assertTrue(!s.closed, "a returning player cancels the linger");
        assertEquals(1, upstream.sessions.size(), "and costs no new upstream");

        registry.unsubscribe(stream, back);
        advance(LINGER.plusSeconds(1));
        await(() -> s.closed && pulls.size() == 0, "the pull ends after the linger");
        await(() -> registry.get(CAM) == null, "and so does the stream");
    }

    @Test
    void hlsRequestsStartAPullAndKeepItGoingUntilTheyStop() throws Exception {
        upstream.up("a");
        assertTrue(pulls.requested(CAM, "token=t"), "a playlist request starts the pull");
        await(() -> registry.get(CAM) != null && registry.get(CAM).isPublished(), "the pull publishes");
        // With no player on it, the pull starts lingering as soon as it publishes.
        await(() -> !scheduler.pending().isEmpty(), "the pull's linger");
        FakeSession s = upstream.sessions.get(0);
        assertEquals(List.of("cam?token=t"), upstream.names, "the viewer's token goes to the origin");

        // A player asks every second or so; three lingers pass with no RTMP player at all.
        for (int i = 0; i < 3 * LINGER.toSeconds(); i++) {
            assertTrue(pulls.requested(CAM, "token=t"));
            advance(Duration.ofSeconds(1));
        }
        assertTrue(!s.closed, "requests keep the pull going");
        assertEquals(1, upstream.sessions.size(), "on one upstream");

        for (int i = 0; i < Pulls.REQUEST_INTEREST.plus(LINGER).toSeconds() + 2; i++) {
            advance(Duration.ofSeconds(1));
        }
        await(() -> s.closed && pulls.size() == 0, "the pull ends once the requests stop");
        assertTrue(!pulls.fetching(CAM));
    }

    @Test
    void anHlsRequestForAStreamNoOriginHasStopsBeingFetched() throws Exception {
        assertTrue(pulls.requested(CAM, ""));
        await(() -> !pulls.fetching(CAM), "the search ends");
        assertEquals(List.of("a", "b", "c"), upstream.attempts, "each origin once");
        assertEquals(1, counters.pullsFailed.sum());

        StreamKey other = new StreamKey("other", "cam");
        pulls.requested(other, "");
        await(() -> !pulls.fetching(other), "an application without origins is not looked for");
        assertEquals(1, counters.pullsStarted.sum(), "only the first was pulled");
    }

    @Test
    void anHlsRequestForAStreamPublishedHereFetchesNothing() throws Exception {
        publishHere();
        assertTrue(!pulls.requested(CAM, ""));
        assertTrue(!pulls.fetching(CAM));
        assertTrue(threads.isEmpty());
    }

    @Test
    void certificatesAreCheckedUnlessTheStreamsApplicationTrustsAnyOrigin() throws Exception {
        upstream.up("a");
        LiveStream checked = registry.subscribe(CAM, new Player(), "");
        await(checked::isPublished, "the pull publishes");
        assertEquals(0, upstream.insecureAttempts.get());
        LiveStream trusting = registry.subscribe(new StreamKey("trusting", "cam"), new Player(), "");
        await(trusting::isPublished, "the other pull publishes");
        assertEquals(1, upstream.insecureAttempts.get());
    }

    @Test
    void eachAttemptWaitsAsLongAsTheConfigurationSaysAtThatAttempt() throws Exception {
        upstream.up("a");
        config = config.withTimeout(Duration.ofSeconds(2));
        await(registry.subscribe(CAM, new Player(), "")::isPublished, "the pull publishes");
        config = config.withTimeout(Duration.ofSeconds(7));
        await(registry.subscribe(new StreamKey("live", "other"), new Player(), "")::isPublished,
                "the other pull publishes");
        assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(7)), upstream.timeouts);
    }

    @Test
    void failoverTriesTheSameOriginAgainThenTheNextThenWrapsAroundThenGivesUp() throws Exception {
        upstream.up("b");
        Player p = new Player();
        LiveStream stream = registry.subscribe(CAM, p, "");
        await(() -> stream.isPublished(), "the pull publishes");
        assertEquals(List.of("a", "b"), upstream.attempts, "the first origin that has the stream");

        upstream.up("c");
        upstream.sessions.get(0).end();
        await(() -> upstream.sessions.size() == 2 && stream.isPublished(), "the pull carries on from c");
        assertEquals(List.of("a", "b", "b", "c"), upstream.attempts, "b again first, then the next");
        assertEquals(1, counters.pullFailovers.sum());
        assertEquals(0, p.unpublished.get(), "the player was not told");

        upstream.up();
        upstream.sessions.get(1).end();
        await(() -> p.notFound != null, "the players are told once the grace is over");
        List<String> after = upstream.attempts.subList(4, upstream.attempts.size());
        for (int i = 0; i < after.size(); i++) {
            assertEquals(List.of("c", "a", "b").get(i % 3), after.get(i), "attempt " + i + " of " + after);
        }
        assertTrue(after.size() > 3, "more than one round within the grace: " + after);
        assertEquals(1, p.unpublished.get(), "told as by an unpublish");
        assertEquals(1, counters.pullsFailed.sum());
        await(() -> pulls.size() == 0, "the pull is gone");
    }

    @Test
    void timestampsRunOnAcrossAnUpstreamReconnectAndHeadersAreResent() throws Exception {
        upstream.up("a");
        Player p = new Player();
        LiveStream stream = registry.subscribe(CAM, p, "");
        await(() -> stream.isPublished(), "the pull publishes");
        upstream.sessions.get(0).send(config(5000), frame(5000, true), frame(5040, false), frame(5080, false));
        await(() -> p.timestamps.size() == 4, "the first upstream's frames");
        upstream.sessions.get(0).end();
        await(() -> upstream.sessions.size() == 2 && stream.isPublished(), "a new upstream");
        upstream.sessions.get(1).send(config(0), frame(0, true), frame(40, false));
        await(() -> p.timestamps.size() == 7, "the second upstream's frames");

        assertEquals(2, p.configs.get(), "the codec headers are sent again");
        for (int i = 1; i < p.timestamps.size(); i++) {
            assertTrue(p.timestamps.get(i) >= p.timestamps.get(i - 1), "monotonic: " + p.timestamps);
        }
        assertTrue(p.timestamps.get(5) > 5080, "continues after the last frame: " + p.timestamps);
        assertEquals(0, p.unpublished.get());
    }

    @Test
    void aStreamNoOriginHasIsNotFound() throws Exception {
        Player p = new Player();
        registry.subscribe(CAM, p, "");
        await(() -> p.notFound != null, "the player is told");
        assertEquals(List.of("a", "b", "c"), upstream.attempts, "each origin once");
        assertEquals(0, p.unpublished.get(), "it never started");
        assertEquals(1, counters.pullsFailed.sum());
        await(() -> pulls.size() == 0, "the pull is gone");
    }

    @Test
    void anApplicationWithoutOriginsJustWaitsForAPublisher() throws Exception {
        Player p = new Player();
        registry.subscribe(new StreamKey("other", "cam"), p, "");
        await(() -> pulls.size() == 0, "no pull");
        assertNull(p.notFound);
        assertEquals(0, counters.pullsStarted.sum());
    }

    @Test
    void aStreamPublishedHereIsNotPulled() throws Exception {
        publishHere();
        registry.subscribe(CAM, new Player(), "");
        assertEquals(0, pulls.size());
        assertTrue(threads.isEmpty());
    }

    /** An encoder publishes CAM on this server. */
    private void publishHere() {
        registry.publish(CAM, new dev.rtmpserver.stream.Publisher() {
            @Override
            public String describe() {
                return "encoder";
            }

            @Override
            public long lastActivityNanos() {
                return clock.getAsLong();
            }

            @Override
            public void evict(String reason) {
            }
        });
    }

    private void advance(Duration d) {
        clock.advance(d);
        scheduler.runDue();
    }

    private static MediaFrame config(int ts) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[] {0x17, 0, 0, 0, 0}, false, true);
    }

    private static MediaFrame frame(int ts, boolean key) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[] {key ? (byte) 0x17 : 0x27, 1, 0, 0, 0}, key,
                false);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(2);
        }
    }

    /** A player's sink: what it was given and told. */
    private static final class Player implements Sink {
        final List<Integer> timestamps = new CopyOnWriteArrayList<>();
        final AtomicInteger configs = new AtomicInteger();
        final AtomicInteger unpublished = new AtomicInteger();
        volatile String notFound;

        @Override
        public Kind kind() {
            return Kind.PLAYER;
        }

        @Override
        public void join(List<MediaFrame> cached, boolean published) {
            cached.forEach(this::offer);
        }

        @Override
        public void offer(MediaFrame frame) {
            if (frame.config()) {
                configs.incrementAndGet();
            }
            timestamps.add(frame.timestamp());
        }

        @Override
        public void onUnpublish() {
            unpublished.incrementAndGet();
        }

        @Override
        public void notFound(String why) {
            notFound = why;
        }
    }

    /** Origins by host name, each up or down as the test says; every attempt costs fake time. */
    private final class FakeUpstream implements Upstream {
        final List<String> attempts = new CopyOnWriteArrayList<>();
        final AtomicInteger insecureAttempts = new AtomicInteger();
        final List<Duration> timeouts = new CopyOnWriteArrayList<>();
        final List<String> names = new CopyOnWriteArrayList<>();
        final List<FakeSession> sessions = new CopyOnWriteArrayList<>();
        private volatile Set<String> up = Set.of();

        void up(String... hosts) {
            up = Set.of(hosts);
        }

        @Override
        public Session open(PushUrl url, boolean insecure, Duration timeout) throws IOException {
            attempts.add(url.host());
            timeouts.add(timeout);
            if (insecure) {
                insecureAttempts.incrementAndGet();
            }
            clock.advance(ATTEMPT);
            if (!up.contains(url.host())) {
                throw new IOException(url.host() + " does not have it");
            }
            names.add(url.streamName());
            FakeSession s = new FakeSession();
            sessions.add(s);
            return s;
        }
    }

    /** One play from a fake origin: delivers what the test sends until it ends or is closed. */
    private static final class FakeSession implements Upstream.Session {
        private static final Object END = new Object();
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        volatile boolean closed;

        void send(MediaFrame... frames) {
            events.addAll(List.of(frames));
        }

        void end() {
            events.add(END);
        }

        @Override
        public String relay(Consumer<MediaFrame> frames) {
            try {
                while (true) {
                    Object e = events.take();
                    if (e == END) {
                        return closed ? "closed" : "the origin went away";
                    }
                    frames.accept((MediaFrame) e);
                }
            } catch (InterruptedException e) {
                return "interrupted";
            }
        }

        @Override
        public void close() {
            closed = true;
            events.add(END);
        }
    }
}
