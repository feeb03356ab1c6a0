package dev.rtmpserver.http;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The video object of /api/streams for the Enhanced RTMP codecs. */
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
