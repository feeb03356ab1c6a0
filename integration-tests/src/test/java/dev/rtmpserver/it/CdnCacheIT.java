package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sample caching edge, config/nginx-hls-cache.conf, in front of the server: many LL-HLS
 * players through it, and the origin serves each part about once.
 */
@Timeout(120)
class CdnCacheIT {
    private static final Pattern HINT = Pattern.compile(
            "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([0-9a-f]+/part(\\d+)\\.(\\d+)\\.m4s)\"");
    private static final int PLAYERS = 8;
    private static final int PARTS_EACH = 12;

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void playersThroughTheSampleNginxCacheCostTheOriginAboutOneRequestPerPart() throws Exception {
        try (TestServer server = new TestServer(ServerConfig.forTests()
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())))) {
            int edgePort = freePort();
            String conf = Files.readString(Path.of(System.getProperty("rtmp.projectDir", "."), "config",
                    "nginx-hls-cache.conf"))
                    .replace("@DIR@", dir.toString())
                    .replace("@LISTEN@", "127.0.0.1:" + edgePort)
                    .replace("@ORIGIN@", "127.0.0.1:" + server.server.httpPort().orElseThrow());
            // Run as root, nginx's workers run as nobody: they must reach the cache under the test's directory.
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path confFile = dir.resolve("nginx.conf");
            Files.writeString(confFile, conf);
            Tools.Run nginx = Tools.start("cdn-nginx", "nginx", "-e", dir.resolve("error.log").toString(), "-c",
                    confFile.toString(), "-g", "daemon off;");
            Tools.Run publisher = Tools.publishTestStream("cdn-publish", server.url("live", "cdn"), "320x240", 30,
                    true, true);
            try (HttpClient client = HttpClient.newHttpClient()) {
                String edge = "http://127.0.0.1:" + edgePort + "/live/cdn/";
                String first = Await.value(() -> {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(edge + "media.m3u8")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && HINT.matcher(r.body()).find() ? r.body() : null;
                }, "the playlist comes through the edge");
                assertTrue(first.startsWith("#EXTM3U"), first);

                // Each player does what an LL-HLS player does: a blocking reload for the hinted part,
                // then that part.
                AtomicInteger partsFetched = new AtomicInteger();
                Map<String, String> failures = new ConcurrentHashMap<>();
                List<Thread> players = new ArrayList<>();
                for (int p = 0; p < PLAYERS; p++) {
                    players.add(Thread.ofVirtual().start(() -> {
                        try {
                            String playlist = first;
                            for (int i = 0; i < PARTS_EACH; i++) {
                                Matcher hint = HINT.matcher(playlist);
                                if (!hint.find()) {
                                    failures.put(Thread.currentThread().toString(), "no hint in " + playlist);
                                    return;
                                }
                                HttpResponse<String> reload = client.send(HttpRequest.newBuilder(URI.create(edge
                                        + "media.m3u8?_HLS_msn=" + hint.group(2) + "&_HLS_part=" + hint.group(3)))
                                        .build(), HttpResponse.BodyHandlers.ofString());
                                HttpResponse<byte[]> part = client.send(HttpRequest.newBuilder(URI.create(edge
                                        + hint.group(1))).build(), HttpResponse.BodyHandlers.ofByteArray());
                                if (reload.statusCode() != 200 || part.statusCode() != 200) {
                                    // The part's answer says which resource was missing; the playlist, what hinted it.
                                    failures.put(Thread.currentThread().toString(), reload.statusCode() + " / "
                                            + part.statusCode() + " for " + hint.group(1) + " ("
                                            + new String(part.body(), StandardCharsets.UTF_8).strip()
                                            + "), hinted by:\n" + playlist + "\nreloaded:\n" + reload.body());
                                    return;
                                }
                                partsFetched.incrementAndGet();
                                playlist = reload.body();
                            }
                        } catch (Exception e) {
                            failures.put(Thread.currentThread().toString(), e.toString());
                        }
                    }));
                }
                for (Thread t : players) {
                    t.join(Duration.ofSeconds(60));
                }
                assertEquals(Map.of(), failures);
                assertEquals(PLAYERS * PARTS_EACH, partsFetched.get());
            } finally {
                publisher.kill();
                nginx.stop(Duration.ofSeconds(5));
            }
            // The edge's log: "URI STATUS CODE" per request; MISS went to the origin.
            List<String[]> parts = Files.readAllLines(dir.resolve("cache.log")).stream()
                    .map(l -> l.split(" ")).filter(f -> f[0].contains("/part")).toList();
            Map<String, Long> originFetches = parts.stream().filter(f -> !f[1].equals("HIT"))
                    .collect(Collectors.groupingBy(f -> f[0], Collectors.counting()));
            long distinct = parts.stream().map(f -> f[0]).distinct().count();
            long hits = parts.stream().filter(f -> f[1].equals("HIT")).count();
            System.out.printf("%d part requests for %d parts through the edge: %d from its cache, %d from the origin%n",
                    parts.size(), distinct, hits, parts.size() - hits);
            assertTrue(parts.size() >= PLAYERS * PARTS_EACH, "every part request went through the edge");
            assertTrue(originFetches.values().stream().allMatch(n -> n <= 2), "each part from the origin once, or "
                    + "twice at worst: " + originFetches);
            assertTrue(hits >= parts.size() / 2, hits + " of " + parts.size() + " from the cache");
        }
    }
}
