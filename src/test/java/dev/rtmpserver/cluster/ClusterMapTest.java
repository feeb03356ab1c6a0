package dev.rtmpserver.cluster;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterMapTest {
    private static final Duration TTL = Duration.ofSeconds(10);
    private static final StreamKey CAM = new StreamKey("live", "cam1");
    private static final String CAM_KEY = "rtmp-server:stream:live/cam1";
    private static final Owner A = new Owner("rtmp://node-a:1935", "a1");
    private static final Owner B = new Owner("rtmp://node-b:1935", "b1");

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final FakeStore store = new FakeStore(now::get);
    private final Counters counters = new Counters();
    private final ClusterMap map = new ClusterMap(store, A, TTL, counters, new Inline());

    /** Runs what the map does in the background at once, so each test sees its effect when the call returns. */
    private static final class Inline extends AbstractExecutorService {
        private boolean shutdown;

        @Override
        public void execute(Runnable command) {
            if (shutdown) {
                throw new RejectedExecutionException("shut down");
            }
            command.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aPublishIsRegisteredUnderItsKeyWithTheNodesUrlAndExpiry() {
        map.claim(CAM);

        assertEquals(Optional.of("rtmp://node-a:1935 a1"), store.get(CAM_KEY));
        assertEquals(Optional.of(TTL), store.ttl(CAM_KEY));
        assertEquals(1, counters.clusterRegistrations.sum());
        assertEquals(CAM_KEY, ClusterMap.keyOf(CAM));
    }

    @Test
    void noTwoStreamsShareAKey() {
        assertEquals("rtmp-server:stream:live/a/b", ClusterMap.keyOf(new StreamKey("live", "a/b")));
        assertEquals("rtmp-server:stream:live%2Fa/b", ClusterMap.keyOf(new StreamKey("live/a", "b")));
        assertEquals("rtmp-server:stream:live%252Fa/b", ClusterMap.keyOf(new StreamKey("live%2Fa", "b")));
    }

    @Test
    void renewalKeepsALiveStreamPastItsFirstExpiry() {
        map.claim(CAM);
        for (int i = 0; i < 5; i++) {
            advance(TTL.dividedBy(3));
            map.renewAll();
        }

        assertEquals(Optional.of(A.value()), store.get(CAM_KEY));
        assertEquals(Optional.of(TTL), store.ttl(CAM_KEY));
        assertEquals(1, counters.clusterRegistrations.sum(), "renewing is not registering again");
    }

    @Test
    void withoutRenewalTheEntryOfADeadNodeExpires() {
        map.claim(CAM);
        advance(TTL);

        assertEquals(Optional.empty(), store.get(CAM_KEY));
    }

    @Test
    void theLastReleaseDeletesTheEntry() {
        map.claim(CAM);
        map.claim(CAM); // a second local publisher, refused by the registry or taking over a stale one
        map.release(CAM);
        assertEquals(Optional.of(A.value()), store.get(CAM_KEY), "one claim is left");

        map.release(CAM);
        assertEquals(Optional.empty(), store.get(CAM_KEY));
        map.renewAll();
        assertEquals(Optional.empty(), store.get(CAM_KEY), "nothing released is renewed");
    }

    @Test
    void aReleaseDeletesOnlyAnEntryThisNodeStillHolds() {
        map.claim(CAM);
        advance(TTL); // this node's entry expired (a long pause), and node B took the stream
        store.put(CAM_KEY, B.value(), TTL);

        map.release(CAM);

        assertEquals(Optional.of(B.value()), store.get(CAM_KEY));
    }

    @Test
    void aStreamAnotherNodeHoldsIsRefusedAsALocalDuplicateIs() {
        store.put(CAM_KEY, B.value(), TTL);

        StreamBusyException e = assertThrows(StreamBusyException.class, () -> map.claim(CAM));

        assertEquals("stream live/cam1 is already being published", e.getMessage());
        assertEquals(1, counters.clusterRefusals.sum());
        assertEquals(Optional.of(B.value()), store.get(CAM_KEY));
        advance(TTL.dividedBy(2));
        map.renewAll();
        map.release(CAM); // a stray release must not delete B's entry either
        assertEquals(Optional.of(B.value()), store.get(CAM_KEY), "a refused claim is not renewed");
    }

    @Test
    void aPreviousLifeOfThisNodeIsTakenOverNotRefused() {
        store.put(CAM_KEY, "rtmp://node-a:1935 before-restart", TTL);

        map.claim(CAM);

        assertEquals(Optional.of(A.value()), store.get(CAM_KEY));
    }

    @Test
    void redisDownAdmitsPublishesLogsOneOutageAndRepairsTheMapWhenItReturns() {
        map.claim(CAM);
        store.down = true;

        map.claim(new StreamKey("live", "cam2"));
        map.claim(new StreamKey("live", "cam3"));
        map.renewAll();
        assertEquals(List.of(), map.originsFor(new StreamKey("live", "elsewhere")));

        assertEquals(2, counters.clusterUnchecked.sum());
        assertEquals(1, counters.clusterOutages.sum(), "one outage however many calls failed");
        assertTrue(counters.clusterErrors.sum() >= 4, "every failed call is counted: " + counters.clusterErrors.sum());

        store.restartEmpty();
        map.renewAll();

        for (String name : List.of("cam1", "cam2", "cam3")) {
            assertEquals(Optional.of(A.value()), store.get("rtmp-server:stream:live/" + name), name);
        }
        assertEquals(1, counters.clusterOutages.sum());
    }

    @Test
    void theFirstCallThatSucceedsAfterAnOutageRegistersEverythingAgain() {
        store.down = true;
        map.claim(CAM);
        store.restartEmpty();

        map.originsFor(new StreamKey("live", "elsewhere"));

        assertEquals(Optional.of(A.value()), store.get(CAM_KEY));
    }

    @Test
    void aReleaseWhileRedisIsDownLeavesTheEntryToExpire() {
        map.claim(CAM);
        store.down = true;
        map.release(CAM);
        store.down = false;

        map.renewAll();
        assertEquals(Optional.of(A.value()), store.get(CAM_KEY), "not renewed, not yet expired");
        advance(TTL);
        assertEquals(Optional.empty(), store.get(CAM_KEY));
    }

    @Test
    void originsNameTheNodeThatPublishesWithTheApplicationButNeverThisNode() {
        assertEquals(List.of(), map.originsFor(CAM), "published nowhere");

        store.put(CAM_KEY, B.value(), TTL);
        assertEquals(List.of("rtmp://node-b:1935/live"), map.originsFor(CAM));

        store.put(CAM_KEY, A.value(), TTL);
        assertEquals(List.of(), map.originsFor(CAM), "this node");
        store.put(CAM_KEY, "rtmp://node-a:1935 before-restart", TTL);
        assertEquals(List.of(), map.originsFor(CAM), "this node's previous life");
        store.put(CAM_KEY, "written by something else", TTL);
        assertEquals(List.of(), map.originsFor(CAM), "not an owner");
    }

    @Test
    void closingDeletesTheEntriesOfStreamsStillPublishedHere() {
        map.claim(CAM);
        store.put("rtmp-server:stream:live/other", B.value(), TTL);

        map.close();

        assertEquals(Optional.empty(), store.get(CAM_KEY));
        assertEquals(Optional.of(B.value()), store.get("rtmp-server:stream:live/other"));
    }

    @Test
    void anOwnerIsWrittenAsUrlSpaceIdAndReadBack() {
        assertEquals(Optional.of(A), Owner.parse(A.value()));
        assertEquals(Optional.empty(), Owner.parse("no-id"));
        assertEquals(Optional.empty(), Owner.parse("a b c"));
        assertThrows(IllegalArgumentException.class, () -> new Owner("rtmp://a b", "x"));
    }
}
