package dev.rtmpserver.wire.handshake;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte layouts of the simple handshake (RTMP 1.0, section 5.2.3) written out field by field. The
 * 1528 random bytes are too long to spell out, so each case gives a short pattern that fills them.
 */
class HandshakeLayoutFixtureTest {
    private static final int PACKET = 1536;
    private static final int HEADER = 8;
    private static final int RANDOM = PACKET - HEADER;

    /**
     * @param c0c1Header C0 plus C1's time and zero fields
     * @param c1RandomPattern repeated to fill C1's random field
     * @param s0s1Header S0 plus S1's time and zero fields; S1's random field is the server's own
     * @param s2Header S2's time and time2 fields; S2's random field must echo C1's
     */
    record ServerCase(String c0c1Header, String c1RandomPattern, String s0s1Header, String s2Header,
            HandshakeResult result) {}

    static Stream<Arguments> serverCases() {
        return Stream.of(
                Arguments.of(Named.of("a client with epoch zero gets its time and random echoed in S2", new ServerCase(
                        """
                        03          # C0: RTMP version 3
                        00000000    # C1 time: client epoch 0
                        00000000    # C1 zero: simple handshake
                        """,
                        """
                        0102030405060708090A0B0C0D0E0F10  # C1 random: counting pattern
                        """,
                        """
                        03          # S0: RTMP version 3
                        00000000    # S1 time: server epoch starts at 0
                        00000000    # S1 zero: simple handshake
                        """,
                        """
                        00000000    # S2 time: C1 time echoed
                        00000000    # S2 time2: C1 read at the server's epoch 0
                        """,
                        new HandshakeResult(false, 0, 0)))),
                Arguments.of(Named.of("an epoch above 2^31 is echoed unchanged", new ServerCase(
                        """
                        03          # C0: RTMP version 3
                        DEADBEEF    # C1 time: client epoch with the top bit set
                        00000000    # C1 zero: simple handshake
                        """,
                        """
                        FF00        # C1 random: alternating bytes
                        """,
                        """
                        03          # S0: RTMP version 3
                        00000000    # S1 time: server epoch starts at 0
                        00000000    # S1 zero: simple handshake
                        """,
                        """
                        DEADBEEF    # S2 time: C1 time echoed
                        00000000    # S2 time2: C1 read at the server's epoch 0
                        """,
                        new HandshakeResult(false, 0, 0xDEADBEEF)))),
                Arguments.of(Named.of("a player version without a valid digest is answered in simple mode",
                        new ServerCase(
                        """
                        03          # C0: RTMP version 3
                        00001000    # C1 time: client epoch 4096
                        09007C02    # C1 version: Flash 9.0.124.2 asks for the digest handshake
                        """,
                        """
                        00          # C1 random: all zero, so it holds no valid digest
                        """,
                        """
                        03          # S0: RTMP version 3
                        00000000    # S1 time: server epoch starts at 0
                        00000000    # S1 zero: simple handshake, since the digest failed
                        """,
                        """
                        00001000    # S2 time: C1 time echoed
                        00000000    # S2 time2: C1 read at the server's epoch 0
                        """,
                        new HandshakeResult(false, 0x09007C02L, 0x1000)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverCases")
    void serverAnswersTheC0C1FixtureWithTheExpectedS0S1S2Layout(ServerCase fixture) throws IOException {
        byte[] c1Random = AnnotatedHex.fill(AnnotatedHex.bytes(fixture.c1RandomPattern()), RANDOM);
        byte[] c2 = new byte[PACKET];
        byte[] input = SpecDigests.concat(AnnotatedHex.bytes(fixture.c0c1Header()), c1Random, c2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        HandshakeResult result = ServerHandshake.perform(new ByteArrayInputStream(input), out, new SplittableRandom(1));

        byte[] reply = out.toByteArray();
        byte[] s0s1Header = AnnotatedHex.bytes(fixture.s0s1Header());
        byte[] s2Header = AnnotatedHex.bytes(fixture.s2Header());
        int s2Start = 1 + PACKET;
        assertEquals(1 + 2 * PACKET, reply.length);
        assertArrayEquals(s0s1Header, Arrays.copyOfRange(reply, 0, s0s1Header.length), "S0 and S1 header");
        assertArrayEquals(s2Header, Arrays.copyOfRange(reply, s2Start, s2Start + HEADER), "S2 header");
        assertArrayEquals(c1Random, Arrays.copyOfRange(reply, s2Start + HEADER, reply.length), "S2 random echo");
        assertEquals(fixture.result(), result);
    }

    /** @param c0c1Header C0 plus C1's time and version fields as the client must send them */
    record ClientCase(boolean digest, String c0c1Header) {}

    static Stream<Arguments> clientCases() {
        return Stream.of(
                Arguments.of(Named.of("a simple client announces version zero", new ClientCase(false,
                        """
                        03          # C0: RTMP version 3
                        00000000    # C1 time: client epoch starts at 0
                        00000000    # C1 zero: simple handshake
                        """))),
                Arguments.of(Named.of("a digest client announces a Flash Player version", new ClientCase(true,
                        """
                        03          # C0: RTMP version 3
                        00000000    # C1 time: client epoch starts at 0
                        80000702    # C1 version: non-zero asks for the digest handshake
                        """))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientCases")
    void clientSendsTheC0C1FixtureLayout(ClientCase fixture) throws IOException {
        byte[] expected = AnnotatedHex.bytes(fixture.c0c1Header());
        ScriptedPeer server = new ScriptedPeer(c0c1 -> SpecDigests.concat(
                new byte[] {3}, new byte[PACKET], Arrays.copyOfRange(c0c1, 1, 1 + PACKET)));

        ClientHandshake.perform(server.in, server.out, fixture.digest());

        assertArrayEquals(expected, Arrays.copyOf(server.received(), expected.length));
    }
}
