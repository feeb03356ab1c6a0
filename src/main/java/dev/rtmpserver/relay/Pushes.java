package dev.rtmpserver.relay;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PublishListener;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamRegistry;
import org.tinylog.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Every push target of the server: those of the application's configuration and of the
 * {@code --on-publish} callback's answer, started with each publish, and those added through the
 * API. A target lives as long as its publish: it stops when the publisher leaves.
 */
public final class Pushes implements PublishListener {
    private final StreamRegistry registry;
    private final Supplier<PushConfig> config;
    private final Counters counters;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<StreamKey, List<PushTarget>> targets = new ConcurrentHashMap<>();
    /** URLs the publish callback answered with, taken by the publish that follows it. */
    private final Map<StreamKey, List<String>> fromCallback = new ConcurrentHashMap<>();

    /** @param config read at each publish, so a reload applies to the next one */
    public Pushes(StreamRegistry registry, Supplier<PushConfig> config, Counters counters) {
        this.registry = registry;
        this.config = config;
        this.counters = counters;
    }

    /**
     * The {@code --on-publish} callback allowed a publish and asked for these pushes too. An answer
     * without pushes is recorded as well, so that one left by a publish that then failed is not taken
     * by the next.
     */
    public void requested(StreamKey key, List<String> urls) {
        fromCallback.put(key, List.copyOf(urls));
    }

    @Override
    public void published(LiveStream stream, boolean continuing) {
        StreamKey key = stream.key();
        List<String> requested = fromCallback.remove(key);
        if (continuing) {
            return;
        }
        for (String template : config.get().targets().getOrDefault(key.app(), List.of())) {
            startLogged(key, template);
        }
        for (String template : requested == null ? List.<String>of() : requested) {
            startLogged(key, template);
        }
    }

    private void startLogged(StreamKey key, String template) {
        try {
            add(key, template);
        } catch (IllegalArgumentException e) {
            Logger.warn("{}: not pushed: {}", key, e.getMessage());
        }
    }

    /**
     * Starts pushing a published stream to {@code template} (see {@link PushUrl#of}).
     *
     * @return the new target, or empty if nobody publishes the stream
     * @throws IllegalArgumentException if the URL is not one to push to
     */
    public Optional<PushTarget> add(StreamKey key, String template) {
        PushUrl url = PushUrl.of(template, key.name());
        LiveStream stream = registry.get(key);
        if (stream == null || !stream.isPublished()) {
            return Optional.empty();
        }
        String id = Long.toString(nextId.getAndIncrement());
        PushTarget[] self = new PushTarget[1];
        PushTarget target = new PushTarget(id, key, url, config.get().insecure().contains(key.app()),
                System::nanoTime, () -> ThreadLocalRandom.current().nextDouble(), () -> ended(self[0]),
                counters.framesDroppedPushBehind);
        self[0] = target;
        targets.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(target);
        target.start();
        registry.subscribe(key, target);
        return Optional.of(target);
    }

    /** Stops one target, unpublishing from its server. @return false if the stream has no such target */
    public boolean remove(StreamKey key, String id) {
        for (PushTarget t : of(key)) {
            if (t.id().equals(id)) {
                t.stop();
                return true;
            }
        }
        return false;
    }

    /** The stream's targets, oldest first. */
    public List<PushTarget> of(StreamKey key) {
        return List.copyOf(targets.getOrDefault(key, List.of()));
    }

    /**
     * Stops every target and waits, up to {@code timeout}, until each has unpublished from its
     * server (or been cut off), so a shutdown leaves no target's players waiting for a grace period.
     */
    public void closeAll(Duration timeout) {
        List<PushTarget> all = targets.values().stream().flatMap(List::stream).toList();
        all.forEach(PushTarget::stop);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (PushTarget t : all) {
            try {
                if (!t.awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                    Logger.warn("{}: push to {} did not end within {}", t.stream(), t.url(), timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void ended(PushTarget target) {
        targets.computeIfPresent(target.stream(), (k, list) -> {
            list.remove(target);
            return list.isEmpty() ? null : list;
        });
        LiveStream stream = registry.get(target.stream());
        if (stream != null) {
            registry.unsubscribe(stream, target);
        }
    }
}
