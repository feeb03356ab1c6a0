package dev.rtmpserver.browser;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.session.AccessControl;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamRegistry;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Live streams as FLV for browsers and other HTTP clients ({@code GET /APP/NAME.flv}, or the same
 * path as a WebSocket): admits a viewer (the play rules of RTMP apply, with the request's query
 * as the stream's), attaches it to the stream, and keeps the list of viewers for the API.
 */
public final class FlvPlayback {
    /**
     * @param queueBytes    live media held per viewer before it loses frames
     * @param maxLag        how long a viewer may keep losing frames before it is ended
     * @param maxViewers    viewers at once, as --max-connections bounds RTMP connections
     * @param maxPerAddress viewers at once from one address, as --max-connections-per-ip
     */
    public record Limits(long queueBytes, Duration maxLag, int maxViewers, int maxPerAddress) {
    }

    /** What {@link #open} decided. */
    public sealed interface Admission permits Opened, Refusal {
    }

    /** An admitted viewer and the stream it is attached to. */
    public record Opened(FlvViewer viewer, LiveStream stream) implements Admission {
    }

    /** Why a viewer was not admitted: an HTTP status and a reason for the client. */
    public record Refusal(int status, String reason) implements Admission {
    }

    private final StreamRegistry registry;
    private final Supplier<AccessControl> access;
    private final Counters counters;
    private final Limits limits;
    private final Map<Long, FlvViewer> viewers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Predicate<StreamKey> pulled;

    public FlvPlayback(StreamRegistry registry, Supplier<AccessControl> access, Counters counters, Limits limits) {
        this(registry, access, counters, limits, key -> false);
    }

    /**
     * @param pulled whether a stream nobody publishes here is pulled from an origin when a viewer
     *               asks for it (an edge), so that the viewer waits for it rather than getting 404
     */
    public FlvPlayback(StreamRegistry registry, Supplier<AccessControl> access, Counters counters, Limits limits,
                       Predicate<StreamKey> pulled) {
        this.registry = registry;
        this.access = access;
        this.counters = counters;
        this.limits = limits;
        this.pulled = pulled;
    }

    /**
     * Admits a viewer of {@code key} and attaches it to the stream; the caller runs it, then
     * calls {@link #close}. Only a stream being published (or in its reconnect grace) can be
     * watched, or one an edge pulls: a browser asking early gets 404 and asks again, as with SRS.
     *
     * @param query  the request's query string, for the play rules ({@code token=...}); may be null
     * @param client the client's address
     * @param url    the URL asked for, for the play rules that look at it
     */
    public Admission open(StreamKey key, String query, String client, String url, FlvViewer.Protocol protocol) {
        Refusal refusal = refusal(key, query, client, url, protocol.label());
        if (refusal != null) {
            return refusal;
        }
        LiveStream stream = registry.get(key);
        if ((stream == null || (!stream.isPublished() && !stream.view().reconnecting())) && !pulled.test(key)) {
            return new Refusal(404, "nobody publishes " + key);
        }
        Refusal full = overLimit(client);
        if (full != null) {
            counters.playsRejected.increment();
            Logger.info("{} {}: play {} refused: {}", protocol.label(), client, key, full.reason());
            return full;
        }
        FlvViewer viewer = new FlvViewer(ids.incrementAndGet(), key, client, protocol, limits.queueBytes(),
                limits.maxLag().toNanos(), registry.policy(key.app()).playerWriteDelay().toNanos(), System::nanoTime);
        LiveStream attached = registry.subscribe(key, viewer, query == null ? "" : query);
        viewers.put(viewer.id(), viewer);
        Logger.info("{} {}: playing {}", protocol.label(), client, key);
        return new Opened(viewer, attached);
    }

    /**
     * Whether the play rules refuse {@code key} to this client (names, tokens, the callback), as
     * they would an RTMP play; null if they allow it. Counted and logged when refused.
     *
     * @param protocol how the client asks, for the log ("http-flv", "hls")
     */
    public Refusal refusal(StreamKey key, String query, String client, String url, String protocol) {
        String invalid = StreamKey.invalidName(key.name());
        if (invalid == null) {
            invalid = StreamKey.invalidName(key.app());
        }
        if (invalid != null) {
            counters.playsRejected.increment();
            return new Refusal(400, invalid);
        }
        String denial = access.get().deny(new AccessControl.Request(AccessControl.Action.PLAY, key.app(), key.name(),
                query == null ? "" : query, url, client));
        if (denial != null) {
            counters.playsRejected.increment();
            Logger.info("{} {}: play {} denied: {}", protocol, client, key, denial);
            return new Refusal(403, denial);
        }
        return null;
    }

    private Refusal overLimit(String client) {
        if (viewers.size() >= limits.maxViewers()) {
            return new Refusal(503, "the server holds its maximum of " + limits.maxViewers() + " viewers");
        }
        long fromClient = viewers.values().stream().filter(v -> v.client().equals(client)).count();
        if (fromClient >= limits.maxPerAddress()) {
            return new Refusal(503, "this address holds its maximum of " + limits.maxPerAddress() + " viewers");
        }
        return null;
    }

    /**
     * Runs an admitted viewer to its end on the calling thread, then detaches it.
     *
     * @return whether it ended on its own (the stream ended, it fell too far behind) rather than by
     *         its client leaving, so that the caller may close the connection politely
     */
    public boolean play(Opened opened, FlvViewer.Output out) {
        String why = "the client went away";
        boolean ended = false;
        try {
            why = opened.viewer().run(out);
            ended = true;
        } catch (IOException | UncheckedIOException e) {
            // The browser closed the tab: nothing to report to it.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            why = "server stopping";
        } finally {
            close(opened, why);
        }
        return ended;
    }

    /** Detaches a viewer that has ended, for whatever reason. */
    public void close(Opened opened, String why) {
        registry.unsubscribe(opened.stream(), opened.viewer());
        viewers.remove(opened.viewer().id());
        FlvViewer v = opened.viewer();
        Logger.info("{} {}: stopped playing {} ({}), {} bytes, {} frames dropped", v.protocol().label(), v.client(),
                v.key(), PeerText.escape(why), v.bytesSent(), v.droppedFrames());
    }

    /** The viewers now attached. */
    public Collection<FlvViewer> viewers() {
        return List.copyOf(viewers.values());
    }

    /** Ends every viewer, for shutdown. */
    public void endAll(String why) {
        viewers.values().forEach(v -> v.end(why));
    }
}
