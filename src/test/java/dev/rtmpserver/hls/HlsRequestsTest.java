package dev.rtmpserver.hls;

import dev.rtmpserver.stream.Demand;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamPolicy;
import dev.rtmpserver.stream.StreamRegistry;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What players asking for streams that are not there get: a status and a JSON reason, peer text escaped. */
class HlsRequestsTest {
    private final HlsRequests requests = new HlsRequests(new HlsStreams(new StreamRegistry(
            app -> StreamPolicy.defaults(), (delay, task) -> { }, System::nanoTime, 100), HlsConfig.defaults(),
            (delay, task) -> { }));

    private HlsRequests.Answer get(String path) throws InterruptedException {
        return requests.answer(path, Map.of(), s -> URLDecoder.decode(s, StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownStreamIs404WithItsNameEscaped() throws InterruptedException {
        HlsRequests.Answer a = get("/live/x%0A%22y/index.m3u8");
        assertEquals(404, a.status());
        String body = new String(a.body().get(0), StandardCharsets.UTF_8);
        assertTrue(body.startsWith("{\"error\":\"no HLS for live/x\\\\"), "the newline escaped: " + body);
        assertTrue(body.contains("\\\"y"), "the quote escaped for JSON: " + body);
        assertFalse(body.substring(0, body.length() - 1).contains("\n"), "no raw newline from the name: " + body);
        assertEquals("no-store", a.cacheControl(), "an error is never cached");
    }

    @Test
    void mediaOfAnotherPublishIs404AndUnknownPathsAreNotServed() throws InterruptedException {
        assertEquals(404, get("/live/cam/0123456789ab/seg3.m4s").status());
        assertEquals(404, get("/live/cam/0123456789ab/part3.1.m4s").status());
        assertFalse(HlsRequests.handles("/live/cam/index.m3u"));
        assertFalse(HlsRequests.handles("/live/cam/XYZ/seg3.m4s"), "session ids are lower-case hex");
        assertTrue(HlsRequests.handles("/live/a/b/media.m3u8"), "names may hold slashes");
    }

    @Test
    void aPlaylistRequestTellsTheDemandAndWaitsWhileTheStreamIsFetched() throws InterruptedException {
        StreamRegistry registry = new StreamRegistry(app -> StreamPolicy.defaults(), (delay, task) -> { },
                System::nanoTime, 100);
        List<String> asked = new CopyOnWriteArrayList<>();
        AtomicInteger polls = new AtomicInteger();
        registry.setDemand(new Demand() {
            @Override
            public void joined(LiveStream stream, String query) {
            }

            @Override
            public void left(LiveStream stream) {
            }

            @Override
            public boolean requested(StreamKey key, String query) {
                asked.add(key + "?" + query);
                return true;
            }

            @Override
            public boolean fetching(StreamKey key) {
                // Found nowhere after a few looks.
                return polls.incrementAndGet() < 3;
            }
        });
        HlsRequests edge = new HlsRequests(new HlsStreams(registry, HlsConfig.defaults(), (delay, task) -> { }));

        HlsRequests.Answer a = edge.answer("/live/cam/media.m3u8", Map.of("_HLS_msn", "3", "token", "t k"),
                s -> URLDecoder.decode(s, StandardCharsets.UTF_8));

        assertEquals(404, a.status());
        assertEquals(List.of("live/cam?token=t%20k"), asked, "the viewer's token, without the LL-HLS parameters");
        assertEquals(3, polls.get(), "it waited while the stream was being fetched");
    }
}
