package dev.rtmpserver.cluster;

import dev.rtmpserver.cluster.ClusterStore.Claim;
import dev.rtmpserver.cluster.ClusterStore.StoreException;
import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.edge.Origins;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.session.PublishClaims;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import org.tinylog.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This node's part of the cluster map: every stream published here is written to the shared store
 * under {@link #keyOf}, with an expiry that a renewal every third of the TTL keeps from running out;
 * it is deleted when its last local publisher leaves, and only if this node still holds it. A publish
 * of a stream another node holds is refused as a local duplicate would be.
 *
 * <p>The store being unreachable never stops anything here: publishes are admitted unasked, logged
 * once per outage and counted, and once the store answers again every stream published here is
 * written back, since it may have lost them. Only a publisher's admission waits for the store, on
 * the publisher's own thread, for at most the store's timeout; everything else runs on virtual
 * threads of its own.
 *
 * <p>It is also the {@link Origins} of this node: another node's advertised URL for a stream not
 * published here.
 */
public final class ClusterMap implements PublishClaims, Origins, AutoCloseable {
    /** Every key of the map starts with it, so that the map shares a Redis with anything else. */
    static final String KEY_PREFIX = "rtmp-server:stream:";

    private final ClusterStore store;
    private final Owner self;
    private final Duration ttl;
    private final Counters counters;
    private final ExecutorService background;
    /** Claims not yet released, by stream: publishes here and those being admitted. */
    private final ConcurrentHashMap<StreamKey, Integer> claims = new ConcurrentHashMap<>();
    /** Claims waiting for the store's answer, by stream: not yet publishes, so not yet contested. */
    private final ConcurrentHashMap<StreamKey, Integer> admitting = new ConcurrentHashMap<>();
    /** Streams published here that the renewal found held by another node, so each is logged once. */
    private final Set<StreamKey> contested = ConcurrentHashMap.newKeySet();
    /** False from the first failed call until the next that succeeds: an outage. */
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    /** Keeps a slow store from stacking renewal passes on top of each other. */
    private final AtomicBoolean renewing = new AtomicBoolean();
    private volatile ScheduledExecutorService timer;

    /** @param background where the calls that nobody waits for are made */
    ClusterMap(ClusterStore store, Owner self, Duration ttl, Counters counters, ExecutorService background) {
        this.store = store;
        this.self = self;
        this.ttl = ttl;
        this.counters = counters;
        this.background = background;
    }

    /** A node of the cluster {@code config} describes, renewing its streams until closed. */
    public static ClusterMap start(ClusterConfig config, Counters counters) {
        ClusterMap map = new ClusterMap(new RedisStore(config.redis(), config.timeout()), Owner.of(config.advertised()),
                config.ttl(), counters, Threads.newVirtualExecutor("cluster-map"));
        map.renewEvery(config.ttl().dividedBy(3));
        Logger.info("cluster map in Redis at {}, this node advertised as {}", config.redisAddress(),
                config.advertised());
        return map;
    }

    // The renewal's future is not kept: renewSoon catches its own failures, and close() stops the timer.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void renewEvery(Duration period) {
        timer = Threads.newTimer("cluster-renew");
        timer.scheduleAtFixedRate(this::renewSoon, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The key of {@code key}'s entry in the store: {@code rtmp-server:stream:APP/NAME}. An application
     * may have a slash in it, as a name may: the application's own slashes (and percent signs) are
     * percent-encoded, so that the first slash always ends it and no two streams share a key.
     */
    public static String keyOf(StreamKey key) {
        return KEY_PREFIX + key.app().replace("%", "%25").replace("/", "%2F") + "/" + key.name();
    }

    /** Who this node is in the map. */
    public Owner self() {
        return self;
    }

    @Override
    public void claim(StreamKey key) {
        // Counted first, so that a release of another claim of it meanwhile does not delete what this one writes.
        claims.merge(key, 1, Integer::sum);
        admitting.merge(key, 1, Integer::sum);
        Claim claim;
        try {
            claim = store.claim(keyOf(key), self, ttl);
        } catch (StoreException e) {
            failed(e);
            counters.clusterUnchecked.increment();
            Logger.debug("{}: admitted without the cluster map, which is unreachable", key);
            return;
        } finally {
            admitting.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        }
        answered();
        switch (claim.outcome()) {
            case CREATED -> counters.clusterRegistrations.increment();
            case RENEWED -> {
            }
            case HELD -> {
                release(key, false);
                counters.clusterRefusals.increment();
                Logger.debug("{}: published on another node ({})", key, claim.holder());
                throw new StreamBusyException(key);
            }
        }
    }

    @Override
    public void release(StreamKey key) {
        release(key, true);
    }

    private void release(StreamKey key, boolean unregister) {
        Integer left = claims.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
        if (left == null && unregister) {
            contested.remove(key);
            inBackground(() -> unregister(key));
        }
    }

    /** Deletes {@code key}'s entry unless it was claimed here again meanwhile. */
    private void unregister(StreamKey key) {
        if (claims.containsKey(key)) {
            return;
        }
        try {
            store.release(keyOf(key), self);
            answered();
        } catch (StoreException e) {
            // It expires on its own within the TTL.
            failed(e);
        }
    }

    /** The node that publishes {@code key}, unless it is this one, the store does not know it, or cannot be asked. */
    @Override
    public List<String> originsFor(StreamKey key) {
        Optional<String> holder;
        try {
            holder = store.get(keyOf(key));
        } catch (StoreException e) {
            failed(e);
            return List.of();
        }
        answered();
        return holder.flatMap(Owner::parse)
                .filter(o -> !o.nodeId().equals(self.nodeId()) && !o.advertiseUrl().equals(self.advertiseUrl()))
                .map(o -> List.of(o.advertiseUrl() + "/" + key.app())).orElse(List.of());
    }

    private void renewSoon() {
        inBackground(() -> {
            if (!renewing.compareAndSet(false, true)) {
                return;
            }
            try {
                renewAll();
            } catch (RuntimeException e) {
                Logger.error(e, "renewing the cluster map failed");
            } finally {
                renewing.set(false);
            }
        });
    }

    /**
     * Writes every stream claimed here to the store again, renewing what it holds and restoring what
     * it lost (a Redis restarted empty). Stops at the first failure: the store is down, and the next
     * pass tries again.
     */
    void renewAll() {
        for (StreamKey key : List.copyOf(claims.keySet())) {
            Claim claim;
            try {
                claim = store.claim(keyOf(key), self, ttl);
            } catch (StoreException e) {
                failed(e);
                return;
            }
            answered();
            if (!claims.containsKey(key)) {
                // Released while this pass wrote it back: delete it again, or it blocks other nodes for a TTL.
                inBackground(() -> unregister(key));
                continue;
            }
            switch (claim.outcome()) {
                case CREATED -> {
                    counters.clusterRegistrations.increment();
                    contested.remove(key);
                }
                case RENEWED -> contested.remove(key);
                case HELD -> {
                    if (!admitting.containsKey(key) && contested.add(key)) {
                        Logger.warn("{}: published here and on {} since the cluster map was unreachable or lost it;"
                                + " players that ask the map are sent there", key, claim.holder());
                    }
                }
            }
        }
    }

    private void failed(StoreException e) {
        counters.clusterErrors.increment();
        if (reachable.compareAndSet(true, false)) {
            counters.clusterOutages.increment();
            Logger.warn("cluster map: {} does not answer ({}); publishes are admitted without it until it does,"
                    + " then the streams published here are registered again", store, e.getMessage());
        }
    }

    private void answered() {
        if (!reachable.get() && reachable.compareAndSet(false, true)) {
            Logger.info("cluster map: {} answers again; registering the {} stream(s) published here", store,
                    claims.size());
            renewSoon();
        }
    }

    private void inBackground(Runnable task) {
        try {
            background.execute(task);
        } catch (RejectedExecutionException e) {
            // Closing: close() releases whatever is still claimed.
            Logger.debug("cluster map closed; not running {}", task);
        }
    }

    /**
     * Stops renewing and deletes the entries of every stream still claimed here, so that the other
     * nodes need not wait for them to expire; waits for the calls under way, each as long as the
     * store's timeout at most.
     */
    @Override
    public void close() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
        }
        background.shutdown();
        try {
            if (!background.awaitTermination(1, TimeUnit.SECONDS)) {
                Logger.warn("cluster map: calls to {} still under way at shutdown", store);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (StreamKey key : List.copyOf(claims.keySet())) {
            try {
                store.release(keyOf(key), self);
            } catch (StoreException e) {
                failed(e);
                break;
            }
        }
        store.close();
    }
}
