package dev.rtmpserver.relay;

import dev.rtmpserver.stream.MediaFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameQueueTest {
    private static MediaFrame key(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[size], true, false);
    }

    private static MediaFrame inter(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, ts, new byte[size], false, false);
    }

    private static MediaFrame audio(int ts, int size) {
        return new MediaFrame(MediaFrame.Kind.AUDIO, ts, new byte[size], false, false);
    }

    private static MediaFrame header(int size) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, 0, new byte[size], false, true);
    }

    private static List<Integer> drain(FrameQueue q) {
        List<Integer> timestamps = new ArrayList<>();
        for (MediaFrame f = q.poll(); f != null; f = q.poll()) {
            timestamps.add(f.timestamp());
        }
        return timestamps;
    }

    @Test
    void anOverflowDropsVideoUpToTheNextKeyframeAndCountsEveryFrame() {
        FrameQueue q = new FrameQueue(100);
        assertTrue(q.offer(key(0, 60)));
        assertFalse(q.offer(inter(40, 50)), "would overflow");
        q.poll();
        assertFalse(q.offer(inter(80, 10)), "undecodable without the dropped frame");
        assertTrue(q.offer(audio(90, 10)), "audio goes on while video waits");
        assertTrue(q.offer(key(120, 10)));
        assertTrue(q.offer(inter(160, 10)));
        assertEquals(List.of(90, 120, 160), drain(q));
        assertEquals(2, q.dropped());
    }

    @Test
    void sequenceHeadersAreNeverDropped() {
        FrameQueue q = new FrameQueue(10);
        assertTrue(q.offer(key(0, 10)));
        assertTrue(q.offer(header(50)));
        assertEquals(60, q.bytes());
        assertEquals(0, q.dropped());
    }

    @Test
    void bytesAreGivenBackAsFramesLeave() {
        FrameQueue q = new FrameQueue(100);
        q.offer(key(0, 70));
        q.poll();
        assertTrue(q.offer(key(40, 70)));
        assertEquals(70, q.bytes());
        assertTrue(q.isEmpty() == (q.bytes() == 0));
    }

    @Test
    void aQueueHoldsSomething() {
        assertThrows(IllegalArgumentException.class, () -> new FrameQueue(0));
    }
}
