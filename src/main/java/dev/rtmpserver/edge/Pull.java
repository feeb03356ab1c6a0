package dev.rtmpserver.edge;

import dev.rtmpserver.relay.PushUrl;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamLimitException;
import dev.rtmpserver.stream.StreamRegistry;
import org.tinylog.Logger;

import javax.net.ssl.SSLHandshakeException;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One stream pulled from an origin, published here as if an encoder published it, so every player,
 * recorder and further edge of this server takes it from the one upstream connection.
 *
 * <p>Its thread plays the stream from the first origin that has it. When that connection drops, the
 * stream is orphaned as when an encoder's connection dies, and the pull tries the same origin again,
 * then the next ones, round after round, until the stream's reconnect grace is over: players stay
 * attached, and a new upstream continues their stream (the stream re-sends its codec headers and
 * shifts timestamps to run on). If no origin has the stream, the players are told it was not found.
 */
final class Pull implements Publisher {
    /** Between rounds of attempts, so that a refusing origin is not hammered in a tight loop. */
    static final Duration ROUND_PAUSE = Duration.ofMillis(500);
    /** The shortest wait before looking again whether HLS players still watch. */
    static final Duration MIN_RECHECK = Duration.ofSeconds(1);

    private record Connected(int index, PushUrl url, Upstream.Session session) {
    }

    private final StreamKey key;
    /** The stream name as the origins are asked for it: the first player's query (its token) included. */
    private final String playName;
    private final Pulls pulls;
    private final StreamRegistry registry;

    /** Guards the fields below; held briefly, never across IO. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Told to stop (no player lingered, evicted, shutdown): no more attempts. */
    private boolean stopping;
    /** Takes no more players: a player arriving now needs a new pull. */
    private boolean ended;
    /** Tells one lingering from the next, so that a player's return cancels the expiry of the one before. */
    private long lingerEpoch;
    private Upstream.Session session;

    private volatile String description;
    private volatile long lastActivity;

    Pull(StreamKey key, String query, Pulls pulls) {
        this.key = key;
        this.playName = query.isEmpty() ? key.name() : key.name() + "?" + query;
        this.pulls = pulls;
        this.registry = pulls.registry();
        this.description = "pull of " + key;
        this.lastActivity = pulls.clock().getAsLong();
    }

    StreamKey key() {
        return key;
    }

    /** A player joined: any lingering is over. @return false if this pull is ending and cannot take it */
    boolean watched() {
        lock.lock();
        try {
            if (ended) {
                return false;
            }
            lingerEpoch++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** An HLS player asked for the stream: @return false if this pull is ending and cannot serve it */
    boolean takesViewers() {
        lock.lock();
        try {
            return !ended;
        } finally {
            lock.unlock();
        }
    }

    /** The last player left: the pull ends after {@code linger} unless one comes back. */
    void unwatched(Duration linger) {
        long epoch;
        lock.lock();
        try {
            if (ended) {
                return;
            }
            epoch = ++lingerEpoch;
        } finally {
            lock.unlock();
        }
        try {
            pulls.scheduler().schedule(linger, () -> lingerOver(epoch));
        } catch (RejectedExecutionException e) {
            // Shutting down: closeAll stops the pull anyway.
        }
    }

    private void lingerOver(long epoch) {
        lock.lock();
        try {
            if (ended || epoch != lingerEpoch) {
                return;
            }
            LiveStream stream = registry.get(key);
            if (stream != null && stream.playerCount() > 0) {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (pulls.requestedLately(key)) {
            // HLS players are watching: look again a linger later (at least a second, so that a
            // linger of 0 does not spin).
            Duration linger = pulls.linger();
            unwatched(linger.compareTo(MIN_RECHECK) < 0 ? MIN_RECHECK : linger);
            return;
        }
        Logger.info("{}: no player for a while, ending the {}", key, description);
        stop();
    }

    /** Ends the pull: no more attempts, and the upstream connection is closed. */
    void stop() {
        Upstream.Session s;
        lock.lock();
        try {
            stopping = true;
            ended = true;
            s = session;
        } finally {
            lock.unlock();
        }
        if (s != null) {
            s.close();
        }
    }

    private boolean stopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    /** The pull's thread: runs until no origin has the stream or the pull is stopped. */
    void run() {
        try {
            List<String> urls = origins();
            if (urls.isEmpty()) {
                // Not an edge for this stream: its players wait for a publisher, as on any server.
                return;
            }
            pulls.counters().pullsStarted.increment();
            Connected c = connect(urls, 0, pulls.clock().getAsLong());
            LiveStream stream = null;
            while (c != null) {
                stream = publish(c);
                if (stream == null) {
                    return;
                }
                LiveStream published = stream;
                String why = c.session().relay(frame -> {
                    lastActivity = pulls.clock().getAsLong();
                    published.onFrame(this, frame);
                });
                if (stopping()) {
                    registry.end(stream, this);
                    Logger.info("{}: {} ended", key, description);
                    return;
                }
                Logger.info("{}: {} lost: {}", key, description, why);
                registry.publisherLost(stream, this);
                long deadline = pulls.clock().getAsLong() + stream.policy().reconnectGrace().toNanos();
                c = connect(urls, c.index(), deadline);
                if (c != null) {
                    pulls.counters().pullFailovers.increment();
                }
            }
            if (!stopping()) {
                giveUp(stream, stream == null ? "no origin has " + key
                        : "no origin had " + key + " again within " + stream.policy().reconnectGrace().toMillis()
                                + " ms");
            }
        } finally {
            end();
        }
    }

    private List<String> origins() {
        try {
            return pulls.origins().originsFor(key);
        } catch (RuntimeException e) {
            Logger.warn(e, "{}: looking up its origins failed", key);
            return List.of();
        }
    }

    /**
     * Tries the origins from {@code from} on, round after round, until one plays the stream. The
     * first round is always tried in full; later rounds only until {@code deadline}.
     *
     * @return the origin playing it, or null if none did in time or the pull was stopped
     */
    private Connected connect(List<String> urls, int from, long deadline) {
        int n = urls.size();
        for (int round = 0; ; round++) {
            for (int i = 0; i < n; i++) {
                if (stopping() || (round > 0 && pulls.clock().getAsLong() - deadline >= 0)) {
                    return null;
                }
                int index = (from + i) % n;
                Connected c = attempt(index, urls.get(index));
                if (c != null) {
                    return c;
                }
            }
            long left = deadline - pulls.clock().getAsLong();
            if (left <= 0) {
                return null;
            }
            try {
                pulls.sleeper().sleep(Duration.ofNanos(Math.min(left, ROUND_PAUSE.toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private Connected attempt(int index, String origin) {
        PushUrl url;
        try {
            url = PushUrl.of(origin, playName);
        } catch (IllegalArgumentException e) {
            Logger.warn("{}: cannot pull from {}", key, e.getMessage());
            return null;
        }
        String shown = url.tcUrl() + "/" + key.name();
        Upstream.Session s;
        try {
            s = pulls.upstream().open(url, pulls.insecure(key), pulls.timeout());
        } catch (SSLHandshakeException e) {
            Logger.warn("{}: not pulled from {}: its certificate was not accepted ({}); app.{}.pull-insecure = on"
                    + " accepts any", key, shown, PeerText.escape(String.valueOf(e.getMessage())),
                    PeerText.escape(key.app()));
            return null;
        } catch (IOException e) {
            Logger.info("{}: not pulled from {}: {}", key, shown, PeerText.escape(String.valueOf(e.getMessage())));
            return null;
        }
        lock.lock();
        try {
            if (stopping) {
                s.close();
                return null;
            }
            session = s;
        } finally {
            lock.unlock();
        }
        description = "pull " + shown;
        Logger.info("{}: pulling from {}", key, shown);
        return new Connected(index, url, s);
    }

    /** Publishes the pulled stream here; null (and the upstream closed) if that is refused. */
    private LiveStream publish(Connected c) {
        try {
            LiveStream stream = registry.publish(key, this);
            if (stream.playerCount() == 0) {
                // Everyone left while the origin was being found.
                unwatched(pulls.linger());
            }
            return stream;
        } catch (StreamBusyException e) {
            Logger.info("{}: not pulled, published here already: {}", key, e.getMessage());
            c.session().close();
            return null;
        } catch (StreamLimitException e) {
            c.session().close();
            pulls.counters().pullsFailed.increment();
            LiveStream waiting = registry.get(key);
            if (waiting != null) {
                registry.notFound(waiting, "not pulled: " + e.getMessage());
            }
            return null;
        }
    }

    private void giveUp(LiveStream stream, String why) {
        pulls.counters().pullsFailed.increment();
        Logger.info("{}: {}, telling its players", key, why);
        end();
        LiveStream s = stream != null ? stream : registry.get(key);
        if (s != null) {
            registry.notFound(s, why);
        }
    }

    private void end() {
        lock.lock();
        try {
            ended = true;
            session = null;
        } finally {
            lock.unlock();
        }
        pulls.ended(this);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public long lastActivityNanos() {
        return lastActivity;
    }

    @Override
    public void evict(String reason) {
        Logger.info("{}: {} evicted: {}", key, description, reason);
        stop();
    }
}
