package dev.rtmpserver.hls;

import java.time.Duration;

/**
 * How streams are cut for LL-HLS.
 *
 * @param segment a segment ends at the first keyframe this long after it began (so a stream with
 *                2 s keyframe intervals has 2 s segments)
 * @param part    a part ends at the first frame this long after it began
 * @param window  complete segments listed in the playlist and kept in memory
 */
public record HlsConfig(boolean enabled, Duration segment, Duration part, int window) {
    public static final Duration DEFAULT_SEGMENT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PART = Duration.ofMillis(250);
    public static final int DEFAULT_WINDOW = 10;

    public HlsConfig {
        if (part.isNegative() || part.isZero() || segment.compareTo(part) < 0) {
            throw new IllegalArgumentException("HLS parts must be positive and no longer than segments: part " + part
                    + ", segment " + segment);
        }
        if (window < 3) {
            throw new IllegalArgumentException("an HLS playlist needs at least 3 segments, not " + window);
        }
    }

    public static HlsConfig defaults() {
        return new HlsConfig(true, DEFAULT_SEGMENT, DEFAULT_PART, DEFAULT_WINDOW);
    }
}
