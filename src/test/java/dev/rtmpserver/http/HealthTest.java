package dev.rtmpserver.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HealthTest {
    private static final ListenerState RTMP = new ListenerState("rtmp 0.0.0.0:1935", true, null);
    private static final ListenerState RTMPS = new ListenerState("rtmps 0.0.0.0:1936", true, null);
    private static final ListenerState HTTP = new ListenerState("http 127.0.0.1:8080", true, null);

    @Test
    void allUpIsOkWithALinePerListener() {
        Response r = Health.render(List.of(RTMP, RTMPS, HTTP));
        assertEquals(200, r.status());
        assertEquals("ok\nrtmp 0.0.0.0:1935 up\nrtmps 0.0.0.0:1936 up\nhttp 127.0.0.1:8080 up\n", r.bodyText());
        assertEquals(Response.TEXT, r.headers().get("Content-Type"));
    }

    @Test
    void anyDownIs503WithTheReasons() {
        Response r = Health.render(List.of(RTMP,
                new ListenerState("rtmps 0.0.0.0:1936", false, "accept loop failed: java.lang.IllegalStateException"),
                HTTP));
        assertEquals(503, r.status());
        assertEquals("""
                down
                rtmp 0.0.0.0:1935 up
                rtmps 0.0.0.0:1936 down: accept loop failed: java.lang.IllegalStateException
                http 127.0.0.1:8080 up
                """, r.bodyText());
    }

    @Test
    void aReasonNeverSpansLines() {
        Response r = Health.render(List.of(new ListenerState("rtmp 0.0.0.0:1935", false, "a\nb\rc")));
        assertEquals("down\nrtmp 0.0.0.0:1935 down: a b c\n", r.bodyText());
    }
}
