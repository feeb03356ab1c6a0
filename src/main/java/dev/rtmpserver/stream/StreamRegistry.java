package dev.rtmpserver.stream;

import org.tinylog.Logger;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * All live streams by key.
 *
 * <p>Each change to who publishes or plays a stream runs under that stream's own lock, never a
 * registry-wide one, so joining or leaving a stream of 10,000 players never delays another stream.
 * A stream that nothing refers to any more is marked retired and removed under its lock; whoever
 * then finds the retired object in hand looks the key up again and gets a fresh stream, so a player
 * joining while the last participant leaves never ends up on a stream the map has forgotten.
 *
 * <p>Only streams someone publishes (or is expected back on, within a grace period) count against
 * the stream limit: players waiting for a publisher cost a connection each, which the connection
 * limits already bound, and must not lock publishers out.
 */
public final class StreamRegistry {
    private final ConcurrentHashMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();
    /** Keys kicked with a ban, to the {@link #clock} time the ban ends. */
    private final ConcurrentHashMap<StreamKey, Long> bans = new ConcurrentHashMap<>();
    /** Streams that are active (see {@link LiveStream#isActive}); changed only under a stream's lock. */
    private final AtomicInteger active = new AtomicInteger();
    private final Function<String, StreamPolicy> policies;
    private final Scheduler scheduler;
    private final LongSupplier clock;
    private final IntSupplier maxStreams;
    private volatile PublishListener listener = (stream, continuing) -> {
    };
    private volatile Demand demand = Demand.NONE;

    /** A registry whose stream limit never changes; see the other constructor. */
    public StreamRegistry(Function<String, StreamPolicy> policies, Scheduler scheduler, LongSupplier clock,
                          int maxStreams) {
        this(policies, scheduler, clock, () -> maxStreams);
    }

    /**
     * @param policies   the policy of each application, asked anew each time; a stream keeps the one it began with
     * @param scheduler  ends grace periods
     * @param clock      {@link System#nanoTime()} or a test's clock: publisher silence and bans
     * @param maxStreams asked at each publish that needs a slot, so that a configuration reload can change it
     */
    public StreamRegistry(Function<String, StreamPolicy> policies, Scheduler scheduler, LongSupplier clock,
                          IntSupplier maxStreams) {
        this.policies = policies;
        this.scheduler = scheduler;
        this.clock = clock;
        this.maxStreams = maxStreams;
    }

    /** How the streams of {@code app} behave. */
    public StreamPolicy policy(String app) {
        return policies.apply(app);
    }

    /** Who is told of each publish; set once, before the server accepts connections. */
    public void setPublishListener(PublishListener listener) {
        this.listener = listener;
    }

    /** Who is told of players joining and leaving; set once, before the server accepts connections. */
    public void setDemand(Demand demand) {
        this.demand = demand;
    }

    /**
     * Makes {@code publisher} the owner of {@code key}. If the current owner has been silent for
     * longer than the policy allows, it is evicted and {@code publisher} takes over its players.
     *
     * @throws StreamBusyException  if another, live publisher owns it, or it is banned
     * @throws StreamLimitException if it would be one published stream too many
     */
    @SuppressWarnings("ReferenceEquality") // publishers are compared by identity (see Publisher)
    public LiveStream publish(StreamKey key, Publisher publisher) {
        Long bannedUntil = bans.get(key);
        if (bannedUntil != null) {
            if (clock.getAsLong() - bannedUntil < 0) {
                throw new StreamBusyException(key, true);
            }
            bans.remove(key, bannedUntil);
        }
        Publisher[] evicted = new Publisher[1];
        boolean[] continued = new boolean[1];
        LiveStream result = change(key, true, s -> {
            Publisher owner = s.publisher();
            if (owner == publisher) {
                throw new StreamBusyException(key, false);
            }
            boolean continuing = s.isOrphaned();
            if (owner != null) {
                long silentNanos = clock.getAsLong() - owner.lastActivityNanos();
                if (silentNanos < s.policy().staleAfter().toNanos()) {
                    throw new StreamBusyException(key, false);
                }
                evicted[0] = owner;
                continuing = true;
            } else if (!continuing) {
                reserveSlot();
            }
            s.attachPublisher(publisher, continuing);
            continued[0] = continuing;
            return s;
        });
        if (evicted[0] != null) {
            Logger.info("{}: {} took over from {}, silent for more than {}", key, publisher.describe(),
                    evicted[0].describe(), result.policy().staleAfter());
            evicted[0].evict("stream " + key + " taken over by a new publisher");
        }
        listener.published(result, continued[0]);
        return result;
    }

    private void reserveSlot() {
        int max = maxStreams.getAsInt();
        while (true) {
            int n = active.get();
            if (n >= max) {
                throw new StreamLimitException("the server already has its maximum of " + max
                        + " published streams");
            }
            if (active.compareAndSet(n, n + 1)) {
                return;
            }
        }
    }

    /**
     * A clean unpublish. Players stay attached, untold, for the policy's unpublish grace, so an
     * encoder that stops and starts again keeps them; then they are told. A no-op if
     * {@code publisher} no longer owns the stream.
     */
    public void unpublish(LiveStream stream, Publisher publisher) {
        leave(stream, publisher, stream.policy().unpublishGrace());
    }

    /**
     * The publisher's connection died without unpublishing. Its players stay attached, untold, for
     * the policy's reconnect grace in case it comes back; then they are told.
     */
    public void publisherLost(LiveStream stream, Publisher publisher) {
        leave(stream, publisher, stream.policy().reconnectGrace());
    }

    /**
     * The server itself ended the publish (a kick, a timeout, a shutdown): players are told now and
     * nobody is waited for.
     */
    public void end(LiveStream stream, Publisher publisher) {
        leave(stream, publisher, Duration.ZERO);
    }

    @SuppressWarnings("ReferenceEquality") // publishers are compared by identity (see Publisher)
    private void leave(LiveStream stream, Publisher publisher, Duration grace) {
        long[] epoch = {-1};
        changeIfPresent(stream, s -> {
            if (s.publisher() == publisher) {
                if (grace.isZero()) {
                    s.detachPublisher();
                } else {
                    epoch[0] = s.orphan();
                }
            }
        });
        if (epoch[0] >= 0) {
            try {
                scheduler.schedule(grace, () -> endGrace(stream, epoch[0]));
            } catch (RejectedExecutionException e) {
                // The server is shutting down: nobody will republish, so tell the players now.
                endGrace(stream, epoch[0]);
            }
        }
    }

    private void endGrace(LiveStream stream, long epoch) {
        try {
            changeIfPresent(stream, s -> s.expireGrace(epoch));
        } catch (RuntimeException e) {
            Logger.error(e, "{}: ending the grace period failed", stream.key());
        }
    }

    /**
     * Ends {@code key}'s publish at once, as an operator asked: players are told now, the publisher
     * is evicted, and for {@code ban} (if longer than zero) nobody may publish the key again.
     *
     * @return false if nobody published the key and no publisher was awaited back
     */
    public boolean kick(StreamKey key, Duration ban, String reason) {
        LiveStream stream = streams.get(key);
        if (stream == null) {
            return false;
        }
        Publisher[] owner = new Publisher[1];
        boolean[] ended = new boolean[1];
        Long until = ban.compareTo(Duration.ZERO) > 0 ? clock.getAsLong() + ban.toNanos() : null;
        if (until != null) {
            bans.put(key, until);
        }
        changeIfPresent(stream, s -> {
            owner[0] = s.publisher();
            if (owner[0] != null || s.isOrphaned()) {
                s.detachPublisher();
                ended[0] = true;
            }
        });
        if (!ended[0]) {
            if (until != null) {
                bans.remove(key, until);
            }
            return false;
        }
        if (owner[0] != null) {
            owner[0].evict(reason);
        }
        return true;
    }

    /** Attaches a sink, creating the stream if nobody publishes it yet: it starts when they do. */
    public LiveStream subscribe(StreamKey key, Sink sink) {
        return subscribe(key, sink, "");
    }

    /**
     * As {@link #subscribe(StreamKey, Sink)}, for a player that asked with {@code query}
     * ({@code token=...}, or empty), which the {@link Demand} may need to fetch the stream.
     */
    public LiveStream subscribe(StreamKey key, Sink sink, String query) {
        LiveStream stream = change(key, true, s -> {
            s.addSink(sink);
            return s;
        });
        if (sink.kind() == Sink.Kind.PLAYER) {
            demand.joined(stream, query);
        }
        return stream;
    }

    /** See {@link Demand#requested}. */
    public boolean requested(StreamKey key, String query) {
        return demand.requested(key, query);
    }

    /** See {@link Demand#fetching}. */
    public boolean fetching(StreamKey key) {
        return demand.fetching(key);
    }

    public void unsubscribe(LiveStream stream, Sink sink) {
        boolean[] lastPlayerLeft = new boolean[1];
        changeIfPresent(stream, s -> {
            if (s.removeSink(sink) && sink.kind() == Sink.Kind.PLAYER && s.playerCount() == 0) {
                lastPlayerLeft[0] = true;
            }
        });
        if (lastPlayerLeft[0]) {
            demand.left(stream);
        }
    }

    /**
     * Nobody will publish {@code stream} here after all (no origin has it): a publisher awaited
     * back is given up at once, and players are told (see {@link Sink#notFound}). A no-op while
     * someone publishes it.
     */
    public void notFound(LiveStream stream, String why) {
        changeIfPresent(stream, s -> s.notFound(why));
    }

    /** Shutdown: every stream's publisher is detached, so every player is told its stream ended. */
    public void endAll() {
        for (LiveStream stream : streams()) {
            changeIfPresent(stream, s -> {
                if (s.publisher() != null || s.isOrphaned()) {
                    s.detachPublisher();
                }
            });
        }
    }

    /**
     * Runs {@code change} on the stream of {@code key} under its lock, then retires the stream if
     * nothing refers to it any more, keeping the count of active streams.
     *
     * @param create make the stream if the key has none; otherwise {@code change} gets null
     */
    private LiveStream change(StreamKey key, boolean create, Function<LiveStream, LiveStream> change) {
        while (true) {
            LiveStream s = create ? streams.computeIfAbsent(key, k -> new LiveStream(k, policy(k.app())))
                    : streams.get(key);
            if (s == null) {
                return change.apply(null);
            }
            s.lock.lock();
            try {
                if (s.retired) {
                    continue;
                }
                boolean wasActive = s.isActive();
                try {
                    return change.apply(s);
                } finally {
                    if (s.isIdle()) {
                        s.retired = true;
                        streams.remove(key, s);
                    }
                    if (wasActive && (s.retired || !s.isActive())) {
                        active.decrementAndGet();
                    }
                }
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** As {@link #change}, on this very stream, and only while the registry still holds it. */
    private void changeIfPresent(LiveStream stream, java.util.function.Consumer<LiveStream> change) {
        change(stream.key(), false, s -> {
            if (s == stream) {
                change.accept(s);
            }
            return s;
        });
    }

    public LiveStream get(StreamKey key) {
        return streams.get(key);
    }

    public Collection<LiveStream> streams() {
        return List.copyOf(streams.values());
    }

    /** Streams known, published or awaited. */
    public int size() {
        return streams.size();
    }

    /** Streams that count against the limit: published, or awaiting their publisher's return. */
    public int activeCount() {
        return active.get();
    }
}
