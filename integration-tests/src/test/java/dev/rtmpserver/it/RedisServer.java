package dev.rtmpserver.it;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

/**
 * Debian's redis-server on a free loopback port, without persistence, so a restart comes back
 * empty as a Redis that lost its memory does; and a client to look into it.
 */
final class RedisServer implements AutoCloseable {
    final int port;
    private Tools.Run process;
    private final RedisClient client;
    private int starts;

    RedisServer() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        start();
        client = RedisClient.create("127.0.0.1", port);
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts it (again) on its port and waits until it accepts connections. */
    void start() throws Exception {
        starts++;
        process = Tools.start("redis-" + port + "-" + starts, "redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no");
        Await.value(() -> {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        }, "redis-server listens on " + port);
    }

    /** SIGKILL: gone at once, its memory with it, as a crashed Redis is. */
    void kill() {
        process.kill();
    }

    /** The key's value, or null; a connection broken by a restart counts as not there yet. */
    String get(String key) {
        try {
            return client.get(key);
        } catch (JedisConnectionException e) {
            return null;
        }
    }

    /** Writes {@code key} as another program would, expiring after {@code ttl}. */
    void set(String key, String value, Duration ttl) {
        client.psetex(key, ttl.toMillis(), value);
    }

    /** The key's time to live as PTTL tells it: -2 if there is no key. */
    Duration ttl(String key) {
        return Duration.ofMillis(client.pttl(key));
    }

    @Override
    public void close() {
        client.close();
        process.kill();
    }
}
