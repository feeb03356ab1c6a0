package dev.rtmpserver.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/** The store as Redis keeps it, in memory, on a test's clock; {@link #down} makes every call fail as an unreachable one does. */
final class FakeStore implements ClusterStore {
    private record Entry(String value, long expiresAt) {
    }

    private final LongSupplier clock;
    private final Map<String, Entry> entries = new HashMap<>();
    boolean down;

    FakeStore(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Claim claim(String key, Owner owner, Duration ttl) {
        check();
        String holder = get(key).orElse(null);
        long expires = clock.getAsLong() + ttl.toNanos();
        if (owner.value().equals(holder)) {
            entries.put(key, new Entry(holder, expires));
            return new Claim(Outcome.RENEWED, holder);
        }
        if (holder != null && !holder.startsWith(owner.nodePrefix())) {
            return new Claim(Outcome.HELD, holder);
        }
        entries.put(key, new Entry(owner.value(), expires));
        return new Claim(Outcome.CREATED, owner.value());
    }

    @Override
    public synchronized boolean release(String key, Owner owner) {
        check();
        if (owner.value().equals(get(key).orElse(null))) {
            entries.remove(key);
            return true;
        }
        return false;
    }

    @Override
    public synchronized Optional<String> get(String key) {
        check();
        Entry e = entries.get(key);
        if (e != null && clock.getAsLong() - e.expiresAt >= 0) {
            entries.remove(key);
            e = null;
        }
        return Optional.ofNullable(e).map(Entry::value);
    }

    /** How long {@code key} has left, as PTTL tells; empty if it has none. */
    synchronized Optional<Duration> ttl(String key) {
        return get(key).map(v -> Duration.ofNanos(entries.get(key).expiresAt - clock.getAsLong()));
    }

    /** Writes as another program (or node) would. */
    synchronized void put(String key, String value, Duration ttl) {
        entries.put(key, new Entry(value, clock.getAsLong() + ttl.toNanos()));
    }

    /** A Redis restarted without persistence: up again, and empty. */
    synchronized void restartEmpty() {
        entries.clear();
        down = false;
    }

    private void check() {
        if (down) {
            throw new StoreException("connection refused", null);
        }
    }

    @Override
    public void close() {
    }
}
