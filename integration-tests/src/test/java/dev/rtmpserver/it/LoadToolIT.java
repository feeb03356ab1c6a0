package dev.rtmpserver.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load tools behind the README's performance figures, each run as interop/bench/fanout.sh and
 * floor.sh run it: a process of its own from target/rtmp-server-tools.jar, FanOut against a server
 * (here this JVM's). Their figures are not checked against targets (that is the benchmarks' job),
 * only that they measure and report each of them.
 */
@Timeout(120)
class LoadToolIT {

    @Test
    void fanOutDeliversToEveryPlayerAndReportsEachFigure() throws Exception {
        try (TestServer server = new TestServer()) {
            Tools.Run run = tool("fanout", "dev.rtmpserver.tools.FanOut",
                    "--url", server.url("live", "load"), "--players", "6", "--bitrate-kbps", "500",
                    "--seconds", "4", "--warmup-seconds", "1",
                    "--server-pid", Long.toString(ProcessHandle.current().pid()));
            run.expectSuccess(Duration.ofSeconds(90));
            String report = run.output();
            System.out.println(report);

            Map<String, String> result = result(report);
            String fields = result.toString();
            assertEquals("6", result.get("players"));
            assertEquals("0", result.get("failed_playing"));
            assertTrue(number(result, "min_frac") >= 0.99, "every player got the stream: " + fields);
            assertTrue(number(result, "delivered_gb") > 0, fields);
            // A 2 s GOP inside a 4 s window: every player times keyframes as well as other frames.
            for (String figure : List.of("lat_p50_ms", "lat_p99_ms", "key_p50_ms", "key_p99_ms", "audio_p50_ms",
                    "audio_p99_ms", "ttff_med_ms", "cpu_s", "cpu_sys_s", "rss_mb")) {
                assertTrue(number(result, figure) >= 0, figure + " measured: " + fields);
            }
            assertTrue(number(result, "key_p99_ms") <= number(result, "lat_max_ms"), fields);
        }
    }

    @Test
    void floorToolMeasuresBothDesignsAfterEveryByteReachedItsSocket() throws Exception {
        Tools.Run run = tool("fanout-floor", "dev.rtmpserver.tools.FanOutFloor", "3", "1", "1");
        // A run whose players' sockets did not take every byte fails, and so does the whole tool.
        run.expectSuccess(Duration.ofSeconds(90));
        String report = run.output();
        System.out.println(report);
        Map<String, String> result = result(report);
        assertEquals("3", result.get("players"));
        // Three players for a second is too little CPU for a ratio; each design's figure is still there.
        for (String figure : List.of("writer_threads_cpu_s_per_gb", "direct_cpu_s_per_gb")) {
            assertTrue(number(result, figure) >= 0, figure + " measured: " + result);
        }
    }

    /**
     * Starts a tool from target/rtmp-server-tools.jar, as the benchmark scripts do, so that the jar
     * is checked to hold the tools and to find the server jar beside it.
     */
    private static Tools.Run tool(String logName, String mainClass, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("rtmp.projectDir", "."), "target", "rtmp-server-tools.jar");
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", jar.toString(), mainClass));
        command.addAll(List.of(args));
        return Tools.start(logName, command.toArray(String[]::new));
    }

    /** The fields of a report's last RESULT line. */
    private static Map<String, String> result(String report) {
        String line = report.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b).orElse(null);
        assertNotNull(line, "one RESULT line");
        Map<String, String> result = new HashMap<>();
        for (String field : line.substring("RESULT ".length()).split(" ", -1)) {
            int eq = field.indexOf('=');
            result.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return result;
    }

    /** A figure as a number; "na" (not measured) fails. */
    private static double number(Map<String, String> result, String key) {
        String value = result.get(key);
        assertNotNull(value, key + " reported");
        double v = Double.parseDouble(value.equals("na") ? "NaN" : value);
        assertTrue(Double.isFinite(v), key + " is a number, not " + value);
        return v;
    }
}
