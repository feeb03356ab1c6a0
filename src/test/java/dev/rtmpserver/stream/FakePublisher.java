package dev.rtmpserver.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A publisher whose last activity the test sets, and which records why it was evicted. */
final class FakePublisher implements Publisher {
    private final String description;
    volatile long lastActivityNanos;
    final List<String> evictions = new CopyOnWriteArrayList<>();

    FakePublisher(String address, FakeClock clock) {
        this.description = "conn-test " + address;
        this.lastActivityNanos = clock.getAsLong();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public long lastActivityNanos() {
        return lastActivityNanos;
    }

    @Override
    public void evict(String reason) {
        evictions.add(reason);
    }
}
