package dev.rtmpserver.hls;

import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.stream.StreamKey;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What LL-HLS players ask for, and the answers, independent of the HTTP server:
 * <ul>
 *   <li>{@code /APP/NAME/index.m3u8}: the multivariant playlist, with CODECS and RESOLUTION;</li>
 *   <li>{@code /APP/NAME/media.m3u8}: the media playlist, blocking on {@code _HLS_msn} and
 *       {@code _HLS_part}, a delta update with {@code _HLS_skip=YES};</li>
 *   <li>{@code /APP/NAME/SESSION/init0.mp4}, {@code seg12.m4s}, {@code part12.3.m4s}: media, a
 *       part not yet made being waited for (preload hints).</li>
 * </ul>
 * Playlists follow the play rules; media URIs carry the publish session's unguessable id, are
 * never reused, and so may be cached anywhere for good.
 */
public final class HlsRequests {
    private static final Pattern PLAYLIST = Pattern.compile("/([^/]+)/(.+)/(index|media)\\.m3u8");
    private static final Pattern MEDIA = Pattern.compile(
            "/([^/]+)/(.+)/([0-9a-f]{12})/(?:init(\\d{1,6})\\.mp4|seg(\\d{1,18})\\.m4s|part(\\d{1,18})\\.(\\d{1,6})\\.m4s)");
    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Long enough for a CDN to serve the same blocking reload to every player that asks for it. */
    static final String BLOCKING = "public, max-age=60";
    static final String SHORT = "public, max-age=1";

    private final HlsStreams streams;

    public HlsRequests(HlsStreams streams) {
        this.streams = streams;
    }

    /**
     * An answer: its body is one or more byte arrays sent one after another (a segment is its
     * parts).
     */
    public record Answer(int status, String contentType, String cacheControl, List<byte[]> body) {
        /** A JSON error; the message may hold a client's stream name, so it is escaped (PeerText) first. */
        public static Answer error(int status, String message) {
            String text = PeerText.escape(message).replace("\\", "\\\\").replace("\"", "\\\"");
            return new Answer(status, "application/json", "no-store",
                    List.of(("{\"error\":\"" + text + "\"}\n").getBytes(StandardCharsets.UTF_8)));
        }

        static Answer text(String contentType, String cacheControl, String text) {
            return new Answer(200, contentType, cacheControl, List.of(text.getBytes(StandardCharsets.UTF_8)));
        }

        public long length() {
            long n = 0;
            for (byte[] b : body) {
                n += b.length;
            }
            return n;
        }
    }

    /** A path this serves. */
    public static boolean handles(String rawPath) {
        return PLAYLIST.matcher(rawPath).matches() || MEDIA.matcher(rawPath).matches();
    }

    /** The stream a playlist path names (for the play rules), or null for a media path. */
    public static StreamKey playlistKey(String rawPath, Function<String, String> decode) {
        Matcher m = PLAYLIST.matcher(rawPath);
        return m.matches() ? new StreamKey(decode.apply(m.group(1)), decode.apply(m.group(2))) : null;
    }

    /**
     * Answers a GET (or HEAD) of {@code rawPath}; may wait, up to three target durations, for a
     * playlist update or a part that is about to exist.
     *
     * @param query  the query's parameters, decoded
     * @param decode percent-decodes a path segment (the HTTP side's rules)
     */
    public Answer answer(String rawPath, Map<String, String> query, Function<String, String> decode)
            throws InterruptedException {
        Matcher m = PLAYLIST.matcher(rawPath);
        if (m.matches()) {
            StreamKey key = new StreamKey(decode.apply(m.group(1)), decode.apply(m.group(2)));
            LivePlaylist playlist = streams.requested(key, () -> passedOn(query));
            if (playlist == null || !playlist.ready()) {
                return Answer.error(404, "no HLS for " + key + ": nobody publishes it, or it has no segment yet");
            }
            return m.group(3).equals("index") ? multivariant(playlist, query) : media(playlist, query);
        }
        m = MEDIA.matcher(rawPath);
        if (!m.matches()) {
            return Answer.error(404, "no such HLS resource");
        }
        StreamKey key = new StreamKey(decode.apply(m.group(1)), decode.apply(m.group(2)));
        LivePlaylist playlist = streams.playlist(key);
        if (playlist == null || !playlist.session().equals(m.group(3))) {
            return Answer.error(404, "no such HLS resource: the stream was published again since");
        }
        if (m.group(4) != null) {
            byte[] init = playlist.init(Integer.parseInt(m.group(4)));
            return init == null ? Answer.error(404, "no such init section")
                    : new Answer(200, "video/mp4", IMMUTABLE, List.of(init));
        }
        if (m.group(5) != null) {
            long msn = Long.parseLong(m.group(5));
            if (playlist.isNearFuture(msn)) {
                playlist.await(msn, -1, playlist.blockingTimeoutNanos());
            }
            List<byte[]> parts = playlist.segment(msn);
            return parts == null ? Answer.error(404, "no segment " + msn)
                    : new Answer(200, "video/iso.segment", IMMUTABLE, parts);
        }
        long msn = Long.parseLong(m.group(6));
        int index = Integer.parseInt(m.group(7));
        if (playlist.isNearFuture(msn)) {
            playlist.await(msn, index, playlist.blockingTimeoutNanos());
        }
        byte[] part = playlist.part(msn, index);
        return part == null ? Answer.error(404, "no part " + msn + "." + index)
                : new Answer(200, "video/iso.segment", IMMUTABLE, List.of(part));
    }

    /**
     * The multivariant playlist; a query on it other than the LL-HLS parameters (a play token)
     * is passed on to the media playlist, which the play rules check too.
     */
    private static Answer multivariant(LivePlaylist playlist, Map<String, String> query) {
        LivePlaylist.Variant v = playlist.variant();
        StringBuilder sb = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        sb.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(Math.max(1, v.bandwidth())).append(",CODECS=\"")
                .append(v.codecs()).append('"');
        if (v.resolution() != null) {
            sb.append(",RESOLUTION=").append(v.resolution());
        }
        sb.append("\nmedia.m3u8");
        String passed = passedOn(query);
        sb.append(passed.isEmpty() ? "" : "?" + passed).append('\n');
        return Answer.text(PLAYLIST_TYPE, SHORT, sb.toString());
    }

    /** The query without the LL-HLS parameters (a play token, say), encoded again. */
    private static String passedOn(Map<String, String> query) {
        return query.entrySet().stream().filter(e -> !e.getKey().startsWith("_HLS_"))
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).sorted()
                .collect(java.util.stream.Collectors.joining("&"));
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Answer media(LivePlaylist playlist, Map<String, String> query) throws InterruptedException {
        String msnText = query.get("_HLS_msn");
        String partText = query.get("_HLS_part");
        boolean skip = query.containsKey("_HLS_skip") && !query.get("_HLS_skip").equals("NO");
        if (msnText == null) {
            if (partText != null) {
                return Answer.error(400, "_HLS_part needs _HLS_msn");
            }
            return new Answer(200, PLAYLIST_TYPE, SHORT, List.of(playlist.bytes(skip)));
        }
        long msn;
        int part;
        try {
            msn = Long.parseLong(msnText);
            part = partText == null ? -1 : Integer.parseInt(partText);
        } catch (NumberFormatException e) {
            return Answer.error(400, "_HLS_msn and _HLS_part are whole numbers");
        }
        if (msn < 0 || !playlist.isNearFuture(msn)) {
            return Answer.error(400, "_HLS_msn " + msn + " is too far ahead of the live edge");
        }
        if (!playlist.await(msn, part, playlist.blockingTimeoutNanos()) && !playlist.isEnded()) {
            return Answer.error(503, "segment " + msn + (part < 0 ? "" : " part " + part)
                    + " did not come within three target durations");
        }
        return new Answer(200, PLAYLIST_TYPE, BLOCKING, List.of(playlist.bytes(skip)));
    }
}
