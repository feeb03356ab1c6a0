package dev.rtmpserver.relay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PushJsonTest {
    @Test
    void readsTheUrlOfAnApiRequest() {
        assertEquals("rtmp://h/live/k\"ey", PushJson.url(" {\"url\" : \"rtmp:\\/\\/h/live/k\\\"ey\"}\n"));
        assertEquals("rtmp://h/é", PushJson.url("{\"url\":\"rtmp://h/\\u00e9\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "[\"rtmp://h/a\"]", "{\"url\": 5}", "{\"url\": \"a\", \"x\": 1}",
            "{\"url\": \"a\", \"url\": \"b\"}", "{\"url\": \"a\"", "{\"url\": \"a\"} x", "{url: \"a\"}",
            "{\"url\": \"a\u0001\"}", "{\"url\": \"\\q\"}"})
    void anythingElseIsRefused(String body) {
        assertThrows(IllegalArgumentException.class, () -> PushJson.url(body));
    }

    @Test
    void readsTheUrlsOfACallbackAnswer() {
        assertEquals(List.of("rtmp://a/live", "rtmps://b/app/{name}"),
                PushJson.pushes("{\"code\": 0, \"push\": [\"rtmp://a/live\", \"rtmps://b/app/{name}\"], \"ok\": true}"));
    }

    @Test
    void anAnswerWithoutPushesAsksForNone() {
        assertEquals(List.of(), PushJson.pushes(""));
        assertEquals(List.of(), PushJson.pushes("OK"));
        assertEquals(List.of(), PushJson.pushes("{\"code\": 0, \"data\": null}"));
    }

    @Test
    void aPushThatIsNotAListOfStringsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> PushJson.pushes("{\"push\": \"rtmp://a/live\"}"));
        assertThrows(IllegalArgumentException.class, () -> PushJson.pushes("{\"push\": [1]}"));
    }

    @Test
    void deepNestingIsRefusedBeforeItCostsAStack() {
        assertThrows(IllegalArgumentException.class, () -> PushJson.url("[".repeat(10_000)));
    }
}
