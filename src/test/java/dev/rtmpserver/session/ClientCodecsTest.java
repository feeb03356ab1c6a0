package dev.rtmpserver.session;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.amf.Amf0;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.rtmpserver.session.ClientCodecs.Fit.REFUSE;
import static dev.rtmpserver.session.ClientCodecs.Fit.SEND;
import static dev.rtmpserver.session.ClientCodecs.Fit.SKIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Enhanced RTMP connect announcement (spec v2, "Enhancing NetConnection connect Command") and what it lets through. */
class ClientCodecsTest {
    private static int fourCc(String s) {
        return (s.charAt(0) << 24) | (s.charAt(1) << 16) | (s.charAt(2) << 8) | s.charAt(3);
    }

    // Payloads as publishers send them; the bytes after each header are not looked at.
    static final MediaFrame AVC_CONFIG = MediaFrame.video(0, new byte[] {0x17, 0, 0, 0, 0, 1});
    static final MediaFrame AVC_FRAME = MediaFrame.video(40, new byte[] {0x27, 1, 0, 0, 0, 9});
    static final MediaFrame HEVC_CONFIG = MediaFrame.video(0, new byte[] {(byte) 0x90, 'h', 'v', 'c', '1', 1});
    static final MediaFrame HEVC_FRAME = MediaFrame.video(40, new byte[] {(byte) 0xa1, 'h', 'v', 'c', '1', 0, 0, 0});
    static final MediaFrame AV1_CONFIG = MediaFrame.video(0, new byte[] {(byte) 0x90, 'a', 'v', '0', '1', 1});
    static final MediaFrame AVC_TRACK_1_CONFIG = MediaFrame.video(0,
            new byte[] {(byte) 0x96, 0x00, 'a', 'v', 'c', '1', 1, 1});
    static final MediaFrame AAC_CONFIG = MediaFrame.audio(0, new byte[] {(byte) 0xaf, 0, 0x12, 0x10});
    static final MediaFrame OPUS_CONFIG = MediaFrame.audio(0, new byte[] {(byte) 0x90, 'O', 'p', 'u', 's', 1});
    static final MediaFrame AAC_TRACK_1_CONFIG = MediaFrame.audio(0,
            new byte[] {(byte) 0x95, 0x00, 'm', 'p', '4', 'a', 1, 0x12});

    @Test
    void aConnectWithoutAnyOfTheFourPropertiesIsLegacy() {
        ClientCodecs c = ClientCodecs.fromConnect(Amf0.object("app", "live", "flashVer", "LNX 9,0,124,2",
                "videoCodecs", 252.0, "audioCodecs", 3575.0));
        assertEquals(ClientCodecs.LEGACY, c);
    }

    @Test
    void fourCcListAsFfmpegSendsIt() {
        // ffmpeg -rtmp_enhanced_codecs hvc1,av01
        ClientCodecs c = ClientCodecs.fromConnect(Amf0.object("app", "live", "fourCcList", List.of("hvc1", "av01")));
        assertEquals(new ClientCodecs(true, false, Set.of(fourCc("hvc1"), fourCc("av01")), 0), c);
    }

    @Test
    void infoMapsWildcardsAndCapsEx() {
        ClientCodecs c = ClientCodecs.fromConnect(Amf0.object(
                "videoFourCcInfoMap", Amf0.object("*", 4.0, "vp09", 3.0),
                "audioFourCcInfoMap", Amf0.object("Opus", 1.0, "fLaC", 0.0),
                "capsEx", 3.0));
        assertTrue(c.enhanced());
        assertTrue(c.anyCodec());
        assertEquals(Set.of(fourCc("vp09"), fourCc("Opus")), c.fourCcs(), "a FourCC with no flag set is not taken");
        assertTrue(c.canReconnect());
        assertTrue(c.takesEverything());
    }

    @Test
    void malformedEntriesAreIgnored() {
        ClientCodecs c = ClientCodecs.fromConnect(Map.of("fourCcList", List.of("hvc1", 7.0, "toolong", ""),
                "capsEx", "1", "videoFourCcInfoMap", "no"));
        assertEquals(new ClientCodecs(true, false, Set.of(fourCc("hvc1")), 0), c);
    }

    @Test
    void aLegacyClientGetsLegacyTagsSkipsExtraTracksAndIsRefusedEnhancedCodecs() {
        ClientCodecs legacy = ClientCodecs.LEGACY;
        assertEquals(SEND, legacy.fit(AVC_CONFIG));
        assertEquals(SEND, legacy.fit(AVC_FRAME));
        assertEquals(SEND, legacy.fit(AAC_CONFIG));
        assertEquals(SKIP, legacy.fit(AVC_TRACK_1_CONFIG));
        assertEquals(SKIP, legacy.fit(AAC_TRACK_1_CONFIG));
        assertEquals(REFUSE, legacy.fit(HEVC_CONFIG));
        assertEquals(REFUSE, legacy.fit(HEVC_FRAME), "even without the sequence start it cannot parse it");
        assertEquals(REFUSE, legacy.fit(OPUS_CONFIG));
        assertFalse(legacy.takesEverything());
    }

    @Test
    void anEnhancedClientIsCheckedAgainstTheCodecsItListed() {
        ClientCodecs hevcOnly = ClientCodecs.fromConnect(Amf0.object("fourCcList", List.of("hvc1", "mp4a")));
        assertEquals(SEND, hevcOnly.fit(HEVC_CONFIG));
        assertEquals(SEND, hevcOnly.fit(AVC_CONFIG), "legacy tags need no announcement");
        assertEquals(SEND, hevcOnly.fit(AAC_TRACK_1_CONFIG), "multitrack goes to any enhanced client");
        assertEquals(REFUSE, hevcOnly.fit(AV1_CONFIG));
        assertEquals(REFUSE, hevcOnly.fit(OPUS_CONFIG));
        assertEquals(REFUSE, hevcOnly.fit(AVC_TRACK_1_CONFIG), "avc1 was not listed");
    }

    @Test
    void theRefusalNamesTheCodecAndHowToAnnounceIt() {
        assertEquals("codec not supported by this client: H.265 (its connect did not announce Enhanced RTMP "
                + "(fourCcList); FFmpeg 6.1 and later: -rtmp_enhanced_codecs hvc1)",
                CodecGate.refusal(ClientCodecs.LEGACY, HEVC_CONFIG));
        ClientCodecs hevcOnly = ClientCodecs.fromConnect(Amf0.object("fourCcList", List.of("hvc1")));
        assertEquals("codec not supported by this client: Opus (its connect did not list Opus)",
                CodecGate.refusal(hevcOnly, OPUS_CONFIG));
    }
}
