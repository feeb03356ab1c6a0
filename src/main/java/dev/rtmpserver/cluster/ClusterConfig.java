package dev.rtmpserver.cluster;

import java.net.URI;
import java.time.Duration;

/**
 * A node of a cluster whose nodes share one map of who publishes which stream, in Redis.
 *
 * @param redis        {@code redis://HOST:PORT} (or {@code rediss://}, with user, password and database
 *                     as Redis URLs carry them)
 * @param advertiseUrl {@code rtmp://HOST:PORT} under which the other nodes reach this one
 * @param ttl          how long a stream stays in the map without being renewed: a node that dies
 *                     unannounced blocks its streams on the other nodes for that long
 * @param timeout      the longest a call to Redis may take, a publisher's admission included
 */
public record ClusterConfig(URI redis, URI advertiseUrl, Duration ttl, Duration timeout) {
    /**
     * Renewed every third of it, so two renewals in a row may fail (a Redis failover, a long GC
     * pause) before a live stream drops out; short enough that a crashed node's streams can be
     * published on another node within seconds.
     */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
    /**
     * A publisher waits that long at most for its admission when Redis hangs; a Redis on the same
     * network answers in about a millisecond.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

    public ClusterConfig {
        if (!("redis".equals(redis.getScheme()) || "rediss".equals(redis.getScheme())) || redis.getHost() == null) {
            throw new IllegalArgumentException("not a redis:// or rediss:// URL with a host: " + redis);
        }
        String invalid = invalidAdvertiseUrl(advertiseUrl);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        if (ttl.compareTo(Duration.ofMillis(3)) < 0) {
            throw new IllegalArgumentException("the TTL must be at least 3 ms, a third of it between renewals: " + ttl);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("the timeout must be longer than 0: " + timeout);
        }
    }

    public static ClusterConfig of(URI redis, URI advertiseUrl) {
        return new ClusterConfig(redis, advertiseUrl, DEFAULT_TTL, DEFAULT_TIMEOUT);
    }

    /**
     * Why {@code url} cannot be advertised, or null if it can: other nodes append {@code /APP} to it
     * and connect, so it is {@code rtmp://} or {@code rtmps://}, a host, perhaps a port, and nothing else.
     */
    public static String invalidAdvertiseUrl(URI url) {
        boolean rtmp = "rtmp".equals(url.getScheme()) || "rtmps".equals(url.getScheme());
        boolean bare = (url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"))
                && url.getRawQuery() == null && url.getRawFragment() == null && url.getRawUserInfo() == null;
        if (!rtmp || url.getHost() == null || !bare) {
            return "must be rtmp://HOST[:PORT] or rtmps://HOST[:PORT], as the other nodes reach this one, without an"
                    + " application";
        }
        return null;
    }

    /** The advertised URL as other nodes extend it: no trailing slash. */
    public String advertised() {
        String url = advertiseUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** Where Redis is, for logs: never the password its URL may carry. */
    public String redisAddress() {
        return redis.getHost() + ":" + (redis.getPort() < 0 ? 6379 : redis.getPort());
    }
}
