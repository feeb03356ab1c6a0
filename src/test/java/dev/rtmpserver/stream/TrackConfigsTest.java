package dev.rtmpserver.stream;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrackConfigsTest {
    /** Video tracks 2 and 5 configured by one ManyTracks sequence start. */
    private static final MediaFrame TRACKS_2_AND_5 = new MediaFrame(MediaFrame.Kind.VIDEO, 0, new byte[] {
        (byte) 0x96, 0x10, 'h', 'v', 'c', '1',
        2, 0, 0, 1, 0x01,
        5, 0, 0, 1, 0x01}, false, true);

    @Test
    void aMessageForSeveralTracksIsReplayedOnceUntilEachOfItsTracksIsReplaced() {
        TrackConfigs configs = new TrackConfigs();
        configs.put(TRACKS_2_AND_5);
        MediaFrame audio = Frames.audioConfig(0, (byte) 1);
        configs.put(audio);
        assertEquals(List.of(TRACKS_2_AND_5, audio), configs.frames(), "video first, then audio");

        MediaFrame track2 = Frames.videoTrackConfig(10, 2, (byte) 2);
        configs.put(track2);
        assertEquals(List.of(TRACKS_2_AND_5, track2, audio), configs.frames(), "track 5 still needs the old message");
        MediaFrame track5 = Frames.videoTrackConfig(20, 5, (byte) 2);
        configs.put(track5);
        assertEquals(List.of(track2, track5, audio), configs.frames());
        assertEquals(List.of(2, 5), configs.tracks(MediaFrame.Kind.VIDEO).stream()
                .map(TrackConfigs.TrackConfig::id).toList());
        assertSame(track2, configs.main(MediaFrame.Kind.VIDEO), "the lowest id is the main track");
    }

    @Test
    void legacyAndSingleTrackEnhancedHeadersShareTheDefaultTrack() {
        TrackConfigs configs = new TrackConfigs();
        configs.put(Frames.videoConfig(0, (byte) 1));
        MediaFrame hevc = new MediaFrame(MediaFrame.Kind.VIDEO, 50, new byte[] {(byte) 0x90, 'h', 'v', 'c', '1', 1},
                false, true);
        configs.put(hevc);
        assertEquals(List.of(hevc), configs.frames(), "a codec change replaces the default track's header");
        configs.clear();
        assertNull(configs.main(MediaFrame.Kind.VIDEO));
        assertThrows(IllegalArgumentException.class, () -> configs.put(Frames.metadata(0, (byte) 1)));
    }
}
