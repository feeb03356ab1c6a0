package dev.rtmpserver.cluster;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster map in one Redis, through Jedis. Each operation is one round trip: the claim and the
 * release are small Lua scripts, which Redis runs atomically, so no other node's write falls between
 * reading a key's holder and changing the key (the claim is {@code SET key value NX PX ttl}, or
 * {@code PEXPIRE} when the claimant holds it already).
 */
final class RedisStore implements ClusterStore {
    /**
     * KEYS[1] the stream's key; ARGV[1] the claimant's value, ARGV[2] the TTL in ms, ARGV[3] the
     * prefix every life of the claimant's node writes. Returns {1, value} created, {2, value}
     * renewed, {0, holder} held by another node.
     */
    private static final String CLAIM = """
            local holder = redis.call('GET', KEYS[1])
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return {2, holder}
            end
            if holder and string.sub(holder, 1, string.len(ARGV[3])) ~= ARGV[3] then
              return {0, holder}
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return {1, ARGV[1]}
            """;
    /** KEYS[1] the stream's key, ARGV[1] the releaser's value: deletes the key only if it holds it. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;
    /** A few connections: calls are short, and a publish waits for a free one no longer than for Redis. */
    private static final int MAX_CONNECTIONS = 8;

    private final RedisClient redis;
    private final String name;

    /**
     * Connects lazily: a Redis that is down at start is an outage like any later one.
     *
     * @param timeout how long a call waits to connect, for a free connection, and for the answer
     */
    RedisStore(URI uri, Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis).socketTimeoutMillis(millis)
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                .clientName("rtmp-server");
        if (JedisURIHelper.hasDbIndex(uri)) {
            config.database(JedisURIHelper.getDBIndex(uri));
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(MAX_CONNECTIONS);
        pool.setMaxWait(timeout);
        // Only the first JMX registration of a pool's name succeeds; tests run several servers in one JVM.
        pool.setJmxEnabled(false);
        this.redis = RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(uri)).clientConfig(config.build())
                .poolConfig(pool).build();
        this.name = JedisURIHelper.getHostAndPort(uri).toString();
    }

    @Override
    public Claim claim(String key, Owner owner, Duration ttl) {
        Object answer = call(() -> redis.eval(CLAIM, List.of(key),
                List.of(owner.value(), Long.toString(ttl.toMillis()), owner.nodePrefix())));
        if (!(answer instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Long code)
                || !(pair.get(1) instanceof String holder)) {
            throw new StoreException("unexpected answer to a claim: " + answer, null);
        }
        Outcome outcome = switch (code.intValue()) {
            case 1 -> Outcome.CREATED;
            case 2 -> Outcome.RENEWED;
            default -> Outcome.HELD;
        };
        return new Claim(outcome, holder);
    }

    @Override
    public boolean release(String key, Owner owner) {
        return Long.valueOf(1).equals(call(() -> redis.eval(RELEASE, List.of(key), List.of(owner.value()))));
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(call(() -> redis.get(key)));
    }

    private <T> T call(java.util.function.Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "Redis at " + name;
    }
}
