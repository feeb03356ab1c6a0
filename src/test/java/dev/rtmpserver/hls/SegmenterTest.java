package dev.rtmpserver.hls;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.mp4.Mp4Sample;
import dev.rtmpserver.wire.mp4.Mp4Track;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where parts and segments are cut, with a packager that writes what it was given as text. */
class SegmenterTest {
    /** FFmpeg 8's H.264 sequence header for a 320x240 Constrained Baseline stream. */
    private static final byte[] AVC_CONFIG = AnnotatedHex.bytes("""
            17 00 00 00 00 # keyframe, AVC, sequence header, composition time 0
            01 42 c0 0d ff e1 00 16 # AVCDecoderConfigurationRecord: version, profile 66, level 13, one SPS of 22 bytes
            67 42 c0 0d da 05 07 ec 04 40 00 00 03 00 40 00 00 0c 83 c5 0a a8
            01 00 04 68 ce 0f c8 # one PPS of 4 bytes
            """);
    /** AAC-LC, 48 kHz, mono. */
    private static final byte[] AAC_CONFIG = AnnotatedHex.bytes("af 00 11 88");

    private static final Packager TEXT = new Packager() {
        @Override
        public byte[] init(List<Mp4Track> tracks) {
            return tracks.stream().map(t -> t.sampleEntry() + " " + t.width() + "x" + t.height() + "@" + t.timescale())
                    .collect(Collectors.joining(",")).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] fragment(int sequenceNumber, List<Mp4Sample> samples) {
            return (sequenceNumber + ":" + samples.stream().map(s -> s.trackId() + "@" + s.decodeTime() + "+"
                    + s.duration() + (s.sync() ? "k" : "")).collect(Collectors.joining(" ")))
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String codecs(Mp4Track track) {
            return track.sampleEntry();
        }
    };

    private static MediaFrame key(int ms) {
        return MediaFrame.video(ms, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65});
    }

    private static MediaFrame inter(int ms) {
        return MediaFrame.video(ms, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41});
    }

    private static MediaFrame aac(int ms) {
        return MediaFrame.audio(ms, new byte[] {(byte) 0xaf, 1, 0x21, 0x10});
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void segmentsStartAtKeyframesAndPartsEndAtTheFirstFramePastTheTarget() throws Exception {
        LivePlaylist playlist = new LivePlaylist("s1", 0.25, 6);
        Segmenter segmenter = new Segmenter(playlist, TEXT, 1000, 250);
        segmenter.onFrame(MediaFrame.video(0, AVC_CONFIG));
        segmenter.onFrame(MediaFrame.audio(0, AAC_CONFIG));
        segmenter.onFrame(aac(0)); // before the first keyframe: not needed
        // 25 fps with a keyframe a second, from 1000 ms; audio every 20 ms (a round number, for the test).
        for (int ms = 1000; ms < 3100; ms += 20) {
            if (ms % 40 == 0) {
                segmenter.onFrame(ms % 1000 == 0 ? key(ms) : inter(ms));
            }
            segmenter.onFrame(aac(ms + 10));
        }
        assertEquals("avc1 320x240@90000,mp4a 0x0@48000", text(playlist.init(0)));
        assertTrue(playlist.ready());
        // Parts end at 280, 560 and 840 ms into the segment (the first frame at or past 250 ms each),
        // the last at the next keyframe.
        String media = playlist.render(false);
        assertTrue(media.contains("""
                #EXT-X-PART:DURATION=0.280,URI="s1/part0.0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.280,URI="s1/part0.1.m4s"
                #EXT-X-PART:DURATION=0.280,URI="s1/part0.2.m4s"
                #EXT-X-PART:DURATION=0.160,URI="s1/part0.3.m4s"
                #EXTINF:1.000,
                s1/seg0.m4s
                """), media);
        // Segment 2 has begun at 3000 ms, but its first part is not complete yet.
        assertTrue(media.endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s1/part2.0.m4s\"\n"), media);
        // The first part: seven video frames of 3600 ticks from the keyframe (1 s into the stream's
        // clock), and the audio completed meanwhile, 960 ticks of 48 kHz each.
        List<String> first = List.of(text(playlist.part(0, 0)).substring("1:".length()).split(" "));
        assertEquals(List.of("1@90000+3600k", "1@93600+3600", "1@97200+3600", "1@100800+3600", "1@104400+3600",
                "1@108000+3600", "1@111600+3600"), first.stream().filter(s -> s.startsWith("1@")).toList());
        assertEquals("2@48480+960k", first.get(0), "audio from 10 ms after the keyframe");
        // A segment is its parts, in order.
        assertEquals(4, playlist.segment(0).size());
    }

    @Test
    void theEndFlushesWhatIsHeldAndEndsThePlaylist() {
        LivePlaylist playlist = new LivePlaylist("s2", 0.25, 6);
        Segmenter segmenter = new Segmenter(playlist, TEXT, 1000, 250);
        segmenter.onFrame(MediaFrame.video(0, AVC_CONFIG));
        segmenter.onFrame(key(0));
        segmenter.onFrame(inter(40));
        segmenter.finish();
        playlist.end();
        String media = playlist.render(false);
        assertTrue(media.endsWith("#EXTINF:0.080,\ns2/seg0.m4s\n#EXT-X-ENDLIST\n"), media);
        assertEquals("1:1@0+3600k 1@3600+3600", text(playlist.part(0, 0)));
    }
}
