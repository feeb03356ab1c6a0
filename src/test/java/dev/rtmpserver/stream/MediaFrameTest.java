package dev.rtmpserver.stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaFrameTest {
    @Test
    void onlyTheDefaultTracksKeyframesAreKeyframes() {
        // Legacy AVC keyframe: frame type 1, CodecID 7, NAL units, composition time 0.
        assertTrue(MediaFrame.video(0, new byte[] {0x17, 1, 0, 0, 0, 0x65}).keyframe());
        // Enhanced RTMP multitrack, OneTrack CodedFrames of 'avc1' track 1, frame type 1.
        MediaFrame track1 = MediaFrame.video(0, new byte[] {(byte) 0x96, 0x01, 'a', 'v', 'c', '1', 1, 0, 0, 0, 0x65});
        assertFalse(track1.keyframe(), "a joiner starting at track 1's keyframe would begin track 0 mid-group");
        MediaFrame track0 = MediaFrame.video(0, new byte[] {(byte) 0x96, 0x01, 'a', 'v', 'c', '1', 0, 0, 0, 0, 0x65});
        assertTrue(track0.keyframe());
        assertFalse(MediaFrame.video(0, new byte[] {0x17, 0, 0, 0, 0, 1}).keyframe(), "a sequence header");
    }
}
