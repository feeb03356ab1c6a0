package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Publish-to-display latency in headless Chromium, on the player page: ffmpeg draws the wall
 * clock into every frame it encodes (bits 4 to 23 of the millisecond count, as stripes), and the
 * page reads them back from each frame it shows ({@code requestVideoFrameCallback}), on the same
 * machine and clock. A benchmark, not a test: it runs only with {@code RTMP_BENCH=1}, from
 * {@code interop/bench/browser-latency.sh}, and prints its figures.
 */
@Timeout(600)
class BrowserLatencyBenchmark {
    private static final int SECONDS = Integer.parseInt(System.getenv().getOrDefault("RTMP_BENCH_SECONDS", "30"));
    /** Reads each shown frame's clock; the low four bits are left out, as ffmpeg evaluates them mid-frame. */
    private static final String MEASURE = """
            (() => {
              const v = document.querySelector('video');
              const c = document.createElement('canvas');
              c.width = 320; c.height = 180;
              const g = c.getContext('2d', {willReadFrequently: true});
              window.bench = {lat: [], first: -1, waiting: 0, start: performance.now()};
              v.addEventListener('waiting', () => { if (window.bench.lat.length) window.bench.waiting++; });
              const onFrame = () => {
                g.drawImage(v, 0, 0, 320, 180);
                const row = g.getImageData(0, 45, 320, 1).data;
                let ms = 0;
                for (let b = 4; b < 24; b++) if (row[(b * 10 + 5) * 4] > 128) ms += 2 ** b;
                let d = Date.now() % 16777216 - ms;
                if (d < 0) d += 16777216;
                if (window.bench.first < 0) window.bench.first = performance.now() - window.bench.start;
                window.bench.lat.push(d - 8);
                v.requestVideoFrameCallback(onFrame);
              };
              v.requestVideoFrameCallback(onFrame);
              return 'measuring';
            })()""";

    @TempDir
    Path dir;

    @Test
    void publishToDisplayLatencyPerTransport() throws Exception {
        assumeTrue("1".equals(System.getenv("RTMP_BENCH")), "a benchmark: RTMP_BENCH=1 runs it");
        try (TestServer server = new TestServer(ServerConfig.forTests()
                .withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())))) {
            Tools.Run publisher = Tools.start("latency-publish", "ffmpeg", "-hide_banner", "-loglevel", "error",
                    "-nostdin", "-re", "-f", "lavfi", "-i", "color=c=gray:size=320x180:rate=30", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=44100", "-t", String.valueOf(SECONDS * 4 + 30), "-vf",
                    "geq=lum='if(lt(Y\\,90)\\,255*mod(floor(mod(floor(time(0)*1000)\\,16777216)/pow(2\\,floor(X/10)))"
                            + "\\,2)\\,128)':cb=128:cr=128",
                    "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt",
                    "yuv420p", "-c:a", "aac", "-f", "flv", server.url("live", "lat"));
            server.awaitPublishedAWhile("live", "lat");
            String page = "http://127.0.0.1:" + server.server.httpPort().orElseThrow() + "/play/live/lat";
            StringBuilder table = new StringBuilder("\n| transport | first frame | latency median | p95 | max | waiting"
                    + " events | dropped frames |\n|---|---|---|---|---|---|---|\n");
            for (String transport : new String[] {"http", "ws", "hls"}) {
                try (Browser browser = Browser.open(dir.resolve("chromium-" + transport), page + "#" + transport,
                        800, 600)) {
                    // The page starts the transport its fragment names; measuring starts as soon as it has loaded.
                    browser.await("String(document.getElementById('status') !== null"
                            + " && document.getElementById('status').textContent !== 'loading…')", "true"::equals,
                            "the player page's script");
                    browser.evaluate(MEASURE);
                    Thread.sleep(Duration.ofSeconds(SECONDS));
                    String[] lat = browser.evaluate("window.bench.lat.join(',')").split(",");
                    double[] ms = Arrays.stream(lat).filter(s -> !s.isEmpty()).mapToDouble(Double::parseDouble)
                            .filter(d -> d >= 0 && d < 60_000).sorted().toArray();
                    String first = browser.evaluate("window.bench.first.toFixed(0)");
                    String waiting = browser.evaluate("window.bench.waiting");
                    String dropped = browser.evaluate("(q => q.droppedVideoFrames + ' of ' + q.totalVideoFrames)"
                            + "(document.querySelector('video').getVideoPlaybackQuality())");
                    table.append(String.format("| %s | %s ms | %.0f ms | %.0f ms | %.0f ms | %s | %s |%n", transport,
                            first, ms[ms.length / 2], ms[(int) (ms.length * 0.95)], ms[ms.length - 1], waiting,
                            dropped));
                }
            }
            System.out.println(table);
            publisher.kill();
        }
    }
}
