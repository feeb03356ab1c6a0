package dev.rtmpserver.hls;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The encoded playlist that every viewer woken by the same part is answered with. */
class LivePlaylistTest {
    @Test
    void readersBetweenTwoChangesShareOneRenderingAndAChangeRendersAnew() {
        LivePlaylist playlist = new LivePlaylist("s1", 0.25, 6);
        playlist.init(new byte[] {1}, "avc1.42c01e", "320x240");
        playlist.part(new byte[] {2}, 0.25, true, false);
        byte[] first = playlist.bytes(false);
        assertSame(first, playlist.bytes(false), "no change, no new rendering");
        assertArrayEquals(playlist.render(false).getBytes(StandardCharsets.UTF_8), first);

        playlist.part(new byte[] {3}, 0.25, false, false);
        byte[] second = playlist.bytes(false);
        assertNotSame(first, second);
        assertTrue(new String(second, StandardCharsets.UTF_8).contains("s1/part0.1.m4s"), "the new part is listed");

        playlist.endSegment();
        assertTrue(new String(playlist.bytes(false), StandardCharsets.UTF_8).contains("s1/seg0.m4s"),
                "the completed segment is listed");
        playlist.end();
        assertTrue(new String(playlist.bytes(true), StandardCharsets.UTF_8).contains("#EXT-X-ENDLIST"));
    }

    @Test
    void aSegmentsLastPartEndsItInTheSameChangeSoNoHintPointsPastIt() {
        LivePlaylist playlist = new LivePlaylist("s1", 0.25, 6);
        playlist.init(new byte[] {1}, "avc1.42c01e", "320x240");
        playlist.part(new byte[] {2}, 0.25, true, false);
        assertTrue(new String(playlist.bytes(false), StandardCharsets.UTF_8)
                .contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s1/part0.1.m4s\""));

        playlist.part(new byte[] {3}, 0.15, false, true);
        String text = new String(playlist.bytes(false), StandardCharsets.UTF_8);
        assertTrue(text.contains("s1/part0.1.m4s") && text.contains("s1/seg0.m4s"), text);
        assertTrue(text.contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s1/part1.0.m4s\""), text);
        assertFalse(text.contains("part0.2"), text);
        assertArrayEquals(new byte[] {3}, playlist.part(0, 1));
        assertNull(playlist.part(0, 2));
    }
}
