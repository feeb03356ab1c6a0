package dev.rtmpserver.stream;

import java.time.Duration;

/**
 * How the live streams of one application behave.
 *
 * @param gopCache       whether a joining player starts at the latest keyframe (on) or waits for
 *                       the next one (off)
 * @param gopCacheBytes  a group of pictures larger than this is not cached (joiners then wait)
 * @param gopCacheLength a group of pictures longer than this is not cached either
 * @param reconnectGrace how long players stay attached, untold, after a publisher's connection dies
 *                       without unpublishing; a republish within it continues their stream
 * @param unpublishGrace how long players stay attached, untold, after a clean unpublish, so an
 *                       encoder that stops and starts again keeps its audience; zero tells them at once
 * @param staleAfter     a publisher that has sent nothing for this long loses its key to a new one
 * @param audioWithVideo a player's audio waits for its next video frame and both go out in one
 *                       write: about half the writes and wake-ups per player, for up to one video
 *                       frame interval of audio latency
 */
public record StreamPolicy(boolean gopCache, long gopCacheBytes, Duration gopCacheLength, Duration reconnectGrace,
                           Duration unpublishGrace, Duration staleAfter, boolean audioWithVideo) {
    public static final long DEFAULT_GOP_CACHE_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_GOP_CACHE_LENGTH = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECONNECT_GRACE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_UNPUBLISH_GRACE = Duration.ofSeconds(3);
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(10);

    public StreamPolicy {
        if (gopCacheBytes <= 0) {
            throw new IllegalArgumentException("GOP cache size must be positive: " + gopCacheBytes);
        }
        if (gopCacheLength.isNegative() || gopCacheLength.isZero()) {
            throw new IllegalArgumentException("GOP cache length must be positive: " + gopCacheLength);
        }
        if (reconnectGrace.isNegative()) {
            throw new IllegalArgumentException("reconnect grace must not be negative: " + reconnectGrace);
        }
        if (unpublishGrace.isNegative()) {
            throw new IllegalArgumentException("unpublish grace must not be negative: " + unpublishGrace);
        }
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("stale publisher time must be positive: " + staleAfter);
        }
    }

    public static StreamPolicy defaults() {
        return new StreamPolicy(true, DEFAULT_GOP_CACHE_BYTES, DEFAULT_GOP_CACHE_LENGTH, DEFAULT_RECONNECT_GRACE,
                DEFAULT_UNPUBLISH_GRACE, DEFAULT_STALE_AFTER, false);
    }

    public StreamPolicy withGopCache(boolean on) {
        return new StreamPolicy(on, gopCacheBytes, gopCacheLength, reconnectGrace, unpublishGrace, staleAfter,
                audioWithVideo);
    }

    public StreamPolicy withAudioWithVideo(boolean on) {
        return new StreamPolicy(gopCache, gopCacheBytes, gopCacheLength, reconnectGrace, unpublishGrace, staleAfter, on);
    }

    public StreamPolicy withGraces(Duration reconnect, Duration unpublish) {
        return new StreamPolicy(gopCache, gopCacheBytes, gopCacheLength, reconnect, unpublish, staleAfter,
                audioWithVideo);
    }
}
