package dev.rtmpserver.stream;

import org.tinylog.Logger;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * All live streams by key. Every change that can create or remove a stream runs under one
 * {@link ReentrantLock}, so a player joining while the last participant leaves never ends up
 * attached to a stream the map has already forgotten; lookups read the map without it. (Not
 * {@code ConcurrentHashMap.compute}: its monitor would pin virtual threads on Java 21-23 while they
 * wait inside it for a stream's lock.)
 */
public final class StreamRegistry {
    private final ConcurrentHashMap<StreamKey, LiveStream> streams = new ConcurrentHashMap<>();
    /** Guards every change to {@link #streams}; held briefly, never across IO. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Function<String, StreamPolicy> policies;
    private final ScheduledExecutorService timer;
    private final int maxStreams;
    private volatile PublishListener listener = (stream, continuing) -> {
    };

    /**
     * @param policies the policy of each application
     * @param timer    runs the end of reconnect grace periods
     */
    public StreamRegistry(Function<String, StreamPolicy> policies, ScheduledExecutorService timer, int maxStreams) {
        this.policies = policies;
        this.timer = timer;
        this.maxStreams = maxStreams;
    }

    /** How the streams of {@code app} behave. */
    public StreamPolicy policy(String app) {
        return policies.apply(app);
    }

    /** A new stream, unless the registry is full. */
    private LiveStream create(StreamKey key) {
        if (streams.size() >= maxStreams) {
            throw new StreamLimitException("the server already has its maximum of " + maxStreams + " streams");
        }
        return new LiveStream(key, policy(key.app()));
    }

    /** Who is told of each publish; set once, before the server accepts connections. */
    public void setPublishListener(PublishListener listener) {
        this.listener = listener;
    }

    /**
     * Makes {@code publisher} the owner of {@code key}. If the current owner has been silent for
     * longer than the policy allows, it is evicted and {@code publisher} takes over its players.
     *
     * @throws StreamBusyException if another, live publisher owns it
     */
    public LiveStream publish(StreamKey key, Publisher publisher) {
        Publisher[] evicted = new Publisher[1];
        boolean[] continued = new boolean[1];
        LiveStream result = update(key, (k, stream) -> {
            LiveStream s = stream != null ? stream : create(k);
            Publisher owner = s.publisher();
            boolean continuing = s.isOrphaned();
            if (owner == publisher) {
                throw new StreamBusyException(k, owner);
            }
            if (owner != null) {
                long silentNanos = System.nanoTime() - owner.lastActivityNanos();
                if (silentNanos < s.policy().staleAfter().toNanos()) {
                    throw new StreamBusyException(k, owner);
                }
                evicted[0] = owner;
                continuing = true;
            }
            s.attachPublisher(publisher, continuing);
            continued[0] = continuing;
            return s;
        });
        if (evicted[0] != null) {
            Logger.info("{}: {} took over from {}, silent for more than {}", key, publisher.describe(),
                    evicted[0].describe(), result.policy().staleAfter());
            evicted[0].evict("stream " + key + " taken over by " + publisher.describe());
        }
        listener.published(result, continued[0]);
        return result;
    }

    /** A clean unpublish: players are told at once. A no-op if {@code publisher} no longer owns it. */
    public void unpublish(LiveStream stream, Publisher publisher) {
        updateIfPresent(stream.key(), (k, s) -> {
            if (s == stream && s.publisher() == publisher) {
                s.detachPublisher();
            }
            return s.isIdle() ? null : s;
        });
    }

    /**
     * The publisher's connection died without unpublishing. Its players stay attached, untold, for
     * the policy's grace period in case it comes back; then they are told.
     */
    public void publisherLost(LiveStream stream, Publisher publisher) {
        if (stream.policy().reconnectGrace().isZero()) {
            unpublish(stream, publisher);
            return;
        }
        long[] epoch = {-1};
        updateIfPresent(stream.key(), (k, s) -> {
            if (s == stream && s.publisher() == publisher) {
                epoch[0] = s.orphan();
            }
            return s.isIdle() ? null : s;
        });
        if (epoch[0] >= 0) {
            try {
                timer.schedule(() -> endGrace(stream, epoch[0]), stream.policy().reconnectGrace().toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // The server is shutting down: nobody will republish, so tell the players now.
                endGrace(stream, epoch[0]);
            }
        }
    }

    private void endGrace(LiveStream stream, long epoch) {
        try {
            updateIfPresent(stream.key(), (k, s) -> {
                if (s == stream) {
                    s.expireGrace(epoch);
                }
                return s.isIdle() ? null : s;
            });
        } catch (RuntimeException e) {
            Logger.error(e, "{}: ending the reconnect grace period failed", stream.key());
        }
    }

    /** Attaches a sink, creating the stream if nobody publishes it yet: it starts when they do. */
    public LiveStream subscribe(StreamKey key, Sink sink) {
        return update(key, (k, stream) -> {
            LiveStream s = stream != null ? stream : create(k);
            s.addSink(sink);
            return s;
        });
    }

    public void unsubscribe(LiveStream stream, Sink sink) {
        updateIfPresent(stream.key(), (k, s) -> {
            if (s == stream) {
                s.removeSink(sink);
            }
            return s.isIdle() ? null : s;
        });
    }

    /** {@link ConcurrentHashMap#compute}'s contract, under {@link #lock}. */
    private LiveStream update(StreamKey key, BiFunction<StreamKey, LiveStream, LiveStream> change) {
        lock.lock();
        try {
            LiveStream result = change.apply(key, streams.get(key));
            if (result == null) {
                streams.remove(key);
            } else {
                streams.put(key, result);
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #update}, but only if the key is present. */
    private void updateIfPresent(StreamKey key, BiFunction<StreamKey, LiveStream, LiveStream> change) {
        update(key, (k, s) -> s == null ? null : change.apply(k, s));
    }

    /** Shutdown: every stream's publisher is detached, so every player is told its stream ended. */
    public void endAll() {
        for (LiveStream stream : streams()) {
            updateIfPresent(stream.key(), (k, s) -> {
                if (s.publisher() != null || s.isOrphaned()) {
                    s.detachPublisher();
                }
                return s;
            });
        }
    }

    public LiveStream get(StreamKey key) {
        return streams.get(key);
    }

    public Collection<LiveStream> streams() {
        return List.copyOf(streams.values());
    }

    public int size() {
        return streams.size();
    }
}
