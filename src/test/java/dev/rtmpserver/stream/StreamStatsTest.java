package dev.rtmpserver.stream;

import dev.rtmpserver.wire.media.Vp9FrameSize;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rates behind the API and /metrics, fed on a fake clock. */
class StreamStatsTest {
    private final FakeClock clock = new FakeClock();
    private final long start = clock.getAsLong();
    private final StreamStats stats = new StreamStats();

    /** At a fake-clock time, in milliseconds from the test's start, a frame arrives or (without one) the timer ticks. */
    private record Event(long atMillis, MediaFrame frame) {
        static Event tick(long atMillis) {
            return new Event(atMillis, null);
        }
    }

    /** Runs the events in time order; {@code afterTick} gets the time of each tick, after the sample. */
    private void run(List<Event> events, LongConsumer afterTick) {
        events.sort(Comparator.comparingLong(Event::atMillis));
        for (Event e : events) {
            clock.advance(Duration.ofMillis(e.atMillis).minusNanos(clock.getAsLong() - start));
            if (e.frame != null) {
                stats.onFrame(e.frame);
            } else {
                stats.sample(clock.getAsLong());
                afterTick.accept(e.atMillis);
            }
        }
    }

    /**
     * 30 fps from {@code fromMillis} to {@code toMillis}: timestamps from {@code firstTimestamp} in
     * whole milliseconds (33 or 34 apart), each frame arriving up to 15 ms early or late, as a
     * network delivers them; a keyframe a second.
     */
    private static List<Event> frames(Random random, long fromMillis, long toMillis, int firstTimestamp) {
        List<Event> events = new ArrayList<>();
        int i = 0;
        for (double due = fromMillis; due < toMillis; due += 1000.0 / 30, i++) {
            long at = Math.max(fromMillis, Math.round(due) + random.nextInt(31) - 15);
            int ts = firstTimestamp + (int) Math.round(i * 1000.0 / 30);
            events.add(new Event(at, i % 30 == 0 ? Frames.key(ts, 5000) : Frames.inter(ts, 800)));
        }
        return events;
    }

    private static void ticks(List<Event> events, int fromSecond, int toSecond) {
        for (int s = fromSecond; s <= toSecond; s++) {
            events.add(Event.tick(s * 1000L));
        }
    }

    @Test
    void aVp9KeyframeGivesThePictureSizeItsConfigurationLacks() {
        StreamStats stats = new StreamStats();
        stats.onPublish(0);
        // Enhanced RTMP CodedFrames of 'vp09', a 426x240 keyframe's uncompressed header (see Vp9FrameSizeTest).
        byte[] key = {(byte) 0x91, 'v', 'p', '0', '9', (byte) 0x82, 0x49, (byte) 0x83, 0x42, 0x00, 0x1a,
            (byte) 0x90, 0x0e, (byte) 0xf6};
        stats.onFrame(MediaFrame.video(0, key));
        assertEquals(new Vp9FrameSize(426, 240), stats.snapshot().vp9Size());
        stats.onPublish(1000);
        assertEquals(null, stats.snapshot().vp9Size(), "a new publisher may send another size");
    }

    @Test
    void thirtyFramesPerSecondReadThirtyThroughJitterStallsBurstsAndALateTimer() {
        Random random = new Random(42);
        // The timestamps cross the wrap of 32-bit RTMP time three seconds in.
        List<Event> events = new ArrayList<>(frames(random, 0, 24_000, -3000));
        // The encoder stalls from 15 s to 17 s, then sends what it owes at once.
        events.replaceAll(e -> e.atMillis >= 15_000 && e.atMillis < 17_000
                ? new Event(17_000 + (e.atMillis - 15_000) / 100, e.frame) : e);
        // Ticks about a second apart, each up to 100 ms late; at 9 s the timer stalls for two
        // seconds and then runs the ticks it missed back to back, as a fixed-rate timer does.
        for (int s = 1; s <= 24; s++) {
            if (s == 9 || s == 10) {
                continue;
            }
            long at = s * 1000L + random.nextInt(101);
            events.add(Event.tick(at));
            if (s == 11) {
                events.add(Event.tick(at + 1));
                events.add(Event.tick(at + 2));
            }
        }
        run(events, at -> {
            StreamStats.Snapshot snapshot = stats.snapshot();
            if (at > 2_100) {
                assertEquals(30.0, snapshot.frameRate(), 0.5, "frame rate at " + at + " ms");
            }
            if (at > 2_100 && at < 9_000) {
                double kbps = snapshot.bitrateKbps();
                assertTrue(kbps > 150 && kbps < 300, "bitrate " + kbps + " kbit/s at " + at + " ms");
            }
        });
    }

    @Test
    void theRateFallsToZeroWhenFramesStopAndANewPublishStartsAfresh() {
        List<Event> events = frames(new Random(7), 0, 10_000, 0);
        ticks(events, 1, 16);
        run(events, at -> {
        });
        assertEquals(0.0, stats.snapshot().frameRate(), "no frames for six seconds");

        stats.onPublish(System.currentTimeMillis());
        assertEquals(0.0, stats.snapshot().frameRate(), "nothing measured of the new publisher yet");
        List<Event> next = frames(new Random(8), 16_000, 22_000, 0);
        ticks(next, 17, 21);
        run(next, at -> {
        });
        assertEquals(30.0, stats.snapshot().frameRate(), 0.5,
                "measured from the new publisher's frames only, not averaged with the silence before");
    }

    @Test
    void framesWhoseTimestampsDoNotAdvanceAreCountedOverWallClockTime() {
        List<Event> events = frames(new Random(9), 0, 8_000, 0);
        events.replaceAll(e -> new Event(e.atMillis, Frames.inter(0, 800)));
        ticks(events, 1, 7);
        run(events, at -> {
        });
        assertEquals(30.0, stats.snapshot().frameRate(), 0.5);
    }
}
