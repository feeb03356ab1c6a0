package dev.rtmpserver.record;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RecordingsTest {
    @TempDir
    Path dir;

    private static Publisher publisher() {
        return new Publisher() {
            @Override
            public String describe() {
                return "conn-1 /127.0.0.1:50000";
            }

            @Override
            public long lastActivityNanos() {
                return System.nanoTime();
            }

            @Override
            public void evict(String reason) {
            }
        };
    }

    @Test
    void aNewSelectionAppliesToLaterPublishesAndTheDirectoryCannotChange() throws Exception {
        StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(), (delay, task) -> {
        }, System::nanoTime, 10);
        RecordConfig none = new RecordConfig(dir, Map.of("live", RecordConfig.Selection.NONE), Duration.ZERO, 0,
                RecordConfig.DEFAULT_QUEUE_BYTES);
        Recordings recordings = new Recordings(none, registry, new Counters(), file -> {
        });
        registry.setPublishListener(recordings);
        try {
            registry.publish(new StreamKey("live", "before"), publisher());
            assertEquals(0, recordings.runningCount());

            recordings.reconfigure(RecordConfig.all(dir));
            registry.publish(new StreamKey("live", "after"), publisher());
            assertEquals(1, recordings.runningCount());

            assertThrows(IllegalArgumentException.class,
                    () -> recordings.reconfigure(RecordConfig.all(dir.resolve("elsewhere"))));
        } finally {
            recordings.closeAll(Duration.ofSeconds(5));
        }
    }
}
