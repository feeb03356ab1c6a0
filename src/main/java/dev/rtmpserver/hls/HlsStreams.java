package dev.rtmpserver.hls;

import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PublishListener;
import dev.rtmpserver.stream.Scheduler;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamRegistry;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The LL-HLS renditions of the live streams: one per stream, made when it is first published
 * and kept while its publisher reconnects within the grace, so players carry on along the same
 * playlist; an ended one stays readable for a while, with EXT-X-ENDLIST, for players to finish.
 */
public final class HlsStreams implements PublishListener {
    /** How long an ended stream's playlist stays, for players still reading it. */
    static final Duration LINGER = Duration.ofSeconds(30);
    /**
     * How long a playlist request waits for a stream being pulled: finding it on an origin, its
     * first keyframe and a whole segment, under the pull's 5 s for the first media plus a GOP.
     */
    static final Duration FIRST_SEGMENT_WAIT = Duration.ofSeconds(8);
    private static final Duration POLL = Duration.ofMillis(50);

    private final StreamRegistry registry;
    private final HlsConfig config;
    private final Packager packager;
    private final Scheduler scheduler;
    private final Map<StreamKey, HlsStream> streams = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public HlsStreams(StreamRegistry registry, HlsConfig config, Scheduler scheduler) {
        this(registry, config, scheduler, new Fmp4Packager());
    }

    HlsStreams(StreamRegistry registry, HlsConfig config, Scheduler scheduler, Packager packager) {
        this.registry = registry;
        this.config = config;
        this.scheduler = scheduler;
        this.packager = packager;
    }

    @Override
    public void published(LiveStream stream, boolean continuing) {
        HlsStream current = streams.get(stream.key());
        if (continuing && current != null && !current.ended()) {
            return;
        }
        LivePlaylist playlist = new LivePlaylist(session(), config.part().toMillis() / 1000.0, config.window());
        HlsStream hls = new HlsStream(playlist, new Segmenter(playlist, packager, config.segment().toMillis(),
                config.part().toMillis()), ended -> scheduler.schedule(Duration.ZERO,
                        () -> registry.unsubscribe(stream, ended)));
        streams.put(stream.key(), hls);
        LiveStream attached = registry.subscribe(stream.key(), hls);
        if (current != null) {
            registry.unsubscribe(attached, current);
        }
        scheduleCleanup(stream.key(), hls);
    }

    /** Checks now and then whether the rendition ended, and forgets it a while after. */
    private void scheduleCleanup(StreamKey key, HlsStream hls) {
        scheduler.schedule(LINGER, () -> {
            if (streams.get(key) != hls) {
                return;
            }
            if (!hls.ended()) {
                scheduleCleanup(key, hls);
                return;
            }
            scheduler.schedule(LINGER, () -> streams.remove(key, hls));
        });
    }

    /** A new id for each publish, in every URI of its rendition: unguessable, never reused. */
    private String session() {
        byte[] b = new byte[6];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The rendition a player's playlist request is for, or null. On an edge the request may start a
     * pull of the stream (and keeps it going, as a player's connection does); the first requests
     * then wait, up to {@link #FIRST_SEGMENT_WAIT}, for the pulled stream's first segment.
     *
     * @param query the player's query without the LL-HLS parameters, for the origin; only made
     *              for a stream pulled here or not here at all
     */
    LivePlaylist requested(StreamKey key, Supplier<String> query) throws InterruptedException {
        LivePlaylist playlist = playlist(key);
        if (playlist != null && playlist.ready() && !playlist.isEnded() && !registry.fetching(key)) {
            // Live and published here, as every request of every player finds it: nothing to ask for.
            return playlist;
        }
        boolean fetching = registry.requested(key, query.get());
        long deadline = System.nanoTime() + FIRST_SEGMENT_WAIT.toNanos();
        while ((playlist == null || !playlist.ready()) && fetching && deadline - System.nanoTime() > 0) {
            // Rare (the first players of a pull) and short: a plain sleep, rather than a signal from every publish.
            Thread.sleep(POLL);
            fetching = registry.fetching(key);
            playlist = playlist(key);
        }
        return playlist;
    }

    /** The rendition of a stream, or null. */
    LivePlaylist playlist(StreamKey key) {
        HlsStream s = streams.get(key);
        return s == null ? null : s.playlist();
    }
}
