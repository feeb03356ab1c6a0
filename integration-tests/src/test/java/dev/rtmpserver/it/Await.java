package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.RtmpMessage.Command;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for what another thread or the server does, always with a deadline. */
final class Await {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(10);

    private Await() {
    }

    /** Polls a condition that another thread makes true, failing after a generous deadline. */
    static void until(BooleanSupplier condition, String what) {
        within(DEADLINE, condition, what);
    }

    /** As {@link #until}, for what may take longer than its deadline (a reconnect a few backoff steps away). */
    static void within(Duration limit, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Polls until {@code probe} returns a value other than null; a probe that throws counts as not yet. */
    static <T> T value(Callable<T> probe, String what) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            try {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
            } catch (Exception e) {
                // Not there yet: a file not yet written, a port not yet open.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Play.Start is queued before the player's sink attaches, so a client can see it a moment early. */
    static void attached(TestServer server, String name, int players) {
        until(() -> {
            LiveStream stream = server.server.registry().get(new StreamKey("live", name));
            return stream != null && stream.sinkCount() >= players;
        }, players + " player(s) attached to live/" + name);
    }

    /** Reads the client's messages until an onStatus with {@code code} arrives. */
    static void status(RtmpClient client, String code) throws IOException {
        while (true) {
            if (MessageCodec.decode(client.read()) instanceof Command c && c.name().equals("onStatus")
                    && c.argument(0) instanceof Map<?, ?> info && code.equals(info.get("code"))) {
                return;
            }
        }
    }
}
