package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LL-HLS from every live stream, read by real clients: ffmpeg 5.1 as a plain HLS client, ffmpeg 8
 * for the Enhanced RTMP codecs, and the JDK's HTTP client for the low-latency parts of the
 * protocol (blocking reload, preload hints) and the caching headers.
 */
@Timeout(120)
class HlsIT {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([0-9a-f]+)/part(\\d+)\\.(\\d+)\\.m4s\"");

    @TempDir
    static Path dir;
    private static TestServer server;
    private static String http;
    private static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        server = new TestServer(ServerConfig.forTests()
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())));
        http = "http://127.0.0.1:" + server.server.httpPort().orElseThrow();
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(http + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the stream's playlist lists a few segments. */
    private static String awaitSegments(String app, String name, int segments) {
        StreamKey key = new StreamKey(app, name);
        Await.until(() -> {
            LiveStream s = server.server.registry().get(key);
            return s != null && s.isPublished();
        }, key + " is published");
        return Await.value(() -> {
            HttpResponse<String> r = get("/" + app + "/" + name + "/media.m3u8");
            return r.statusCode() == 200 && r.body().lines().filter(l -> l.startsWith("#EXTINF")).count() >= segments
                    ? r.body() : null;
        }, key + " has " + segments + " segments");
    }

    @Test
    void ffmpegReadsTheSamePlaylistAsPlainHlsAndDecodesIt() throws Exception {
        Tools.Run publisher = Tools.publishTestStream("hls-publish", server.url("live", "plain"), "320x240", 14, true,
                true);
        awaitSegments("live", "plain", 2);
        Path file = dir.resolve("plain.mp4");
        Tools.start("hls-play", "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i",
                http + "/live/plain/index.m3u8", "-t", "4", "-c", "copy", "-y", file.toString()).expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);
        assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
        assertEquals("", Tools.decodeErrors(file));
        assertTrue(Tools.durationSeconds(file) >= 3, "about 4 s");
    }

    @Test
    void blockingReloadsAndPreloadHintsAnswerOnceThePartExistsAndMediaIsCacheableForGood() throws Exception {
        Tools.Run publisher = Tools.publishTestStream("hls-ll-publish", server.url("live", "ll"), "320x240", 12, true,
                true);
        String media = awaitSegments("live", "ll", 2);

        HttpResponse<String> index = get("/live/ll/index.m3u8");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().matches("(?s).*#EXT-X-STREAM-INF:BANDWIDTH=\\d+,CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\","
                + "RESOLUTION=320x240\nmedia\\.m3u8\n"), index.body());
        assertEquals(Optional.of("application/vnd.apple.mpegurl"), index.headers().firstValue("Content-Type"));
        assertTrue(media.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK="), media);
        assertTrue(media.contains("#EXT-X-PART-INF:PART-TARGET="), media);

        // Ask for the part the hint names: the playlist comes back once that part is listed.
        Matcher hint = HINT.matcher(media);
        assertTrue(hint.find(), media);
        String session = hint.group(1);
        long msn = Long.parseLong(hint.group(2));
        int part = Integer.parseInt(hint.group(3));
        HttpResponse<String> blocked = get("/live/ll/media.m3u8?_HLS_msn=" + msn + "&_HLS_part=" + part);
        assertEquals(200, blocked.statusCode());
        String partUri = session + "/part" + msn + "." + part + ".m4s";
        assertTrue(blocked.body().contains("URI=\"" + partUri + "\""), blocked.body());
        assertEquals(Optional.of("public, max-age=60"), blocked.headers().firstValue("Cache-Control"));
        assertEquals(Optional.of("public, max-age=1"), get("/live/ll/media.m3u8").headers().firstValue("Cache-Control"));

        // The next part, asked for before it exists, comes when it is made.
        Matcher next = HINT.matcher(blocked.body());
        assertTrue(next.find(), blocked.body());
        HttpResponse<byte[]> preloaded = client.send(HttpRequest.newBuilder(URI.create(http + "/live/ll/" + next.group(1)
                + "/part" + next.group(2) + "." + next.group(3) + ".m4s")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, preloaded.statusCode());
        assertTrue(new String(preloaded.body(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("moof"),
                "a part is a CMAF chunk: moof then mdat");
        assertEquals(Optional.of("public, max-age=31536000, immutable"), preloaded.headers().firstValue("Cache-Control"));
        assertEquals(Optional.of("*"), preloaded.headers().firstValue("Access-Control-Allow-Origin"));

        // Too far ahead of the live edge is a client's mistake, not something to wait for.
        assertEquals(400, get("/live/ll/media.m3u8?_HLS_msn=" + (msn + 100)).statusCode());
        assertEquals(404, get("/live/none/index.m3u8").statusCode());
        assertEquals(404, get("/live/ll/000000000000/seg0.m4s").statusCode(), "another session's URI");
        publisher.expectSuccess(LIMIT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "hevc-aac | -c:v libx265 -preset ultrafast -x265-params log-level=error -c:a aac | hvc1. | hevc",
        "av1-opus | -c:v libsvtav1 -preset 12 -svtav1-params lp=2 -c:a libopus | av01. | av1",
        "vp9-aac | -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -c:a aac | vp09. | vp9",
        "h264-opus | -c:v libx264 -preset ultrafast -c:a libopus | avc1. | h264"})
    void enhancedRtmpCodecsGoOutInFmp4WithTheirCodecsDeclared(String name, String encode, String codecPrefix,
                                                               String decoded) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "12", "-pix_fmt", "yuv420p", "-g", "25"));
        args.addAll(List.of(encode.split(" ")));
        args.addAll(List.of("-f", "flv", server.url("live", name)));
        Tools.Run publisher = Ffmpeg8.start(name + "-hls-publish", "ffmpeg", args.toArray(String[]::new));
        awaitSegments("live", name, 2);
        String index = get("/live/" + name + "/index.m3u8").body();
        assertTrue(index.contains("CODECS=\"" + codecPrefix), index);
        assertTrue(index.contains(encode.contains("opus") ? ",opus\"" : ",mp4a.40.2\""), index);
        Path file = dir.resolve(name + ".mp4");
        Ffmpeg8.start(name + "-hls-play", "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-i",
                http + "/live/" + name + "/index.m3u8", "-t", "3", "-c", "copy", "-y", file.toString())
                .expectSuccess(LIMIT);
        publisher.expectSuccess(LIMIT);
        List<String> streams = Ffmpeg8.probeStreams(file);
        assertEquals(decoded + ",320,240", streams.get(0), streams.toString());
        assertEquals("", Ffmpeg8.decodeErrors(file));
    }
}
