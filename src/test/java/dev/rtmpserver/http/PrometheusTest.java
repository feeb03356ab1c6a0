package dev.rtmpserver.http;

import dev.rtmpserver.metrics.BuildInfo;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTest {
    /** One sample line of the exposition format: a name, optional labels, a number. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n\\r]|\\\\[\\\\\"n])*\",?)*})? -?[0-9.eE+-]+");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "summary", "histogram", "untyped");

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(),
            dev.rtmpserver.stream.Scheduler.of(timer), System::nanoTime, 100);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private List<LiveStream.View> publish(String app, String name, String publisher) {
        registry.publish(new StreamKey(app, name), new FakePublisher(publisher));
        return registry.streams().stream().map(LiveStream::view).toList();
    }

    /**
     * Checks the exposition format as Prometheus reads it: every line a comment or one sample,
     * each family with exactly one HELP and one TYPE before its samples, its samples together,
     * counters named _total. Returns each family's type.
     */
    private static Map<String, String> families(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> finished = new HashSet<>();
        String current = null;
        assertTrue(text.endsWith("\n"), "the last line ends too");
        for (String line : text.lines().toList()) {
            Matcher comment = COMMENT.matcher(line);
            if (comment.matches()) {
                String family = comment.group(2);
                if (comment.group(1).equals("HELP")) {
                    assertTrue(helped.add(family), "a second HELP for " + family);
                } else {
                    assertTrue(TYPES.contains(comment.group(3)), line);
                    assertNull(types.put(family, comment.group(3)), "a second TYPE for " + family);
                    if (comment.group(3).equals("counter")) {
                        assertTrue(family.endsWith("_total"), "a counter not named _total: " + family);
                    }
                }
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            assertTrue(sample.matches(), "not one sample line: " + line);
            String name = sample.group(1);
            String family = types.containsKey(name) ? name : name.replaceFirst("_(count|sum)$", "");
            assertTrue(helped.contains(family) && types.containsKey(family), "no HELP and TYPE before " + line);
            assertTrue(!name.equals(family) == types.get(family).equals("summary"), "a summary's samples are _count and _sum: " + line);
            if (!family.equals(current)) {
                assertTrue(finished.add(family), "the samples of " + family + " are not together");
                current = family;
            }
        }
        assertEquals(helped, types.keySet(), "HELP and TYPE name the same families");
        return types;
    }

    @Test
    void everySampleParsesAndEveryFamilyHasItsHelpAndTypeOnce() {
        List<Connection.Info> connections = List.of(new Connection.Info(3, "127.0.0.1:1", "player", "live",
                List.of(), List.of(new Connection.PlayerInfo("live/cam", 0, 0, 0)), List.of(), 10, 20, 0));
        Map<String, String> families = families(Prometheus.render(new Counters(), connections,
                publish("live", "cam", "conn-1 127.0.0.1:2")));
        for (String family : new String[] {"rtmp_stream_bytes_received_total", "rtmp_stream_bytes_sent_total",
                "rtmp_received_bytes_total", "rtmp_sent_bytes_total", "rtmp_stream_players", "rtmp_stream_recorders",
                "rtmp_stream_frame_rate", "rtmp_build_info", "jvm_memory_used_bytes", "jvm_memory_committed_bytes",
                "jvm_memory_max_bytes", "jvm_threads_current", "jvm_threads_daemon", "jvm_classes_currently_loaded",
                "jvm_classes_loaded_total"}) {
            assertTrue(families.containsKey(family), family + " in " + families.keySet());
        }
        assertEquals("summary", families.get("jvm_gc_collection_seconds"));
        if (Files.isDirectory(Path.of("/proc/self/fd"))) {
            for (String family : new String[] {"process_cpu_seconds_total", "process_open_fds", "process_max_fds",
                    "process_resident_memory_bytes", "process_virtual_memory_bytes", "process_start_time_seconds"}) {
                assertTrue(families.containsKey(family), family + " in " + families.keySet());
            }
        }
    }

    @Test
    void theBuildAndTheStreamsTrafficAreShown() {
        List<LiveStream.View> streams = publish("live", "cam", "conn-1 127.0.0.1:2");
        String text = Prometheus.render(new Counters(), List.of(), streams);
        assertTrue(text.contains("rtmp_build_info{version=\"" + BuildInfo.version() + "\",java=\"" + Runtime.version()
                + "\"} 1\n"), text);
        assertFalse(BuildInfo.version().contains("${"), "Maven filled in the version: " + BuildInfo.version());
        assertTrue(text.contains("rtmp_stream_bytes_received_total{app=\"live\",stream=\"cam\"} 0\n"), text);
        assertTrue(text.contains("rtmp_stream_bytes_sent_total{app=\"live\",stream=\"cam\"} 0\n"), text);
        assertTrue(text.contains("rtmp_stream_recorders{app=\"live\",stream=\"cam\"} 0\n"), text);
    }

    @Test
    void theClusterMapsEventsAreCounted() {
        Counters counters = new Counters();
        counters.clusterErrors.add(5);
        counters.clusterOutages.increment();
        counters.clusterRegistrations.add(3);
        counters.clusterRefusals.add(2);
        counters.clusterUnchecked.add(4);
        String text = Prometheus.render(counters, List.of(), List.of());
        families(text);
        for (String sample : List.of("rtmp_cluster_redis_errors_total 5", "rtmp_cluster_redis_outages_total 1",
                "rtmp_cluster_registrations_total 3", "rtmp_cluster_refusals_total 2",
                "rtmp_cluster_unchecked_publishes_total 4")) {
            assertTrue(text.contains("\n" + sample + "\n"), sample + " in " + text);
        }
    }

    @Test
    void peerTextInLabelsNeverBreaksALine() {
        String name = "a\\b\"c\nd\re\0f\u0085g\u2028h\u001b[31m";
        String text = Prometheus.render(new Counters(), List.of(), publish("li\rve", name, "conn-1 127.0.0.1:1"));
        families(text);
        assertTrue(text.contains("rtmp_stream_players{app=\"li\uFFFDve\",stream=\"a\\\\b\\\"c\\nd\uFFFDe\uFFFDf\uFFFDg\uFFFDh\uFFFD[31m\"} 0\n"),
                text);
    }

    @Test
    void noClientAddressOrConnectionId() {
        List<Connection.Info> connections = List.of(
                new Connection.Info(987654, "203.0.113.7:40000", "publisher", "live", List.of("live/cam"), List.of(),
                        List.of(), 10, 20, 0),
                new Connection.Info(987655, "[2001:db8::7]:40001", "player", "live", List.of(),
                        List.of(new Connection.PlayerInfo("live/cam", 0, 0, 0)), List.of(), 10, 20, 0));
        String text = Prometheus.render(new Counters(), connections,
                publish("live", "cam", "conn-987654 203.0.113.7:40000"));
        assertTrue(text.contains("rtmp_stream_players{app=\"live\",stream=\"cam\"} 0\n"), text);
        assertTrue(text.contains("rtmp_connections{role=\"publisher\"} 1\n"), text);
        for (String secret : new String[] {"203.0.113.7", "2001:db8", "987654", "987655", "conn-"}) {
            assertFalse(text.contains(secret), secret + " in\n" + text);
        }
    }

    record FakePublisher(String describe) implements Publisher {
        @Override
        public long lastActivityNanos() {
            return System.nanoTime();
        }

        @Override
        public void evict(String reason) {
        }
    }
}
