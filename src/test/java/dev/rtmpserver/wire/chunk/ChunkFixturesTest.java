package dev.rtmpserver.wire.chunk;

import dev.rtmpserver.testing.AnnotatedHex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * One table of annotated chunk streams drives both directions: the reader must decode each into
 * exactly the listed messages, and where {@code writable} the writer must produce exactly the
 * bytes from those messages.
 */
class ChunkFixturesTest {

    /** A message and the chunk stream id it travels on. */
    record Msg(int csid, int typeId, int streamId, int timestamp, String payloadHex) {
        byte[] payload() {
            return HexFormat.of().parseHex(payloadHex);
        }
    }

    /**
     * @param inChunkSize chunk size in force at the start
     * @param writable    false for header shapes this writer never produces (ids above 63)
     */
    record Fixture(String name, int inChunkSize, boolean writable, String hex, List<Msg> messages) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String hex(String annotated) {
        return AnnotatedHex.hex(annotated);
    }

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("type 0 header, one chunk", 128, true, """
                        03             # fmt 0, csid 3
                        000064         # timestamp 100
                        000003         # length 3
                        14             # type 20, AMF0 command
                        01000000       # message stream id 1, little endian
                        aabbcc         # payload
                        """, List.of(new Msg(3, 20, 1, 100, "aabbcc"))),

                new Fixture("type 0 then type 1 (new length) then type 2 (new delta) then type 3 (same delta)", 128,
                        true, """
                        06 000000 000002 09 01000000  # fmt 0 csid 6: ts 0, len 2, video, stream 1
                        1111                          # payload
                        46 000028 000003 09           # fmt 1 csid 6: delta 40, len 3, video
                        222222                        # payload
                        86 000021                     # fmt 2 csid 6: delta 33
                        333333                        # payload
                        c6                            # fmt 3 csid 6: same delta 33, same length
                        444444                        # payload
                        """, List.of(
                        new Msg(6, 9, 1, 0, "1111"),
                        new Msg(6, 9, 1, 40, "222222"),
                        new Msg(6, 9, 1, 73, "333333"),
                        new Msg(6, 9, 1, 106, "444444"))),

                new Fixture("message split over chunks with type 3 continuations", 4, true, """
                        04 000010 00000a 08 01000000  # fmt 0 csid 4: ts 16, len 10, audio, stream 1
                        00010203                      # first 4 bytes (chunk size 4)
                        c4                            # fmt 3 continuation, csid 4
                        04050607                      # next 4 bytes
                        c4                            # fmt 3 continuation
                        0809                          # last 2 bytes
                        """, List.of(new Msg(4, 8, 1, 16, "00010203040506070809"))),

                new Fixture("extended timestamp repeated on type 3 continuations", 4, true, """
                        06 ffffff 000006 09 01000000  # fmt 0 csid 6: timestamp field says 'extended'
                        01000000                      # extended timestamp 0x01000000 (16777216 ms)
                        a0a1a2a3                      # 4 payload bytes
                        c6                            # fmt 3 continuation
                        01000000                      # the extended timestamp again, as the spec says
                        a4a5                          # last 2 bytes
                        """, List.of(new Msg(6, 9, 1, 0x01000000, "a0a1a2a3a4a5"))),

                new Fixture("extended timestamp delta on a type 2 header", 128, true, """
                        05 000000 000001 12 01000000  # fmt 0 csid 5: ts 0, len 1, AMF0 data
                        10                            # payload
                        85 ffffff                     # fmt 2 csid 5: delta is extended
                        01000001                      # extended delta 16777217
                        11                            # payload
                        """, List.of(new Msg(5, 18, 1, 0, "10"), new Msg(5, 18, 1, 0x01000001, "11"))),

                new Fixture("two chunk streams interleaved", 2, true, """
                        04 000000 000003 08 01000000  # fmt 0 csid 4 audio, len 3
                        a1a2                          # audio bytes 0-1
                        06 000000 000003 09 01000000  # fmt 0 csid 6 video, len 3
                        b1b2                          # video bytes 0-1
                        c4                            # fmt 3 csid 4 continuation
                        a3                            # audio byte 2: audio complete
                        c6                            # fmt 3 csid 6 continuation
                        b3                            # video byte 2: video complete
                        """, List.of(new Msg(4, 8, 1, 0, "a1a2a3"), new Msg(6, 9, 1, 0, "b1b2b3"))),

                new Fixture("set chunk size applies to the next chunk", 128, false, """
                        02 000000 000004 01 00000000  # fmt 0 csid 2: Set Chunk Size, len 4
                        00000002                      # new chunk size 2
                        03 000000 000003 14 00000000  # fmt 0 csid 3: command, len 3
                        aabb                          # first chunk: 2 bytes now
                        c3                            # fmt 3 continuation
                        cc                            # last byte
                        """, List.of(new Msg(2, 1, 0, 0, "00000002"), new Msg(3, 20, 0, 0, "aabbcc"))),

                new Fixture("abort discards the partial message", 2, false, """
                        04 000000 000004 08 01000000  # fmt 0 csid 4 audio, len 4
                        a1a2                          # half of it
                        02 000000 000004 02 00000000  # fmt 0 csid 2: Abort, len 4
                        0000                          # first half of the body (chunk size 2)
                        c2                            # fmt 3 continuation, csid 2
                        0004                          # abort chunk stream 4
                        44 000014 000002 08           # fmt 1 csid 4: new audio message, delta 20, len 2
                        b1b2                          # payload
                        """, List.of(new Msg(2, 2, 0, 0, "00000004"), new Msg(4, 8, 1, 20, "b1b2"))),

                new Fixture("two-byte basic header, chunk stream id 64 + 200", 128, false, """
                        00 c8                         # fmt 0, csid 0 marker, then 200: id 264
                        000000 000001 08 01000000     # ts 0, len 1, audio, stream 1
                        ee                            # payload
                        """, List.of(new Msg(264, 8, 1, 0, "ee"))),

                new Fixture("three-byte basic header, chunk stream id 65599", 128, false, """
                        01 ff ff                      # fmt 0, csid 1 marker, then 255 + 255*256: id 65599
                        000000 000001 08 01000000     # ts 0, len 1, audio, stream 1
                        ee                            # payload
                        """, List.of(new Msg(65599, 8, 1, 0, "ee"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void readerDecodesFixtureIntoItsMessages(Fixture f) throws IOException {
        ChunkReader reader = readerAt(f.inChunkSize(), HexFormat.of().parseHex(hex(f.hex())));
        List<RawMessage> got = new ArrayList<>();
        for (int i = 0; i < f.messages().size(); i++) {
            got.add(reader.read());
        }
        for (int i = 0; i < got.size(); i++) {
            Msg want = f.messages().get(i);
            RawMessage m = got.get(i);
            assertEquals(want.typeId(), m.typeId(), "type of message " + i);
            assertEquals(want.streamId(), m.streamId(), "stream id of message " + i);
            assertEquals(want.timestamp(), m.timestamp(), "timestamp of message " + i);
            assertArrayEquals(want.payload(), m.payload(), "payload of message " + i);
        }
        assertThrows(EOFException.class, reader::read, "nothing is left after the last message");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void writerProducesExactlyTheFixtureBytes(Fixture f) throws IOException {
        if (!f.writable()) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChunkWriter writer = new ChunkWriter(bytes);
        writer.setChunkSize(f.inChunkSize());
        // Interleaving is a property of the reader; the writer sends whole messages one by one.
        if (f.name().contains("interleaved")) {
            return;
        }
        for (Msg m : f.messages()) {
            writer.write(m.csid(), new RawMessage(m.typeId(), m.streamId(), m.timestamp(), m.payload()));
        }
        assertEquals(hex(f.hex()), HexFormat.of().formatHex(bytes.toByteArray()));
    }

    /**
     * A reader over {@code bytes} that already uses {@code chunkSize}, learnt the way a peer would
     * tell it: from a Set Chunk Size message in front of the fixture.
     */
    static ChunkReader readerAt(int chunkSize, byte[] bytes) throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        if (chunkSize != ChunkReader.DEFAULT_CHUNK_SIZE) {
            new ChunkWriter(stream).write(2, new RawMessage(1, 0, 0,
                    java.nio.ByteBuffer.allocate(4).putInt(chunkSize).array()));
        }
        stream.write(bytes);
        ChunkReader reader = new ChunkReader(new ByteArrayInputStream(stream.toByteArray()));
        if (chunkSize != ChunkReader.DEFAULT_CHUNK_SIZE) {
            reader.read();
        }
        return reader;
    }
}
