package dev.rtmpserver.wire.flv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.rtmpserver.testing.AnnotatedHex;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of annotated FLV files drives both directions: the reader must decode each into
 * exactly the listed header flags and tags, and the writer must produce exactly the bytes from
 * them. Every tag is followed by its PreviousTagSize, 11 plus its DataSize.
 */
class FlvFixturesTest {
    @TempDir
    Path dir;

    record Fixture(String name, String hex, boolean audio, boolean video, List<FlvTag> tags) {
        @Override
        public String toString() {
            return name;
        }
    }

    static FlvTag tag(int type, int timestamp, String payloadHex) {
        return new FlvTag(type, timestamp, HexFormat.of().parseHex(payloadHex));
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("header of a file with audio and video", """
                        464c56         # signature 'FLV'
                        01             # version 1
                        05             # TypeFlags: audio (0x04) and video (0x01)
                        00000009       # DataOffset: the header is 9 bytes
                        00000000       # PreviousTagSize0, always 0
                        """, true, true, List.of()),

                new Fixture("header of an audio-only file", """
                        464c56 01      # 'FLV' version 1
                        04             # TypeFlags: audio only
                        00000009       # DataOffset 9
                        00000000       # PreviousTagSize0
                        """, true, false, List.of()),

                new Fixture("header of a video-only file", """
                        464c56 01      # 'FLV' version 1
                        01             # TypeFlags: video only
                        00000009       # DataOffset 9
                        00000000       # PreviousTagSize0
                        """, false, true, List.of()),

                new Fixture("an AAC audio tag", """
                        464c56 01 04 00000009  # header: audio only
                        00000000               # PreviousTagSize0
                        08                     # TagType 8: audio
                        000004                 # DataSize 4
                        000017                 # Timestamp 23 ms
                        00                     # TimestampExtended
                        000000                 # StreamID, always 0
                        af 01 211a             # AAC raw frame
                        0000000f               # PreviousTagSize 11 + 4 = 15
                        """, true, false, List.of(tag(8, 23, "af01211a"))),

                new Fixture("an AVC keyframe tag", """
                        464c56 01 01 00000009  # header: video only
                        00000000               # PreviousTagSize0
                        09                     # TagType 9: video
                        00000a                 # DataSize 10
                        000028                 # Timestamp 40 ms
                        00                     # TimestampExtended
                        000000                 # StreamID
                        17                     # frame type 1 (key), CodecID 7 (AVC)
                        01 000000              # AVCPacketType 1 (NAL units), composition time 0
                        00000001 65            # NAL unit of 1 byte: IDR slice
                        00000015               # PreviousTagSize 11 + 10 = 21
                        """, false, true, List.of(tag(9, 40, "17010000000000000165"))),

                new Fixture("a timestamp above 24 bits puts its high byte in TimestampExtended", """
                        464c56 01 05 00000009  # header: audio and video
                        00000000               # PreviousTagSize0
                        08 000002              # audio, DataSize 2
                        345678                 # Timestamp: the low 24 bits of 0x12345678
                        12                     # TimestampExtended: the high 8 bits
                        000000                 # StreamID
                        af01                   # AAC raw frame, empty
                        0000000d               # PreviousTagSize 13
                        09 000002              # video, DataSize 2
                        ffffff ff              # timestamp 0xffffffff, the last before wrapping
                        000000                 # StreamID
                        2701                   # AVC inter frame, truncated header
                        0000000d               # PreviousTagSize 13
                        """, true, true, List.of(tag(8, 0x12345678, "af01"), tag(9, 0xffffffff, "2701"))),

                new Fixture("an onMetaData script tag, then sequence headers and frames", """
                        464c56 01 05 00000009  # header: audio and video
                        00000000               # PreviousTagSize0
                        12 000028              # TagType 18: script data, DataSize 40
                        000000 00 000000       # timestamp 0, StreamID
                        02 000a                # AMF0 string of 10 bytes
                        6f6e4d65746144617461   # 'onMetaData'
                        08 00000001            # ECMA array of 1 entry
                        0008 6475726174696f6e  # name 'duration'
                        00 4024000000000000    # number 10.0
                        000009                 # object end
                        00000033               # PreviousTagSize 11 + 40 = 51
                        09 000005 000000 00 000000  # video, DataSize 5, time 0
                        17 00 000000           # AVC sequence header, empty configuration
                        00000010               # PreviousTagSize 16
                        08 000003 000000 00 000000  # audio, DataSize 3, time 0
                        af 00 12               # AAC sequence header, cut short
                        0000000e               # PreviousTagSize 14
                        09 000000 000021 00 000000  # video, DataSize 0, time 33 ms
                        0000000b               # PreviousTagSize 11: an empty tag is still a tag
                        """, true, true, List.of(
                        tag(18, 0, "02000a6f6e4d65746144617461" + "0800000001" + "00086475726174696f6e"
                                + "004024000000000000" + "000009"),
                        tag(9, 0, "1700000000"),
                        tag(8, 0, "af0012"),
                        tag(9, 33, ""))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void readerDecodesFixtureIntoItsFlagsAndTags(Fixture f) throws IOException {
        byte[] bytes = AnnotatedHex.bytes(f.hex());
        assertEquals(new FlvHeader.Flags(f.audio(), f.video()), FlvHeader.decode(bytes));
        try (FileChannel ch = FlvFiles.openForReading(FlvFiles.file(dir, "in.flv", bytes))) {
            FlvReader reader = FlvReader.open(ch);
            assertEquals(new FlvHeader.Flags(f.audio(), f.video()), reader.flags());
            assertEquals(f.tags(), FlvFiles.readAll(reader));
            assertNull(reader.next(), "the end of the file stays the end");
            assertEquals(bytes.length, reader.position(), "the reader stands at the end of the last tag");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void writerProducesExactlyTheFixtureBytes(Fixture f) throws IOException {
        String expected = AnnotatedHex.hex(f.hex());
        assertEquals(expected.substring(0, 2 * FlvHeader.LENGTH),
                HexFormat.of().formatHex(FlvHeader.encode(f.audio(), f.video())));
        Path out = dir.resolve("out.flv");
        List<Long> positions = FlvFiles.write(out, f.audio(), f.video(), f.tags());
        assertEquals(expected, HexFormat.of().formatHex(Files.readAllBytes(out)));
        long position = FlvHeader.FIRST_TAG_POSITION;
        for (int i = 0; i < f.tags().size(); i++) {
            assertEquals(position, positions.get(i), "position of tag " + i);
            position += f.tags().get(i).fileBytes();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void headerDecodesFromItsNineBytesAlone(Fixture f) throws IOException {
        byte[] header = Arrays.copyOf(AnnotatedHex.bytes(f.hex()), FlvHeader.LENGTH);
        assertEquals(new FlvHeader.Flags(f.audio(), f.video()), FlvHeader.decode(header));
        assertArrayEquals(header, FlvHeader.encode(f.audio(), f.video()));
    }
}
