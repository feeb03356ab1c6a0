package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Publish-to-display latency in headless Chromium, on the player page: ffmpeg draws the wall
 * clock into every frame it encodes (bits 4 to 23 of the millisecond count, as stripes), and the
 * page reads them back from each frame it shows ({@code requestVideoFrameCallback}), on the same
 * machine and clock. The same encode goes to SRS (HTTP-FLV and HLS) and nginx-rtmp (HLS), played
 * through the same page with the same player settings, so the peers are measured in the same run.
 * A benchmark, not a test: it runs only with {@code RTMP_BENCH=1}, from
 * {@code interop/bench/browser-latency.sh}, and prints its figures.
 */
@Timeout(600)
class BrowserLatencyBenchmark {
    private static final int SECONDS = Integer.parseInt(System.getenv().getOrDefault("RTMP_BENCH_SECONDS", "30"));
    private static final int STARTS = Integer.parseInt(System.getenv().getOrDefault("RTMP_BENCH_STARTS", "5"));
    /** Reads each shown frame's clock; the low four bits are left out, as ffmpeg evaluates them mid-frame. */
    private static final String MEASURE = """
            (() => {
              const v = document.querySelector('video');
              const c = document.createElement('canvas');
              c.width = 320; c.height = 180;
              const g = c.getContext('2d', {willReadFrequently: true});
              window.bench = {lat: [], first: -1, waiting: 0, start: performance.now(), events: []};
              v.addEventListener('waiting', () => { if (window.bench.lat.length) window.bench.waiting++; });
              for (const e of ['loadedmetadata', 'seeking', 'seeked', 'canplay', 'playing', 'waiting']) {
                v.addEventListener(e, () => window.bench.events.push(e + ' '
                    + (performance.now() - window.bench.start).toFixed(0) + ' @' + v.currentTime.toFixed(2)
                    + (v.buffered.length ? ' [' + v.buffered.start(0).toFixed(2) + ', '
                        + v.buffered.end(v.buffered.length - 1).toFixed(2) + ']' : '')));
              }
              const onFrame = () => {
                g.drawImage(v, 0, 0, 320, 180);
                const row = g.getImageData(0, 45, 320, 1).data;
                let ms = 0;
                for (let b = 4; b < 24; b++) if (row[(b * 10 + 5) * 4] > 128) ms += 2 ** b;
                let d = Date.now() % 16777216 - ms;
                if (d < 0) d += 16777216;
                if (window.bench.first < 0) {
                  window.bench.first = performance.now() - window.bench.start;
                  window.bench.events.push('frame ' + window.bench.first.toFixed(0) + ' @' + v.currentTime.toFixed(2));
                }
                window.bench.lat.push(d - 8);
                v.requestVideoFrameCallback(onFrame);
              };
              v.requestVideoFrameCallback(onFrame);
              return 'measuring';
            })()""";

    @TempDir
    Path dir;

    /** One row of the table: a player on a page, started by {@code script} once the page has loaded. */
    private record Row(String label, String script) {
    }

    @Test
    void publishToDisplayLatencyPerTransport() throws Exception {
        assumeTrue("1".equals(System.getenv("RTMP_BENCH")), "a benchmark: RTMP_BENCH=1 runs it");
        Path srs = Peers.srsDir().map(d -> d.resolve("run-srs.sh")).orElse(null);
        boolean withSrs = srs != null;
        boolean withNginx = Files.exists(Path.of(NGINX_MODULE));
        int srsRtmp = Peers.freePort();
        int srsHttp = Peers.freePort();
        int nginxRtmp = Peers.freePort();
        int nginxHttp = Peers.freePort();
        List<Tools.Run> peers = new ArrayList<>();
        try (TestServer server = new TestServer(ServerConfig.forTests()
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())))) {
            if (withSrs) {
                ProcessBuilder pb = new ProcessBuilder(srs.toString(), String.valueOf(srsRtmp),
                        String.valueOf(srsHttp), dir.resolve("srs").toString());
                pb.environment().put("SRS_LOG_LEVEL", "warn");
                Files.createDirectories(Tools.LOGS);
                peers.add(Tools.start(Tools.LOGS.resolve("latency-srs.log"), pb));
                Peers.awaitListening(srsRtmp, "SRS");
            }
            if (withNginx) {
                peers.add(nginx(nginxRtmp, nginxHttp));
                Peers.awaitListening(nginxRtmp, "nginx-rtmp");
            }
            // One encode, sent to every server, so that each shows the same frames with the same clock.
            StringBuilder targets = new StringBuilder("[f=flv:onfail=ignore]" + server.url("live", "lat"));
            if (withSrs) {
                targets.append("|[f=flv:onfail=ignore]rtmp://127.0.0.1:").append(srsRtmp).append("/live/lat");
            }
            if (withNginx) {
                targets.append("|[f=flv:onfail=ignore]rtmp://127.0.0.1:").append(nginxRtmp).append("/live/lat");
            }
            Tools.Run publisher = Tools.start("latency-publish", "ffmpeg", "-hide_banner", "-loglevel", "error",
                    "-nostdin", "-re", "-f", "lavfi", "-i", "color=c=gray:size=320x180:rate=30", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(SECONDS * 8 + 60), "-vf",
                    "geq=lum='if(lt(Y\\,90)\\,255*mod(floor(mod(floor(time(0)*1000)\\,16777216)/pow(2\\,floor(X/10)))"
                            + "\\,2)\\,128)':cb=128:cr=128",
                    "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                    "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    // tee cannot give each FLV muxer in-band headers: the encoders must put them in extradata.
                    "-flags", "+global_header", "-f", "tee", targets.toString());
            server.awaitPublishedAWhile("live", "lat");
            String only = System.getenv().getOrDefault("RTMP_BENCH_ROWS", "");
            List<Row> rows = new ArrayList<>(List.of(
                    new Row("rtmp-server HTTP-FLV + mpegts.js", "start('http')"),
                    new Row("rtmp-server WebSocket-FLV + mpegts.js", "start('ws')"),
                    new Row("rtmp-server LL-HLS (fMP4, 1 s segments, 250 ms parts) + hls.js", "start('hls')"),
                    // hls.js with its low-latency mode off reads the playlists as any plain HLS client
                    // does: whole segments, three target durations behind.
                    new Row("rtmp-server HLS read as plain HLS + hls.js (lowLatencyMode off)",
                            "(() => { player = new Hls({lowLatencyMode: false}); player.loadSource('/live/lat/index.m3u8');"
                                    + " player.attachMedia(video); video.play().catch(() => {}); })()")));
            // The peers play through the same page, so that their players run with the same settings.
            if (withSrs) {
                rows.add(new Row("SRS 7 HTTP-FLV + mpegts.js",
                        "startFlv('http', 'http://127.0.0.1:" + srsHttp + "/live/lat.flv')"));
                rows.add(new Row("SRS 7 HLS (MPEG-TS, 2 s fragments) + hls.js",
                        "startHls('http://127.0.0.1:" + srsHttp + "/live/lat.m3u8')"));
            }
            if (withNginx) {
                rows.add(new Row("nginx-rtmp HLS (MPEG-TS, 1 s fragments) + hls.js",
                        "startHls('http://127.0.0.1:" + nginxHttp + "/hls/lat.m3u8')"));
            }
            rows.removeIf(r -> !r.label().contains(only));
            // Peers' playlists appear only after a few fragments.
            Thread.sleep(Duration.ofSeconds(8));
            String page = "http://127.0.0.1:" + server.server.httpPort().orElseThrow() + "/play/live/lat#none";
            StringBuilder table = new StringBuilder("\n| server and transport | first frame, median (range) | latency median | p95 | max"
                    + " | waiting events | dropped frames |\n|---|---|---|---|---|---|---|\n");
            int n = 0;
            for (Row row : rows) {
                // First frames vary by hundreds of milliseconds from start to start: the table gives
                // the median of several, each in a fresh browser, and the first start plays on.
                List<Long> firsts = new ArrayList<>();
                int blank = 0;
                String line = "";
                for (int start = 0; start < STARTS; start++) {
                    try (Browser browser = Browser.open(dir.resolve("chromium-" + n++), page, 800, 600)) {
                        play(browser, row);
                        if (start > 0) {
                            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                            while (System.nanoTime() < deadline && "false".equals(
                                    browser.evaluate("window.bench.first >= 0 || window.benchError !== ''"))) {
                                Thread.sleep(50);
                            }
                        } else {
                            Thread.sleep(Duration.ofSeconds(SECONDS));
                        }
                        System.out.println(row.label() + ", start " + (start + 1) + ": "
                                + browser.evaluate("window.bench.events.join('; ')"));
                        long first = Long.parseLong(browser.evaluate("window.bench.first.toFixed(0)"));
                        if (first >= 0) {
                            firsts.add(first);
                        } else {
                            blank++;
                        }
                        if (start == 0) {
                            line = measured(browser, row);
                        }
                    }
                }
                String first = "";
                if (!firsts.isEmpty()) {
                    List<Long> sorted = firsts.stream().sorted().toList();
                    first = sorted.get(sorted.size() / 2) + " ms (" + sorted.get(0) + "-" + sorted.get(sorted.size() - 1)
                            + ")";
                }
                if (blank > 0) {
                    first += ", " + blank + " of " + STARTS + " starts showed nothing in 10 s";
                }
                table.append(line.replace("FIRST", first));
            }
            if (!withSrs || !withNginx) {
                table.append(withSrs ? "" : "(SRS left out: set SRS_DIR, or put shared/peers/srs beside the repository)\n")
                        .append(withNginx ? "" : "(nginx-rtmp left out: apt-get install nginx libnginx-mod-rtmp)\n");
            }
            System.out.println(table);
            publisher.kill();
        } finally {
            for (Tools.Run peer : peers) {
                peer.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** Starts the row's player on the page, and the measurement with it. */
    private static void play(Browser browser, Row row) throws Exception {
        // The page may fetch from this server only (connect-src 'self'); the peers' rows need more.
        browser.reloadIgnoringContentSecurityPolicy();
        browser.await("String(document.getElementById('status') !== null"
                + " && document.getElementById('status').textContent !== 'loading…')", "true"::equals,
                "the player page's script");
        // A browser that has just started goes on starting its other processes for a second or so
        // (and the one before is still exiting); a viewer's browser is usually up and idle.
        Thread.sleep(Duration.ofSeconds(2));
        // A player error is reported in the table rather than retried against this server.
        browser.evaluate("(() => { window.benchError = ''; again = (kind, why) => { window.benchError = why; };"
                + " stop(); " + row.script() + "; return 'started'; })()");
        browser.evaluate(MEASURE);
    }

    /** The row's line of the table, with FIRST where the first frames go. */
    private static String measured(Browser browser, Row row) throws Exception {
        String[] lat = browser.evaluate("window.bench.lat.join(',')").split(",");
        double[] ms = Arrays.stream(lat).filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble)
                .filter(d -> d >= 0 && d < 60_000).sorted().toArray();
        String error = browser.evaluate("window.benchError");
        if (ms.length == 0) {
            return String.format("| %s | no frame shown%s | | | | | |%n", row.label(),
                    error.isEmpty() ? "" : " (" + error + ")");
        }
        String waiting = browser.evaluate("window.bench.waiting");
        String dropped = browser.evaluate("(q => q.droppedVideoFrames + ' of ' + q.totalVideoFrames)"
                + "(document.querySelector('video').getVideoPlaybackQuality())");
        return String.format("| %s | FIRST | %.0f ms | %.0f ms | %.0f ms | %s | %s |%n", row.label(),
                ms[ms.length / 2], ms[(int) (ms.length * 0.95)], ms[ms.length - 1], waiting, dropped);
    }

    private static final String NGINX_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

    /**
     * nginx-rtmp writing HLS with 1 s fragments (its default is 5 s) and serving it over HTTP with
     * the CORS header that lets the player page, on another port, read it. One process, no workers.
     */
    private Tools.Run nginx(int rtmpPort, int httpPort) throws Exception {
        Path home = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(home.resolve("hls"));
        Path conf = home.resolve("nginx.conf");
        Files.writeString(conf, """
                load_module %1$s;
                master_process off;
                worker_processes 1;
                pid %2$s/nginx.pid;
                events { worker_connections 64; }
                rtmp {
                    server {
                        listen 127.0.0.1:%3$d;
                        application live {
                            live on;
                            hls on;
                            hls_path %2$s/hls;
                            hls_fragment 1s;
                            hls_playlist_length 4s;
                        }
                    }
                }
                http {
                    access_log off;
                    client_body_temp_path %2$s/tmp;
                    proxy_temp_path %2$s/tmp;
                    fastcgi_temp_path %2$s/tmp;
                    uwsgi_temp_path %2$s/tmp;
                    scgi_temp_path %2$s/tmp;
                    server {
                        listen 127.0.0.1:%4$d;
                        location /hls/ {
                            types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
                            root %2$s;
                            add_header Access-Control-Allow-Origin *;
                            add_header Cache-Control no-cache;
                        }
                    }
                }
                """.formatted(NGINX_MODULE, home, rtmpPort, httpPort));
        return Tools.start("latency-nginx", "nginx", "-e", home.resolve("error.log").toString(), "-p",
                home.toString(), "-c", conf.toString(), "-g", "daemon off;");
    }
}
