package dev.rtmpserver.http;

import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamStats;
import dev.rtmpserver.stream.TrackConfigs;
import dev.rtmpserver.testing.AnnotatedHex;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The video object and the track list of /api/streams for the Enhanced RTMP codecs and multitrack. */
class StreamsViewTest {

    @Test
    void anAv1StreamReportsTheSameFieldsAsItsLogLinePlusItsMeasuredRate() {
        byte[] config = AnnotatedHex.bytes("""
                90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)
                61 76 30 31    # FourCC 'av01'
                81 00 0c 00    # av1C: Main, level 2.0, Main tier, 8-bit 4:2:0
                0a 04          # sequence header OBU, 4 bytes
                18 15 7f bc    # reduced still picture header: 64x48
                """);

        assertEquals("{\"codec\":\"AV1\",\"summary\":\"video AV1 Main 2.0 Main-tier 64x48 8-bit 4:2:0\","
                        + "\"profile\":\"Main\",\"level\":\"2.0\",\"width\":64,\"height\":48,\"tier\":\"Main\","
                        + "\"bitDepth\":8,\"chroma\":\"4:2:0\",\"frameRate\":25}",
                Json.write(StreamsView.video(config, 25.0)));
    }

    @Test
    void aVp9StreamHasNoSizeOrTier() {
        byte[] config = AnnotatedHex.bytes("""
                90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)
                76 70 30 39    # FourCC 'vp09'
                01 00 00 00    # vpcC version 1, flags 0
                02 1f          # profile 2, level 3.1
                a7             # 10-bit, 4:4:4, full range
                09 10 09 00 00 # BT.2020, PQ, BT.2020 matrix, no initialization data
                """);

        assertEquals("{\"codec\":\"VP9\",\"summary\":\"video VP9 Profile 2 3.1 10-bit 4:4:4\","
                        + "\"profile\":\"Profile 2\",\"level\":\"3.1\",\"bitDepth\":10,"
                        + "\"chroma\":\"4:4:4\",\"frameRate\":30}",
                Json.write(StreamsView.video(config, 30.0)));
    }

    @Test
    void aMultitrackStreamListsEveryTrackWithItsCodecAndSize() {
        // FFmpeg 8's four tracks: video and audio track 0 as legacy tags, track 1 of each as
        // Enhanced RTMP one-track multitrack sequence starts.
        byte[] video0 = AnnotatedHex.bytes("""
                17 00 00 00 00 # AVC sequence header
                01 42 c0 0d ff e1 00 16 67 42 c0 0d da 05 07 ec 04 40 00 00 03 00 40 00 00 0c 83 c5 0a a8
                01 00 04 68 ce 0f c8 # 320x240 Constrained Baseline 1.3
                """);
        byte[] video1 = AnnotatedHex.bytes("""
                96 00 61 76 63 31 01 # Multitrack, OneTrack SequenceStart, 'avc1', track 1
                01 42 c0 0b ff e1 00 18 67 42 c0 0b da 0a 11 f9 70 11 00 00 03 00 01 00 00 03 00 32 0f 14 2a a0
                01 00 04 68 ce 0f c8 # 160x120 Constrained Baseline 1.1
                """);
        byte[] audio0 = AnnotatedHex.bytes("af 00 11 88 # AAC-LC 48 kHz mono");
        byte[] audio1 = AnnotatedHex.bytes("95 00 6d 70 34 61 01 12 08 # track 1: AAC-LC 44.1 kHz mono");
        LiveStream.View view = new LiveStream.View(new StreamKey("live", "mt"), "conn-1", false, 0, 0, 0,
                List.of(new TrackConfigs.TrackConfig(0, video0), new TrackConfigs.TrackConfig(1, video1)),
                List.of(new TrackConfigs.TrackConfig(0, audio0), new TrackConfigs.TrackConfig(1, audio1)),
                new StreamStats.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, new double[0], null));

        List<String> tracks = StreamsView.tracks(view).stream().map(t -> t.get("type") + " " + t.get("id") + ": "
                + t.get("summary")).toList();
        assertEquals(List.of("video 0: video H.264 Constrained Baseline 1.3 320x240 25 fps",
                "video 1: video H.264 Constrained Baseline 1.1 160x120 25 fps",
                "audio 0: audio AAC-LC 48000 Hz 1 ch", "audio 1: audio AAC-LC 44100 Hz 1 ch"), tracks);
        assertEquals(160, StreamsView.tracks(view).get(1).get("width"));
    }

    @Test
    void anUnreadableHevcConfigurationSaysSo() {
        byte[] config = AnnotatedHex.bytes("""
                90             # IsExHeader, frame type 1 (key), PacketType 0 (SequenceStart)
                68 76 63 31    # FourCC 'hvc1'
                01 01 60 00    # HEVCDecoderConfigurationRecord cut off after four bytes
                """);

        assertEquals("{\"codec\":\"H.265\",\"summary\":\"video H.265 (unparsable decoder configuration)\","
                        + "\"error\":\"unreadable decoder configuration\",\"frameRate\":30}",
                Json.write(StreamsView.video(config, 30.0)));
    }
}
