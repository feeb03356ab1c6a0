package dev.rtmpserver.wire.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.amf.Amf0;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The onMetaData payload, decoded and encoded. */
class MetadataTest {
    /** As FFmpeg's FLV muxer lays it out, shortened to four properties. */
    private static final String FFMPEG_STYLE = """
            02 000a 6f6e4d65746144617461      # AMF0 string 'onMetaData'
            08 00000004                       # ECMA array, 4 entries
            0008 6475726174696f6e             # 'duration'
            00 3ff3333333333333               # number 1.2
            0005 7769647468                   # 'width'
            00 4064000000000000               # number 160
            0006 73746572656f                 # 'stereo'
            01 01                             # boolean true
            0007 656e636f646572               # 'encoder'
            02 000d 4c61766635392e32372e313030  # string 'Lavf59.27.100'
            000009                            # object end
            """;

    private static final Map<String, Object> FFMPEG_PROPERTIES = Amf0.object(
            "duration", 1.2, "width", 160.0, "stereo", true, "encoder", "Lavf59.27.100");

    @Test
    void decodesTheEcmaArrayInWireOrder() throws ProtocolException {
        Map<String, Object> decoded = Metadata.decodeOnMetaData(AnnotatedHex.bytes(FFMPEG_STYLE));
        assertEquals(FFMPEG_PROPERTIES, decoded);
        assertEquals(List.of("duration", "width", "stereo", "encoder"), new ArrayList<>(decoded.keySet()));
    }

    @Test
    void encodesTheSameBytesBack() {
        assertEquals(AnnotatedHex.hex(FFMPEG_STYLE),
                HexFormat.of().formatHex(Metadata.encodeOnMetaData(FFMPEG_PROPERTIES)));
    }

    @Test
    void theDecodedMapIsACopyTheCallerMayChange() throws ProtocolException {
        Map<String, Object> decoded = Metadata.decodeOnMetaData(AnnotatedHex.bytes(FFMPEG_STYLE));
        decoded.put("duration", 2.0);
        assertEquals(1.2, Metadata.decodeOnMetaData(AnnotatedHex.bytes(FFMPEG_STYLE)).get("duration"));
    }

    @Test
    void anAnonymousObjectIsAcceptedInPlaceOfTheEcmaArray() throws ProtocolException {
        byte[] payload = AnnotatedHex.bytes("""
                02 000a 6f6e4d65746144617461  # 'onMetaData'
                03                            # anonymous object
                0005 7769647468               # 'width'
                00 4064000000000000           # 160
                000009                        # object end
                """);
        assertEquals(Map.of("width", 160.0), Metadata.decodeOnMetaData(payload));
    }

    @Test
    void valuesAfterThePropertiesAreIgnored() throws ProtocolException {
        byte[] payload = AnnotatedHex.concat(FFMPEG_STYLE, """
                000009                        # a stray object end, as some old muxers wrote
                """);
        assertEquals(FFMPEG_PROPERTIES, Metadata.decodeOnMetaData(payload));
    }

    @Test
    void theWritersPaddingIsLeftOut() throws ProtocolException {
        byte[] padded = Metadata.encodePadded(FFMPEG_PROPERTIES, Metadata.unpaddedBytes(FFMPEG_PROPERTIES) + 100);
        assertEquals(Metadata.unpaddedBytes(FFMPEG_PROPERTIES) + 100, padded.length);
        assertEquals(FFMPEG_PROPERTIES, Metadata.decodeOnMetaData(padded));
    }

    @Test
    void theWritersPaddingIsAStrictArrayOfNullsAfterTheProperties() {
        byte[] padded = Metadata.encodePadded(Map.of("duration", 0.0), 57);
        assertEquals(AnnotatedHex.hex("""
                02 000a 6f6e4d65746144617461  # 'onMetaData'
                08 00000002                   # ECMA array, 2 entries
                0008 6475726174696f6e         # 'duration'
                00 0000000000000000           # number 0
                0007 70616464696e67           # 'padding'
                0a 00000003                   # strict array of 3 elements
                05 05 05                      # null, null, null
                000009                        # object end
                """), HexFormat.of().formatHex(padded));
        assertNull(Metadata.encodePadded(Map.of("duration", 0.0), 53), "too small even without padding");
    }

    @Test
    void otherScriptDataIsNotOnMetaData() {
        for (String bad : List.of(
                "",
                "02 000a 6f6e437565506f696e74  # 'onCuePoint'",
                "02 000a 6f6e4d65746144617461  # 'onMetaData' and nothing else",
                "02 000a 6f6e4d65746144617461 00 4064000000000000  # followed by a number",
                "02 000a 6f6e4d65746144617461 05  # followed by null",
                "00 4064000000000000           # a number first",
                "02 000a 6f6e4d65746144617461 08 00000001 0005 7769  # cut inside a name")) {
            assertThrows(ProtocolException.class, () -> Metadata.decodeOnMetaData(AnnotatedHex.bytes(bad)), bad);
        }
    }

    @Test
    void isOnMetaDataLooksOnlyAtTheFirstValue() {
        assertTrue(Metadata.isOnMetaData(AnnotatedHex.bytes(FFMPEG_STYLE)));
        assertTrue(Metadata.isOnMetaData(AnnotatedHex.bytes("02 000a 6f6e4d65746144617461")));
        assertFalse(Metadata.isOnMetaData(AnnotatedHex.bytes("02 000a 6f6e4d657461446174")));
        assertFalse(Metadata.isOnMetaData(AnnotatedHex.bytes("02 000a 6f6e437565506f696e74")));
    }

    @Test
    void randomBytesDecodeOrFailWithProtocolExceptionOnly() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] good = AnnotatedHex.bytes(FFMPEG_STYLE);
        for (int round = 0; round < 5000; round++) {
            byte[] bad = good.clone();
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            try {
                Metadata.decodeOnMetaData(bad);
            } catch (ProtocolException expected) {
                // Damage reported as damage is the point.
            }
        }
    }
}
