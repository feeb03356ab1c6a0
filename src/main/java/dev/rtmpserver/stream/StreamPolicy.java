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
 * @param playerWriteDelay how long a player's live media may wait to be written together with the
 *                         media after it: one wake-up and a few system calls per player per delay
 *                         instead of per frame, for up to this much more latency; zero writes each
 *                         frame as soon as the player's writer can
 */
public record StreamPolicy(boolean gopCache, long gopCacheBytes, Duration gopCacheLength, Duration reconnectGrace,
                           Duration unpublishGrace, Duration staleAfter, Duration playerWriteDelay) {
    public static final long DEFAULT_GOP_CACHE_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_GOP_CACHE_LENGTH = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RECONNECT_GRACE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_UNPUBLISH_GRACE = Duration.ofSeconds(3);
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(10);
    public static final Duration DEFAULT_PLAYER_WRITE_DELAY = Duration.ofMillis(50);
    /**
     * Held media counts towards a player's queue-wait limit, and a viewer sees every held frame that
     * much later: beyond a second it is no longer a live stream.
     */
    public static final Duration MAX_PLAYER_WRITE_DELAY = Duration.ofSeconds(1);

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
        if (playerWriteDelay.isNegative() || playerWriteDelay.compareTo(MAX_PLAYER_WRITE_DELAY) > 0) {
            throw new IllegalArgumentException("player write delay must be 0.." + MAX_PLAYER_WRITE_DELAY + ": "
                    + playerWriteDelay);
        }
    }

    public static StreamPolicy defaults() {
        return new StreamPolicy(true, DEFAULT_GOP_CACHE_BYTES, DEFAULT_GOP_CACHE_LENGTH, DEFAULT_RECONNECT_GRACE,
                DEFAULT_UNPUBLISH_GRACE, DEFAULT_STALE_AFTER, DEFAULT_PLAYER_WRITE_DELAY);
    }

    public StreamPolicy withGopCache(boolean on) {
        return new StreamPolicy(on, gopCacheBytes, gopCacheLength, reconnectGrace, unpublishGrace, staleAfter,
                playerWriteDelay);
    }

    public StreamPolicy withPlayerWriteDelay(Duration delay) {
        return new StreamPolicy(gopCache, gopCacheBytes, gopCacheLength, reconnectGrace, unpublishGrace, staleAfter,
                delay);
    }

    public StreamPolicy withGraces(Duration reconnect, Duration unpublish) {
        return new StreamPolicy(gopCache, gopCacheBytes, gopCacheLength, reconnect, unpublish, staleAfter,
                playerWriteDelay);
    }
}
