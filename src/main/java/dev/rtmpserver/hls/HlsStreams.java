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

/**
 * The LL-HLS renditions of the live streams: one per stream, made when it is first published
 * and kept while its publisher reconnects within the grace, so players carry on along the same
 * playlist; an ended one stays readable for a while, with EXT-X-ENDLIST, for players to finish.
 */
public final class HlsStreams implements PublishListener {
    /** How long an ended stream's playlist stays, for players still reading it. */
    static final Duration LINGER = Duration.ofSeconds(30);

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

    /** The rendition of a stream, or null. */
    LivePlaylist playlist(StreamKey key) {
        HlsStream s = streams.get(key);
        return s == null ? null : s.playlist();
    }
}
