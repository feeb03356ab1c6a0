package dev.rtmpserver.http;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrometheusTest {
    /** One sample line of the exposition format: a name, optional labels, a number. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n\\r]|\\\\[\\\\\"n])*\",?)*})? -?[0-9.eE+-]+");

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

    @Test
    void peerTextInLabelsNeverBreaksALine() {
        String name = "a\\b\"c\nd\re\0f\u0085g\u2028h\u001b[31m";
        String text = Prometheus.render(new Counters(), List.of(), publish("li\rve", name, "conn-1 /127.0.0.1:1"));
        for (String line : text.lines().toList()) {
            if (!line.startsWith("# ")) {
                assertTrue(SAMPLE.matcher(line).matches(), "not one sample line: " + line);
            }
        }
        assertTrue(text.contains("rtmp_stream_players{app=\"li\uFFFDve\",stream=\"a\\\\b\\\"c\\nd\uFFFDe\uFFFDf\uFFFDg\uFFFDh\uFFFD[31m\"} 0\n"),
                text);
    }

    @Test
    void noClientAddressOrConnectionId() {
        List<Connection.Info> connections = List.of(
                new Connection.Info(987654, "/203.0.113.7:40000", "publisher", "live", List.of("live/cam"), List.of(),
                        List.of(), 10, 20, 0),
                new Connection.Info(987655, "/[2001:db8::7]:40001", "player", "live", List.of(),
                        List.of(new Connection.PlayerInfo("live/cam", 0, 0)), List.of(), 10, 20, 0));
        String text = Prometheus.render(new Counters(), connections,
                publish("live", "cam", "conn-987654 /203.0.113.7:40000"));
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
