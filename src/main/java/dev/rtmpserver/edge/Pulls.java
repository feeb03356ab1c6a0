package dev.rtmpserver.edge;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.Demand;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.Scheduler;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamRegistry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The edge: a player of a stream nobody publishes here starts a {@link Pull} of it from the first
 * origin that has it, and every later player of that stream shares the same one; an HLS player's
 * playlist requests do the same. A pull lingers a while after its last player leaves, so a viewer
 * who comes back costs nothing.
 */
public final class Pulls implements Demand {
    /** How long after the last player leaves a pull is kept, unless configured. */
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(10);
    /** For the connection, each answer, the first media of a stream and the origin's silences, unless configured. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long after an HLS player's last request it counts as watching: it holds no connection,
     * and asks at least once a target duration while it plays.
     */
    static final Duration REQUEST_INTEREST = Duration.ofSeconds(10);

    /** Waits; {@link Thread#sleep(Duration)} or a test's clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final StreamRegistry registry;
    private final Origins origins;
    private final Upstream upstream;
    private final Scheduler scheduler;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final BiConsumer<String, Runnable> threads;
    private final Supplier<PullConfig> config;
    private final Counters counters;
    private final ConcurrentHashMap<StreamKey, Pull> pulls = new ConcurrentHashMap<>();
    /** When an HLS player last asked for each stream pulled ({@link System#nanoTime()}). */
    private final ConcurrentHashMap<StreamKey, Long> requested = new ConcurrentHashMap<>();

    /**
     * @param origins   where to look for a stream; may block, asked on the pull's own thread
     * @param scheduler ends lingering
     * @param clock     {@link System#nanoTime()}, or a test's clock
     * @param sleeper   waits between rounds of attempts
     * @param threads   starts a pull's thread, given its name
     * @param config    the linger, timeout and trusted applications, read each time they are needed
     *                  (so a reload applies to pulls already running); its origins are not used
     */
    public Pulls(StreamRegistry registry, Origins origins, Upstream upstream, Scheduler scheduler, LongSupplier clock,
                 Sleeper sleeper, BiConsumer<String, Runnable> threads, Supplier<PullConfig> config,
                 Counters counters) {
        this.registry = registry;
        this.origins = origins;
        this.upstream = upstream;
        this.scheduler = scheduler;
        this.clock = clock;
        this.sleeper = sleeper;
        this.threads = threads;
        this.config = config;
        this.counters = counters;
    }

    @Override
    public void joined(LiveStream stream, String query) {
        start(stream.key(), query, true);
    }

    /** An HLS player's playlist request: it keeps the pull going until {@link #REQUEST_INTEREST} after the last. */
    @Override
    public boolean requested(StreamKey key, String query) {
        Pull pull = start(key, query, false);
        if (pull == null) {
            return false;
        }
        requested.put(key, clock.getAsLong());
        return true;
    }

    @Override
    public boolean fetching(StreamKey key) {
        return pulls.containsKey(key);
    }

    /**
     * The pull of {@code key}, started if none runs, or null if the stream is published here.
     *
     * @param player a player joined, which ends any lingering
     */
    private Pull start(StreamKey key, String query, boolean player) {
        while (true) {
            Pull running = pulls.get(key);
            if (running != null) {
                if (player ? running.watched() : running.takesViewers()) {
                    return running;
                }
                // It is ending: make way for a new one.
                pulls.remove(key, running);
                continue;
            }
            LiveStream stream = registry.get(key);
            if (stream != null && stream.isActive()) {
                // Published here, or its publisher is expected back: nothing to pull.
                return null;
            }
            Pull pull = new Pull(key, query, this);
            if (pulls.putIfAbsent(key, pull) == null) {
                threads.accept("pull-" + key.app() + "/" + key.name(), pull::run);
                return pull;
            }
        }
    }

    /** Whether an HLS player asked for {@code key} within {@link #REQUEST_INTEREST}. */
    boolean requestedLately(StreamKey key) {
        Long at = requested.get(key);
        return at != null && clock.getAsLong() - at < REQUEST_INTEREST.toNanos();
    }

    @Override
    public void left(LiveStream stream) {
        Pull pull = pulls.get(stream.key());
        if (pull != null) {
            pull.unwatched(linger());
        }
    }

    /** The pull of {@code key}, if one runs or lingers. */
    Pull of(StreamKey key) {
        return pulls.get(key);
    }

    /** Pulls running or lingering. */
    public int size() {
        return pulls.size();
    }

    /** Shutdown: every pull stops, and players are told their streams ended. */
    public void closeAll() {
        pulls.values().forEach(Pull::stop);
    }

    void ended(Pull pull) {
        if (pulls.remove(pull.key(), pull)) {
            requested.remove(pull.key());
        }
    }

    StreamRegistry registry() {
        return registry;
    }

    Origins origins() {
        return origins;
    }

    Upstream upstream() {
        return upstream;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    LongSupplier clock() {
        return clock;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    Duration linger() {
        return config.get().linger();
    }

    Duration timeout() {
        return config.get().timeout();
    }

    boolean insecure(StreamKey key) {
        return config.get().insecure(key);
    }

    Counters counters() {
        return counters;
    }
}
