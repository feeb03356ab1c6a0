package dev.rtmpserver.it;

import dev.rtmpserver.cluster.ClusterConfig;
import dev.rtmpserver.cluster.ClusterMap;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nodes in-process sharing a real redis-server, published to and played from with ffmpeg. */
@Timeout(180)
class ClusterMapIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final StreamKey CAM = new StreamKey("live", "cam");
    private static final String CAM_KEY = ClusterMap.keyOf(CAM);

    @TempDir
    Path dir;

    /** A node on a port chosen now, so that it can advertise it. */
    private static TestServer node(RedisServer redis, Duration ttl) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ServerConfig c = ServerConfig.forTests().withCluster(new ClusterConfig(redis.uri(),
                URI.create("rtmp://127.0.0.1:" + port), ttl, ClusterConfig.DEFAULT_TIMEOUT));
        return new TestServer(new ServerConfig(c.bind(), port, c.recording(), c.session(), c.streams(),
                c.appStreams(), c.http(), c.limits(), c.tls(), c.access(), c.hooks(), c.pushes(), c.pulls(), c.cluster()));
    }

    private static ClusterMap map(TestServer node) {
        return node.server.cluster().orElseThrow();
    }

    private static boolean published(TestServer server, StreamKey key) {
        LiveStream s = server.server.registry().get(key);
        return s != null && s.isPublished();
    }

    @Test
    void aStreamIsMappedToItsNodeWhilePublishedAndRefusedOnAnother() throws Exception {
        // A TTL longer than the test's waits: a key that goes went because it was deleted, not because it expired.
        Duration ttl = Duration.ofSeconds(60);
        try (RedisServer redis = new RedisServer();
             TestServer a = node(redis, ttl);
             TestServer b = node(redis, ttl)) {
            String aUrl = "rtmp://127.0.0.1:" + a.port();
            Tools.Run publisher = Tools.publishTestStream("cluster-publish-a", a.url("live", "cam"), "320x240", 60,
                    true, true);
            Await.until(() -> published(a, CAM), "A publishes live/cam");

            String value = Await.value(() -> redis.get(CAM_KEY), "live/cam is in Redis");
            assertTrue(value.startsWith(aUrl + " "), value);
            assertEquals(map(a).self().value(), value);
            Duration left = redis.ttl(CAM_KEY);
            assertTrue(left.compareTo(Duration.ZERO) > 0 && left.compareTo(ttl) <= 0, "expires in " + left);
            assertEquals(List.of(aUrl + "/live"), map(b).originsFor(CAM), "B finds the stream on A");
            assertEquals(List.of(), map(a).originsFor(CAM), "A never names itself");

            Tools.Run refused = Tools.publishTestStream("cluster-publish-b", b.url("live", "cam"), "320x240", 10,
                    true, true);
            assertNotEquals(0, refused.await(LIMIT), "B refuses the publish");
            assertTrue(refused.output().contains("already being published"), refused.output());
            Counters bCounters = b.server.counters();
            assertEquals(1, bCounters.clusterRefusals.sum());
            assertEquals(1, bCounters.publishesRejected.sum());
            assertTrue(!published(b, CAM), "B does not publish it");
            assertTrue(published(a, CAM), "A's stream goes on");
            assertEquals(value, redis.get(CAM_KEY), "A still holds the key");

            publisher.stop(Duration.ofSeconds(10));
            Await.until(() -> redis.get(CAM_KEY) == null, "the key goes when A's publisher leaves");
            assertEquals(List.of(), map(b).originsFor(CAM), "B finds the stream nowhere");
            assertEquals(0, a.server.counters().clusterErrors.sum());
        }
    }

    /**
     * A player on the node where nobody publishes the stream gets it all the same: the node finds
     * the publishing node in Redis and pulls from it, as an edge does, without claiming the key.
     */
    @Test
    void aPlayOnAnotherNodePullsTheStreamFromTheNodeThatPublishesIt() throws Exception {
        try (RedisServer redis = new RedisServer();
             TestServer a = node(redis, ClusterConfig.DEFAULT_TTL);
             TestServer b = node(redis, ClusterConfig.DEFAULT_TTL)) {
            Tools.Run publisher = Tools.publishTestStream("cluster-pull-publish", a.url("live", "cam"), "320x240", 60,
                    true, true);
            Await.until(() -> published(a, CAM), "A publishes live/cam");
            String value = Await.value(() -> redis.get(CAM_KEY), "live/cam is in Redis");

            Path file = dir.resolve("from-b.flv");
            Tools.captureToFile("cluster-pull-play", b.url("live", "cam"), file, 4).expectSuccess(LIMIT);
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
            assertEquals("", Tools.decodeErrors(file), file + " decodes without errors");
            assertEquals(1, b.server.counters().pullsStarted.sum(), "B pulled it");
            assertEquals(value, redis.get(CAM_KEY), "the pulled copy on B claims nothing: A still holds the key");
            publisher.stop(Duration.ofSeconds(10));
        }
    }

    /** The claim and release scripts as Redis runs them, driven through the map without a publisher. */
    @Test
    void claimsRenewTakeOverAPreviousLifeAndNeverTouchAnotherNodesKey() throws Exception {
        Duration ttl = Duration.ofSeconds(60);
        try (RedisServer redis = new RedisServer();
             TestServer a = node(redis, ttl)) {
            ClusterMap map = map(a);
            String mine = map.self().value();
            StreamKey fresh = new StreamKey("live", "fresh");
            map.claim(fresh);
            assertEquals(mine, redis.get(ClusterMap.keyOf(fresh)));
            redis.set(ClusterMap.keyOf(fresh), mine, Duration.ofSeconds(5));
            map.claim(fresh);
            assertTrue(redis.ttl(ClusterMap.keyOf(fresh)).compareTo(Duration.ofSeconds(5)) > 0, "renewed to the TTL");
            map.release(fresh);
            assertEquals(mine, redis.get(ClusterMap.keyOf(fresh)), "one claim is left");
            map.release(fresh);
            Await.until(() -> redis.get(ClusterMap.keyOf(fresh)) == null, "the last release deletes it");

            StreamKey restarted = new StreamKey("live", "restarted");
            redis.set(ClusterMap.keyOf(restarted), map.self().advertiseUrl() + " an-earlier-process", ttl);
            map.claim(restarted);
            assertEquals(mine, redis.get(ClusterMap.keyOf(restarted)), "a previous life's key is taken over");

            StreamKey other = new StreamKey("live", "other");
            String theirs = "rtmp://127.0.0.1:1 another-node";
            redis.set(ClusterMap.keyOf(other), theirs, ttl);
            StreamBusyException refused = assertThrows(StreamBusyException.class, () -> map.claim(other));
            assertEquals("stream live/other is already being published", refused.getMessage());
            map.release(other);
            Thread.sleep(200);
            assertEquals(theirs, redis.get(ClusterMap.keyOf(other)), "another node's key is never deleted");
            assertEquals(List.of("rtmp://127.0.0.1:1/live"), map.originsFor(other));
            assertEquals(0, a.server.counters().clusterErrors.sum());
        }
    }

    @Test
    void aNodeShuttingDownDeletesItsStreamsAtOnce() throws Exception {
        try (RedisServer redis = new RedisServer()) {
            TestServer a = node(redis, Duration.ofSeconds(60));
            Tools.Run publisher;
            try {
                publisher = Tools.publishTestStream("cluster-shutdown-publish", a.url("live", "cam"), "320x240", 60,
                        false, true);
                Await.until(() -> published(a, CAM), "A publishes live/cam");
                Await.value(() -> redis.get(CAM_KEY), "live/cam is in Redis");
            } finally {
                a.close();
            }
            assertNull(redis.get(CAM_KEY), "gone when the node has stopped, not a TTL later");
            publisher.kill();
        }
    }

    @Test
    void redisGoingAwayStopsNothingAndTheMapIsRepairedWhenItReturns() throws Exception {
        Duration ttl = Duration.ofSeconds(3);
        try (RedisServer redis = new RedisServer();
             TestServer a = node(redis, ttl)) {
            Tools.Run publisher = Tools.publishTestStream("cluster-outage-publish", a.url("live", "cam"), "320x240",
                    60, true, true);
            Await.until(() -> published(a, CAM), "A publishes live/cam");
            Await.value(() -> redis.get(CAM_KEY), "live/cam is in Redis");
            Path played = dir.resolve("played.flv");
            Tools.Run player = Tools.captureToFile("cluster-outage-play", a.url("live", "cam"), played, 15);
            Await.attached(a, "cam", 1);

            redis.kill();
            Counters counters = a.server.counters();
            Await.within(LIMIT, () -> counters.clusterOutages.sum() == 1, "the renewal finds Redis gone");
            StreamKey cam2 = new StreamKey("live", "cam2");
            Tools.Run second = Tools.publishTestStream("cluster-outage-publish2", a.url("live", "cam2"), "320x240",
                    60, false, true);
            Await.until(() -> published(a, cam2), "a publish while Redis is down is admitted");
            assertEquals(1, counters.clusterUnchecked.sum());
            // Several renewal periods of failures are one outage.
            Thread.sleep(ttl.toMillis());
            assertEquals(1, counters.clusterOutages.sum());
            assertTrue(published(a, CAM), "A's first stream goes on");

            redis.start();
            long restarted = System.nanoTime();
            Await.within(LIMIT, () -> map(a).self().value().equals(redis.get(CAM_KEY)), "live/cam is back in Redis");
            System.out.printf("live/cam back in Redis %d ms after it restarted (renewal every %d ms)%n",
                    Duration.ofNanos(System.nanoTime() - restarted).toMillis(), ttl.dividedBy(3).toMillis());
            Await.within(LIMIT, () -> map(a).self().value().equals(redis.get(ClusterMap.keyOf(cam2))),
                    "live/cam2, published during the outage, is in Redis");
            assertTrue(redis.ttl(CAM_KEY).compareTo(Duration.ZERO) > 0, "with an expiry");

            player.expectSuccess(LIMIT);
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(played));
            assertEquals("", Tools.decodeErrors(played), "the player decoded across the outage");
            assertTrue(Tools.durationSeconds(played) >= 10, "played through: " + Tools.durationSeconds(played) + " s");
            publisher.stop(Duration.ofSeconds(10));
            second.stop(Duration.ofSeconds(10));
            Await.until(() -> redis.get(CAM_KEY) == null, "the key goes when the publisher leaves");
            assertNull(redis.get(CAM_KEY));
        }
    }
}
