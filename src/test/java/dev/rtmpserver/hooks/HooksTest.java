package dev.rtmpserver.hooks;

import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.record.RecordedFile;
import dev.rtmpserver.stream.StreamKey;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What each hook sends, through a dispatcher that runs every event at once with a recording sender. */
class HooksTest {
    private static final URI UNPUBLISH = URI.create("http://127.0.0.1:9/unpublish");
    private static final URI DONE = URI.create("http://127.0.0.1:9/done");
    private static final URI RECORD_DONE = URI.create("http://127.0.0.1:9/record_done");

    private final List<String> sent = new ArrayList<>();

    private Hooks hooks(HookFormat format) {
        HookConfig config = new HookConfig(Optional.of(UNPUBLISH), Optional.of(DONE), Optional.of(RECORD_DONE),
                List.of(), format, HookConfig.DEFAULT_TIMEOUT);
        HookDispatcher dispatcher = new HookDispatcher((url, contentType, body, timeout) -> {
            sent.add(url.getPath() + " " + contentType + " " + body);
            return 204;
        }, d -> { }, () -> 0.5, (name, task) -> task.run(), () -> 0, 10, HookConfig.DEFAULT_TIMEOUT, new Counters());
        return new Hooks(config, dispatcher, Optional.empty());
    }

    @Test
    void formFields() {
        Hooks hooks = hooks(HookFormat.FORM);
        hooks.publishEnded(new StreamKey("live", "cam&1"), "127.0.0.1", Duration.ofMillis(3042), 1000, "unpublish");
        hooks.playEnded(new StreamKey("live", "cam&1"), "::1", Duration.ofSeconds(2), 500);
        hooks.recorded(new RecordedFile("live", "cam&1", Path.of("/rec/live/cam_1-20260101-120000.flv"),
                "live/cam_1-20260101-120000.flv", Duration.ofMillis(2960), 123456, "H.264", ""));
        String form = "application/x-www-form-urlencoded ";
        assertEquals(List.of(
                "/unpublish " + form + "call=unpublish&app=live&name=cam%261&addr=127.0.0.1&duration=3.042&bytes=1000"
                        + "&reason=unpublish",
                "/done " + form + "call=done&app=live&name=cam%261&addr=%3A%3A1&duration=2&bytes=500",
                "/record_done " + form + "call=record_done&app=live&name=cam%261"
                        + "&path=%2Frec%2Flive%2Fcam_1-20260101-120000.flv&file=live%2Fcam_1-20260101-120000.flv"
                        + "&duration=2.96&size=123456&video=H.264&audio="), sent);
    }

    @Test
    void jsonFields() {
        Hooks hooks = hooks(HookFormat.JSON);
        hooks.publishEnded(new StreamKey("live", "cam"), "127.0.0.1", Duration.ofSeconds(3), 1000,
                "connection_lost");
        assertEquals(List.of("/unpublish application/json {\"call\":\"unpublish\",\"app\":\"live\",\"name\":\"cam\","
                + "\"addr\":\"127.0.0.1\",\"duration\":3,\"bytes\":1000,\"reason\":\"connection_lost\"}"), sent);
    }
}
