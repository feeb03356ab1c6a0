package dev.rtmpserver.hls;

import dev.rtmpserver.hls.MediaPlaylist.Part;
import dev.rtmpserver.hls.MediaPlaylist.Segment;
import dev.rtmpserver.hls.MediaPlaylist.Window;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Media playlists as text, checked line by line against RFC 8216bis and Apple's LL-HLS rules. */
class MediaPlaylistTest {
    /** Four 0.5 s parts per 2 s segment; part i of segment m at "s/part{m}.{i}.m4s". */
    private static List<Part> parts(long msn, int count) {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parts.add(new Part(0.5, i == 0, "s/part" + msn + "." + i + ".m4s"));
        }
        return parts;
    }

    private static Segment complete(long msn, boolean discontinuity, String map) {
        return new Segment(msn, 2.0, "s/seg" + msn + ".m4s", parts(msn, 4), discontinuity, map);
    }

    @Test
    void theLiveEdgeListsPartsOfTheLastSegmentsAndHintsTheNextPart() {
        List<Segment> segments = new ArrayList<>();
        for (long msn = 10; msn < 15; msn++) {
            segments.add(complete(msn, false, "s/init0.mp4"));
        }
        segments.add(new Segment(15, 0, null, parts(15, 2), false, "s/init0.mp4"));
        String text = MediaPlaylist.render(new Window(2, 0.5, segments, "s/part15.2.m4s", false, 0), false);
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:9
                #EXT-X-TARGETDURATION:2
                #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,CAN-SKIP-UNTIL=12.000
                #EXT-X-PART-INF:PART-TARGET=0.500
                #EXT-X-MEDIA-SEQUENCE:10
                #EXT-X-MAP:URI="s/init0.mp4"
                #EXTINF:2.000,
                s/seg10.m4s
                #EXTINF:2.000,
                s/seg11.m4s
                #EXT-X-PART:DURATION=0.500,URI="s/part12.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.500,URI="s/part12.1.m4s"
                #EXT-X-PART:DURATION=0.500,URI="s/part12.2.m4s"
                #EXT-X-PART:DURATION=0.500,URI="s/part12.3.m4s"
                #EXTINF:2.000,
                s/seg12.m4s
                #EXT-X-PART:DURATION=0.500,URI="s/part13.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.500,URI="s/part13.1.m4s"
                #EXT-X-PART:DURATION=0.500,URI="s/part13.2.m4s"
                #EXT-X-PART:DURATION=0.500,URI="s/part13.3.m4s"
                #EXTINF:2.000,
                s/seg13.m4s
                #EXT-X-PART:DURATION=0.500,URI="s/part14.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.500,URI="s/part14.1.m4s"
                #EXT-X-PART:DURATION=0.500,URI="s/part14.2.m4s"
                #EXT-X-PART:DURATION=0.500,URI="s/part14.3.m4s"
                #EXTINF:2.000,
                s/seg14.m4s
                #EXT-X-PART:DURATION=0.500,URI="s/part15.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.500,URI="s/part15.1.m4s"
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="s/part15.2.m4s"
                """, text);
    }

    @Test
    void aDeltaUpdateSkipsSegmentsOlderThanTheSkipBoundaryButNeverADiscontinuity() {
        List<Segment> segments = new ArrayList<>();
        for (long msn = 0; msn < 10; msn++) {
            segments.add(complete(msn, msn == 2, msn < 2 ? "a/init0.mp4" : "b/init0.mp4"));
        }
        Window w = new Window(2, 0.5, segments, "b/part10.0.m4s", false, 3);
        String full = MediaPlaylist.render(w, false);
        assertEquals(10, full.lines().filter(l -> l.startsWith("#EXTINF")).count());
        assertEquals(1, full.lines().filter(l -> l.equals("#EXT-X-DISCONTINUITY")).count());
        // Segments end 18, 16, ... 2, 0 s before the edge: 0 and 1 (ending 18 and 16 s before) may be
        // skipped, but 2 opens a discontinuity, so it stays, and everything after it.
        String delta = MediaPlaylist.render(w, true);
        assertEquals(List.of("#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-DISCONTINUITY-SEQUENCE:3",
                "#EXT-X-SKIP:SKIPPED-SEGMENTS=2", "#EXT-X-DISCONTINUITY", "#EXT-X-MAP:URI=\"b/init0.mp4\""),
                delta.lines().filter(l -> l.startsWith("#EXT-X-MEDIA") || l.startsWith("#EXT-X-DISC")
                        || l.startsWith("#EXT-X-SKIP") || l.startsWith("#EXT-X-MAP")).toList());
        assertEquals(8, delta.lines().filter(l -> l.startsWith("#EXTINF")).count());

        List<Segment> noBreak = new ArrayList<>();
        for (long msn = 0; msn < 10; msn++) {
            noBreak.add(complete(msn, false, "a/init0.mp4"));
        }
        String skipped = MediaPlaylist.render(new Window(2, 0.5, noBreak, null, false, 0), true);
        // Segment 3 ends 12 s before the edge: 0 to 3 go, 4 (ending 10 s before) stays.
        assertEquals(List.of("#EXT-X-SKIP:SKIPPED-SEGMENTS=4", "#EXT-X-MAP:URI=\"a/init0.mp4\"", "#EXTINF:2.000,",
                "s/seg4.m4s"), skipped.lines().dropWhile(l -> !l.startsWith("#EXT-X-SKIP")).limit(4).toList());
    }

    @Test
    void anEndedStreamHasAnEndListAndNoHint() {
        String text = MediaPlaylist.render(new Window(2, 0.5, List.of(complete(3, false, "s/init0.mp4")), null,
                true, 0), false);
        assertEquals(List.of("#EXTINF:2.000,", "s/seg3.m4s", "#EXT-X-ENDLIST"),
                text.lines().skip(text.lines().count() - 3).toList());
    }
}
