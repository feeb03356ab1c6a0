package dev.rtmpserver.relay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushUrlTest {
    @Test
    void anApplicationUrlGetsTheStreamNameAppended() {
        PushUrl u = PushUrl.of("rtmp://backup.example.com/live", "cam1");
        assertEquals(new PushUrl(false, "backup.example.com", 1935, "live", "cam1"), u);
        assertEquals("rtmp://backup.example.com:1935/live", u.tcUrl());
    }

    @Test
    void namePlaceholderIsReplacedWherever() {
        assertEquals(new PushUrl(false, "h", 1936, "in", "cam1_hd?token=x"),
                PushUrl.of("rtmp://h:1936/in/{name}_hd?token=x", "cam1"));
        assertEquals(new PushUrl(false, "h", 1935, "cam1", "cam1"), PushUrl.of("rtmp://h/{name}", "cam1"));
    }

    @Test
    void aUrlWithAStreamKeyIsUsedAsItIs() {
        assertEquals(new PushUrl(false, "a.rtmp.youtube.com", 1935, "live2", "abcd-efgh"),
                PushUrl.of("rtmp://a.rtmp.youtube.com/live2/abcd-efgh", "cam1"));
    }

    @Test
    void rtmpsDefaultsToPort443() {
        PushUrl u = PushUrl.of("rtmps://live-api-s.facebook.com/rtmp/FB-123", "cam1");
        assertTrue(u.tls());
        assertEquals(443, u.port());
        assertFalse(PushUrl.of("RTMP://h/live", "x").tls());
    }

    @Test
    void redactionHidesTheStreamKeyAndQuery() {
        assertEquals("rtmps://live-api-s.facebook.com:443/rtmp/REDACTED",
                PushUrl.of("rtmps://live-api-s.facebook.com/rtmp/FB-123?s_bl=1&a=secret", "cam1").redacted());
        assertEquals("rtmp://h:1935/live/REDACTED", PushUrl.of("rtmp://h/live?key=secret", "cam1").toString());
    }

    @Test
    void errorsNeverRepeatTheStreamKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PushUrl.of("http://h/live/secret-key", "cam1"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertTrue(e.getMessage().contains("http://h/live/REDACTED"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rtmp://", "rtmp:///live", "rtmp://h", "rtmp://h/", "srt://h/live", "not a url", "live"})
    void refusesWhatIsNotAServerAndApplication(String url) {
        assertThrows(IllegalArgumentException.class, () -> PushUrl.of(url, "cam1"));
    }
}
