package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.StreamBusyException;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamLimitException;
import dev.rtmpserver.stream.StreamRegistry;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import dev.rtmpserver.wire.message.StatusCode;
import org.tinylog.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The NetStreams of one connection, by message stream id: what each publishes or plays, and the
 * admission of every publish and play (name, access rules, the registry's own refusals). Every
 * refusal is answered with the status a client expects and never tells a client about another one.
 *
 * <p>The reading thread starts and ends streams; the watchdog ends plays that waited too long for
 * a publisher; the HTTP API reads. {@link #lock} makes the table consistent for all three.
 */
final class NetStreams {
    /** The application whose stream names are recordings: rtmp://host/vod/APP/FILE.flv. */
    static final String VOD_APP = "vod";

    private final Connection conn;
    private final SessionContext context;
    private final Outbound out;

    /** Guards the three maps; held briefly, never across IO (sends only queue). */
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Integer, Publishing> publishing = new HashMap<>();
    private final Map<Integer, Playing> playing = new HashMap<>();
    private final Map<Integer, Vod> vods = new HashMap<>();
    /** When the connection last had nothing to publish or play; 0 while it has. Read by the watchdog. */
    private volatile long idleSince;

    NetStreams(Connection conn, SessionContext context, Outbound out, long now) {
        this.conn = conn;
        this.context = context;
        this.out = out;
        this.idleSince = now;
    }

    /** When a play started and what its connection had been sent by then, to tell what it was sent while playing. */
    private record Since(long nanos, long bytesSent) {
    }

    /** @param subscribed what the stream delivers to: the sink, or a {@link CodecGate} in front of it */
    private record Playing(PlayerSink sink, Sink subscribed, LiveStream stream, Since since) {
    }

    private record Vod(VodPlayback playback, StreamKey key, Since since) {
    }

    long idleSince() {
        return idleSince;
    }

    Publishing publishingOn(int streamId) {
        lock.lock();
        try {
            return publishing.get(streamId);
        } finally {
            lock.unlock();
        }
    }

    PlayerSink playerOn(int streamId) {
        lock.lock();
        try {
            Playing p = playing.get(streamId);
            return p == null ? null : p.sink();
        } finally {
            lock.unlock();
        }
    }

    VodPlayback vodOn(int streamId) {
        lock.lock();
        try {
            Vod v = vods.get(streamId);
            return v == null ? null : v.playback();
        } finally {
            lock.unlock();
        }
    }

    /** Answers {@code refusal} if {@code streamId} already publishes or plays something; true if it did. */
    private boolean refusedInUse(int streamId, StatusCode refusal) {
        boolean used;
        lock.lock();
        try {
            used = inUse(streamId);
        } finally {
            lock.unlock();
        }
        if (used) {
            conn.send(Replies.onStatus(refusal, "stream " + streamId + " is already in use"), streamId);
        }
        return used;
    }

    private boolean inUse(int streamId) {
        return publishing.containsKey(streamId) || playing.containsKey(streamId) || vods.containsKey(streamId);
    }

    /** Starts publishing {@code key} on {@code streamId}; answers the client either way. */
    void publish(int streamId, StreamKey key, String query) {
        String invalid = StreamKey.invalidName(key.name());
        if (invalid != null) {
            refusePublish(streamId, key, invalid);
            return;
        }
        if (refusedInUse(streamId, StatusCode.PUBLISH_BAD_NAME)) {
            return;
        }
        // The access check may call an HTTP service: never under the lock.
        String denial = denied(AccessControl.Action.PUBLISH, key, query);
        if (denial != null) {
            conn.send(Replies.onStatus(StatusCode.PUBLISH_BAD_NAME, "publish " + key + " denied: " + denial), streamId);
            return;
        }
        try {
            // Another node of a cluster may publish it: a wait for the shared store, so never under the lock.
            context.claims().claim(key);
        } catch (StreamBusyException e) {
            refusePublish(streamId, key, e.getMessage());
            return;
        }
        LiveStream stream;
        try {
            stream = context.registry().publish(key, conn);
        } catch (StreamLimitException e) {
            context.claims().release(key);
            context.counters().limitExceeded("streams");
            refusePublish(streamId, key, e.getMessage());
            return;
        } catch (StreamBusyException e) {
            context.claims().release(key);
            refusePublish(streamId, key, e.getMessage());
            return;
        }
        lock.lock();
        try {
            publishing.put(streamId, new Publishing(conn, streamId, key, stream));
            activityChanged();
        } finally {
            lock.unlock();
        }
        conn.startedPublishing();
        conn.send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        conn.send(Replies.onStatus(StatusCode.PUBLISH_START, key + " is now published"), streamId);
        Logger.info("{}: publishing {}", conn.describe(), key);
    }

    private void refusePublish(int streamId, StreamKey key, String why) {
        context.counters().publishesRejected.increment();
        Logger.info("{}: publish {} refused: {}", conn.describe(), key, why);
        conn.send(Replies.onStatus(StatusCode.PUBLISH_BAD_NAME, "publish " + key + " refused: " + why), streamId);
    }

    /**
     * Plays {@code key} on {@code streamId}. Play.Start is sent only once the play is admitted; a
     * stream nobody publishes yet is waited for, up to the play-wait limit.
     */
    void play(int streamId, StreamKey key, String query) {
        String invalid = StreamKey.invalidName(key.name());
        if (invalid != null) {
            refusePlay(streamId, StatusCode.PLAY_FAILED, "play " + key + " refused: " + invalid);
            return;
        }
        if (refusedInUse(streamId, StatusCode.PLAY_FAILED)) {
            return;
        }
        String denial = denied(AccessControl.Action.PLAY, key, query);
        if (denial != null) {
            conn.send(Replies.onStatus(StatusCode.PLAY_FAILED, "play " + key + " denied: " + denial), streamId);
            return;
        }
        PlayerSink sink = new PlayerSink(out, streamId, key, conn.describe(), context.config(),
                context.registry().policy(key.app()).playerWriteDelay(), context.counters().framesDroppedPlayerBehind,
                () -> conn.closeAsync("player too slow"), System::nanoTime);
        // Queued before the stream's cached frames, which subscribing queues.
        conn.send(UserControl.of(UserControl.STREAM_BEGIN, streamId), 0);
        conn.send(Replies.onStatus(StatusCode.PLAY_RESET, "playing and resetting " + key), streamId);
        conn.send(Replies.onStatus(StatusCode.PLAY_START, "started playing " + key), streamId);
        conn.send(Replies.sampleAccess(), streamId);
        Since since = since();
        ClientCodecs codecs = conn.codecs();
        // The gate ends the play from the publisher's thread, which must not wait for this connection.
        Sink subscribed = codecs.takesEverything() ? sink : new CodecGate(sink, codecs, frame -> {
            String why = CodecGate.refusal(codecs, frame);
            Logger.info("{}: play {} failed: {}", conn.describe(), key, why);
            context.counters().playsRejected.increment();
            conn.send(Replies.onStatus(StatusCode.PLAY_FAILED, why), streamId);
            conn.send(UserControl.of(UserControl.STREAM_EOF, streamId), 0);
            Threads.startVirtual("conn-" + conn.id() + "-refuse-" + streamId,
                    () -> end(streamId, "codec not supported by the client", End.SERVER));
        });
        LiveStream stream = context.registry().subscribe(key, subscribed, query);
        lock.lock();
        try {
            playing.put(streamId, new Playing(sink, subscribed, stream, since));
            activityChanged();
        } finally {
            lock.unlock();
        }
        Logger.info("{}: playing {}{}", conn.describe(), key, sink.waitingSince() != 0 ? " (waiting for a publisher)"
                : "");
    }

    private void refusePlay(int streamId, StatusCode status, String why) {
        context.counters().playsRejected.increment();
        Logger.info("{}: {}", conn.describe(), why);
        conn.send(Replies.onStatus(status, why), streamId);
    }

    /** Plays the recording {@code name} (a path inside the record directory) on {@code streamId}. */
    void playRecording(int streamId, String name, int startMillis, String query) {
        String invalid = StreamKey.invalidName(name);
        if (invalid != null) {
            refusePlay(streamId, StatusCode.PLAY_STREAM_NOT_FOUND, "no recording " + PeerText.escape(name) + ": "
                    + invalid);
            return;
        }
        if (refusedInUse(streamId, StatusCode.PLAY_FAILED)) {
            return;
        }
        StreamKey key = new StreamKey(VOD_APP, name);
        String denial = denied(AccessControl.Action.PLAY, key, query);
        if (denial != null) {
            conn.send(Replies.onStatus(StatusCode.PLAY_FAILED, "play denied: " + denial), streamId);
            return;
        }
        Optional<Path> file = context.recordings().apply(name);
        if (file.isEmpty()) {
            refusePlay(streamId, StatusCode.PLAY_STREAM_NOT_FOUND, "no recording " + PeerText.escape(name));
            return;
        }
        VodPlayback vod = new VodPlayback(out, streamId, file.get(), PeerText.escape(name), conn.describe(),
                conn.codecs());
        lock.lock();
        try {
            vods.put(streamId, new Vod(vod, key, since()));
            activityChanged();
        } finally {
            lock.unlock();
        }
        Logger.info("{}: playing recording {} from {} ms", conn.describe(), vod.name(), startMillis);
        vod.start(startMillis, "conn-" + conn.id() + "-vod-" + streamId);
    }

    /** Null if the access rules allow it; otherwise the reason, already counted and logged. */
    private String denied(AccessControl.Action action, StreamKey key, String query) {
        String reason = context.access().deny(new AccessControl.Request(action, key.app(), key.name(), query,
                conn.tcUrl(), conn.clientAddress()));
        if (reason != null) {
            (action == AccessControl.Action.PUBLISH ? context.counters().publishesRejected
                    : context.counters().playsRejected).increment();
            Logger.info("{}: {} {} denied: {}", conn.describe(), action.name().toLowerCase(Locale.ROOT), key, reason);
        }
        return reason;
    }

    private Since since() {
        return new Since(System.nanoTime(), out.bytesWritten());
    }

    private void playEnded(StreamKey key, Since since) {
        context.ends().playEnded(key, conn.clientAddress(), Duration.ofNanos(System.nanoTime() - since.nanos()),
                out.bytesWritten() - since.bytesSent());
    }

    /** How a stream of this connection ends, which decides what its players are told and when. */
    enum End {
        /** The client unpublished or closed it: players wait out the unpublish grace. */
        CLIENT("unpublish"),
        /** The connection died: players wait out the reconnect grace. */
        LOST("connection_lost"),
        /** The server closed the connection (a kick, a timeout): players are told now. */
        SERVER("server_close");

        /** How the on_unpublish hook names it. */
        final String reason;

        End(String reason) {
            this.reason = reason;
        }
    }

    /** Ends whatever {@code streamId} publishes or plays. */
    void end(int streamId, String why, End how) {
        Publishing p;
        Vod vod;
        Playing pl;
        lock.lock();
        try {
            p = publishing.remove(streamId);
            vod = vods.remove(streamId);
            pl = playing.remove(streamId);
            activityChanged();
        } finally {
            lock.unlock();
        }
        if (p != null) {
            switch (how) {
                case CLIENT -> context.registry().unpublish(p.stream(), conn);
                case LOST -> context.registry().publisherLost(p.stream(), conn);
                case SERVER -> context.registry().end(p.stream(), conn);
            }
            context.claims().release(p.key());
            Logger.info("{}: unpublished {} ({}): {}", conn.describe(), p.key(), why, p.summary());
            context.ends().publishEnded(p.key(), conn.clientAddress(), p.elapsed(), p.bytes(), how.reason);
        }
        if (vod != null) {
            vod.playback().stop();
            Logger.info("{}: stopped playing recording {} ({})", conn.describe(), vod.playback().name(), why);
            playEnded(vod.key(), vod.since());
        }
        if (pl != null) {
            context.registry().unsubscribe(pl.stream(), pl.subscribed());
            Logger.info("{}: stopped playing {} ({}), {} frames dropped", conn.describe(), pl.sink().key(), why,
                    pl.sink().droppedFrames());
            playEnded(pl.sink().key(), pl.since());
        }
    }

    /** FCUnpublish names the stream instead of the NetStream. */
    void unpublishByName(String name, String why) {
        List<Integer> ids = new ArrayList<>();
        lock.lock();
        try {
            publishing.forEach((id, p) -> {
                if (p.key().name().equals(name)) {
                    ids.add(id);
                }
            });
        } finally {
            lock.unlock();
        }
        for (int id : ids) {
            end(id, why, End.CLIENT);
        }
    }

    /** The connection is going: ends everything it publishes and plays. */
    void endAll(String why, End how) {
        List<Integer> ids = new ArrayList<>();
        lock.lock();
        try {
            ids.addAll(publishing.keySet());
            ids.addAll(playing.keySet());
            ids.addAll(vods.keySet());
        } finally {
            lock.unlock();
        }
        for (int id : ids) {
            end(id, why, how);
        }
    }

    /**
     * Ends the plays that have waited for a publisher longer than the play-wait limit, or whose
     * stream will not be published after all (an edge found no origin with it), telling each player
     * {@code NetStream.Play.StreamNotFound} (or {@code Play.Stop} if its stream had been published
     * and ended).
     */
    void endExpiredWaits(long now) {
        List<Map.Entry<Integer, Playing>> expired = new ArrayList<>();
        lock.lock();
        try {
            var entries = playing.entrySet().iterator();
            while (entries.hasNext()) {
                Map.Entry<Integer, Playing> e = entries.next();
                PlayerSink sink = e.getValue().sink();
                if (sink.notFound() != null
                        || Watchdog.waitedTooLong(sink.waitingSince(), now, context.config().playWait())) {
                    expired.add(Map.entry(e.getKey(), e.getValue()));
                    entries.remove();
                }
            }
            if (!expired.isEmpty()) {
                activityChanged();
            }
        } finally {
            lock.unlock();
        }
        for (Map.Entry<Integer, Playing> e : expired) {
            int streamId = e.getKey();
            Playing p = e.getValue();
            StreamKey key = p.sink().key();
            String notFound = p.sink().notFound();
            String why = notFound != null ? notFound
                    : "nobody published " + key + " within " + context.config().playWait().toSeconds() + " s";
            // Left first, so that no frame of a publisher arriving now follows the status.
            context.registry().unsubscribe(p.stream(), p.subscribed());
            conn.send(Replies.onStatus(p.sink().everPublished() ? StatusCode.PLAY_STOP
                    : StatusCode.PLAY_STREAM_NOT_FOUND, why), streamId);
            Logger.info("{}: stopped playing {}: {}", conn.describe(), key, why);
            playEnded(key, p.since());
        }
    }

    /** Called with the lock held. */
    private void activityChanged() {
        boolean idle = publishing.isEmpty() && playing.isEmpty() && vods.isEmpty();
        if (!idle) {
            idleSince = 0;
        } else if (idleSince == 0) {
            idleSince = System.nanoTime();
        }
        if (publishing.isEmpty()) {
            conn.stoppedPublishing();
        }
    }

    /** What the HTTP API shows of this connection's streams. */
    record Snapshot(String role, List<String> publishing, List<Connection.PlayerInfo> playing,
                    List<String> recordings) {
    }

    Snapshot snapshot() {
        lock.lock();
        try {
            String role = !publishing.isEmpty() ? "publisher"
                    : !playing.isEmpty() || !vods.isEmpty() ? "player" : "idle";
            List<String> published = publishing.values().stream().map(p -> p.key().toString()).toList();
            List<Connection.PlayerInfo> played = playing.values().stream()
                    .map(p -> new Connection.PlayerInfo(p.sink().key().toString(), p.sink().droppedFrames(),
                            out.liveWaitMillis(), p.sink().bytesSent()))
                    .toList();
            List<String> recordings = vods.values().stream().map(v -> v.playback().name()).toList();
            return new Snapshot(role, published, played, recordings);
        } finally {
            lock.unlock();
        }
    }

    boolean publishes(StreamKey key) {
        lock.lock();
        try {
            return publishing.values().stream().anyMatch(p -> p.key().equals(key));
        } finally {
            lock.unlock();
        }
    }
}
