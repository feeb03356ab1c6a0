package dev.rtmpserver.hooks;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.record.RecordedFile;
import dev.rtmpserver.session.StreamEnds;
import dev.rtmpserver.stream.StreamKey;
import org.tinylog.Logger;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tells other services when a publish, a play or a recording file ends, as nginx-rtmp's
 * {@code on_publish_done}, {@code on_play_done} and {@code on_record_done} and SRS's {@code on_unpublish}
 * and {@code on_dvr} do: a POST of the event's fields (a form or JSON), and for recordings optionally a
 * program run with them. Every event is handed to a {@link HookDispatcher}; nothing here waits.
 */
public final class Hooks implements StreamEnds {
    private final HookConfig config;
    private final HookDispatcher dispatcher;
    private final Optional<ExecHook> exec;

    public Hooks(HookConfig config, Counters counters) {
        this(config, HookDispatcher.create(config.timeout(), counters), config.execRecordDone().isEmpty()
                ? Optional.empty()
                : Optional.of(new ExecHook("exec-record-done", config.execRecordDone(), ExecHook.DEFAULT_LIMIT)));
    }

    Hooks(HookConfig config, HookDispatcher dispatcher, Optional<ExecHook> exec) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.exec = exec;
    }

    @Override
    public void publishEnded(StreamKey key, String client, Duration duration, long bytes, String reason) {
        config.onUnpublish().ifPresent(url -> {
            Map<String, Object> fields = fields("unpublish", key);
            fields.put("addr", client);
            fields.put("duration", seconds(duration));
            fields.put("bytes", bytes);
            fields.put("reason", reason);
            post(url, fields);
        });
    }

    @Override
    public void playEnded(StreamKey key, String client, Duration duration, long bytes) {
        config.onDone().ifPresent(url -> {
            Map<String, Object> fields = fields("done", key);
            fields.put("addr", client);
            fields.put("duration", seconds(duration));
            fields.put("bytes", bytes);
            post(url, fields);
        });
    }

    /** A recording file is complete. Called on its recorder's thread. */
    public void recorded(RecordedFile file) {
        if (config.onRecordDone().isEmpty() && exec.isEmpty()) {
            return;
        }
        Map<String, Object> fields = fields("record_done", new StreamKey(file.app(), file.name()));
        fields.put("path", file.path().toString());
        fields.put("file", file.file());
        fields.put("duration", seconds(file.duration()));
        fields.put("size", file.size());
        fields.put("video", file.video());
        fields.put("audio", file.audio());
        config.onRecordDone().ifPresent(url -> post(url, fields));
        exec.ifPresent(program -> {
            // The same values as the POST, as RTMP_APP, RTMP_NAME, RTMP_PATH, ...
            Map<String, String> environment = new LinkedHashMap<>();
            fields.forEach((name, value) -> {
                if (!name.equals("call")) {
                    environment.put("RTMP_" + name.toUpperCase(Locale.ROOT), HookBody.text(value));
                }
            });
            dispatcher.run("exec_record_done", () -> program.run(environment, file.path().toString()));
        });
    }

    /** Shutdown: waits up to {@code limit} for the events still being delivered, then leaves them. */
    public void close(Duration limit) {
        try {
            if (!dispatcher.awaitIdle(limit)) {
                Logger.warn("{} hook events were still being delivered at shutdown and are abandoned",
                        dispatcher.inFlight());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void post(URI url, Map<String, Object> fields) {
        dispatcher.post((String) fields.get("call"), fields.get("app") + "/" + fields.get("name"), url, config.format(),
                HookBody.encode(fields, config.format()));
    }

    private static Map<String, Object> fields(String call, StreamKey key) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("call", call);
        fields.put("app", key.app());
        fields.put("name", key.name());
        return fields;
    }

    /** Whole milliseconds, as seconds: {@code 3.042}, {@code 3}. */
    private static BigDecimal seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros();
    }
}
