package dev.rtmpserver.hls;

import java.util.List;
import java.util.Locale;

/**
 * The text of an LL-HLS media playlist (RFC 8216bis, with Apple's low-latency extensions): the
 * window of complete segments, the parts of the latest ones and of the segment being built, a
 * preload hint for the next part, and the server-control line that lets players block on
 * reloads and ask for delta updates. A pure function of a {@link Window}, so tests compare text.
 *
 * <p>Players that do not know LL-HLS (ffmpeg, VLC) skip the tags they do not know and read the
 * same playlist as plain HLS of whole segments.
 */
final class MediaPlaylist {
    /** Parts are listed for segments this close to the live edge, as Apple's spec advises (three target durations). */
    static final int SEGMENTS_WITH_PARTS = 3;

    private MediaPlaylist() {
    }

    /**
     * One part as listed: its duration in seconds, whether it starts with a keyframe.
     *
     * @param uri relative to the playlist
     */
    record Part(double duration, boolean independent, String uri) {
    }

    /**
     * One segment: complete ones have a duration and a URI; the one being built has neither yet.
     *
     * @param discontinuity   the timeline or codecs change before it (a new publisher, new init)
     * @param map             the init section's URI for this segment
     */
    record Segment(long msn, double duration, String uri, List<Part> parts, boolean discontinuity, String map) {
        boolean complete() {
            return uri != null;
        }
    }

    /**
     * What is in the playlist now.
     *
     * @param targetDuration  the longest segment's duration, rounded up, in whole seconds
     * @param partTarget      the longest part's duration allowed, in seconds
     * @param segments        oldest first; the last may be the one being built
     * @param nextPartUri     the part that will come next, for EXT-X-PRELOAD-HINT; null when ended
     * @param ended           the stream ended: EXT-X-ENDLIST, and no hint
     * @param discontinuities discontinuities in segments that have left the window
     */
    record Window(int targetDuration, double partTarget, List<Segment> segments, String nextPartUri, boolean ended,
                  long discontinuities) {
    }

    /** The whole playlist; {@code skip} asks for a delta update (_HLS_skip=YES). */
    static String render(Window w, boolean skip) {
        StringBuilder sb = new StringBuilder(2048);
        double canSkipUntil = 6.0 * w.targetDuration();
        sb.append("#EXTM3U\n");
        sb.append("#EXT-X-VERSION:9\n");
        sb.append("#EXT-X-TARGETDURATION:").append(w.targetDuration()).append('\n');
        sb.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=").append(seconds(3 * w.partTarget()))
                .append(",CAN-SKIP-UNTIL=").append(seconds(canSkipUntil)).append('\n');
        sb.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(w.partTarget())).append('\n');
        List<Segment> segments = w.segments();
        long first = segments.isEmpty() ? 0 : segments.get(0).msn();
        sb.append("#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n');
        if (w.discontinuities() > 0) {
            sb.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(w.discontinuities()).append('\n');
        }
        int skipped = skip ? skippable(segments, canSkipUntil) : 0;
        if (skipped > 0) {
            sb.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
        }
        // Parts are listed for the segment being built and the last few complete ones.
        int partsFrom = segments.size();
        int complete = 0;
        for (int i = segments.size() - 1; i >= 0 && complete < SEGMENTS_WITH_PARTS; i--) {
            complete += segments.get(i).complete() ? 1 : 0;
            partsFrom = i;
        }
        String map = null;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (i < skipped) {
                continue;
            }
            if (s.discontinuity() && i > 0) {
                sb.append("#EXT-X-DISCONTINUITY\n");
            }
            if (!s.map().equals(map)) {
                sb.append("#EXT-X-MAP:URI=\"").append(s.map()).append("\"\n");
                map = s.map();
            }
            if (i >= partsFrom) {
                for (Part p : s.parts()) {
                    sb.append("#EXT-X-PART:DURATION=").append(seconds(p.duration())).append(",URI=\"").append(p.uri())
                            .append('"').append(p.independent() ? ",INDEPENDENT=YES" : "").append('\n');
                }
            }
            if (s.complete()) {
                sb.append("#EXTINF:").append(seconds(s.duration())).append(",\n").append(s.uri()).append('\n');
            }
        }
        if (w.ended()) {
            sb.append("#EXT-X-ENDLIST\n");
        } else if (w.nextPartUri() != null) {
            sb.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(w.nextPartUri()).append("\"\n");
        }
        return sb.toString();
    }

    /**
     * How many segments at the start a delta update leaves out: complete ones that end at least
     * CAN-SKIP-UNTIL seconds before the live edge, up to the first that opens a discontinuity,
     * whose tag the player must see.
     */
    private static int skippable(List<Segment> segments, double canSkipUntil) {
        double after = 0;
        for (Segment s : segments) {
            after += s.complete() ? s.duration() : 0;
        }
        int n = 0;
        for (Segment s : segments) {
            after -= s.complete() ? s.duration() : 0;
            if (!s.complete() || s.discontinuity() || after < canSkipUntil) {
                break;
            }
            n++;
        }
        return n;
    }

    /** Seconds with three decimals, as playlists write them; never in another locale's notation. */
    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
