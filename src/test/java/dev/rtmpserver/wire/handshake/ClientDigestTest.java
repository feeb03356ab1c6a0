package dev.rtmpserver.wire.handshake;

import static dev.rtmpserver.wire.handshake.SpecDigests.FMS_FULL_KEY;
import static dev.rtmpserver.wire.handshake.SpecDigests.FMS_KEY_TEXT;
import static dev.rtmpserver.wire.handshake.SpecDigests.FP_FULL_KEY;
import static dev.rtmpserver.wire.handshake.SpecDigests.FP_KEY_TEXT;
import static dev.rtmpserver.wire.handshake.SpecDigests.PACKET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.handshake.SpecDigests.Layout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against a scripted server whose digests the test computes itself. */
class ClientDigestTest {
    private static final int FMS_VERSION = 0x04050001;
    private static final int SERVER_EPOCH = 0x00ABCDEF;
    private static final long SERVER_SEED = 99L;
    private static final long CLIENT_SEED = 5L;

    @Test
    void digestClientSignsC1WithThePlayerKeyAtTheFirstLayout() throws IOException {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> simpleReply(c0c1));

        ClientHandshake.perform(server.in, server.out, true, new SplittableRandom(CLIENT_SEED));

        byte[] c1 = c1Of(server.received());
        assertEquals(3, server.received()[0]);
        assertEquals(0x80000702, ByteBuffer.wrap(c1).getInt(4));
        assertTrue(SpecDigests.carriesDigest(c1, Layout.A, FP_KEY_TEXT));
    }

    @ParameterizedTest(name = "server digest at layout {0}")
    @EnumSource(Layout.class)
    void digestClientSignsC2WithAKeyDerivedFromTheServersS1Digest(Layout layout) throws IOException {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> digestReply(c0c1, layout, false));

        HandshakeResult result =
                ClientHandshake.perform(server.in, server.out, true, new SplittableRandom(CLIENT_SEED));

        byte[] s1 = Arrays.copyOfRange(server.reply(), 1, 1 + PACKET);
        byte[] s1Digest = SpecDigests.digestAt(s1, layout.digestOffset(s1));
        byte[] c2 = Arrays.copyOfRange(server.received(), 1 + PACKET, 1 + 2 * PACKET);
        assertArrayEquals(SpecDigests.responseSignature(c2, FP_FULL_KEY, s1Digest), SpecDigests.lastDigest(c2),
                "C2 must end with HMAC(HMAC(62-byte FP key, S1 digest), C2[0..1504))");
        assertEquals(new HandshakeResult(true, 0x04050001L, SERVER_EPOCH), result);
    }

    @Test
    void digestClientRejectsAServerWhoseS2SignatureIsWrong() {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> digestReply(c0c1, Layout.A, true));

        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ClientHandshake.perform(server.in, server.out, true));
        assertTrue(e.getMessage().contains("S2"), e.getMessage());
    }

    @Test
    void digestClientRejectsAServerThatAnnouncesAVersionWithoutSigningS1() {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> {
            byte[] reply = simpleReply(c0c1);
            ByteBuffer.wrap(reply).putInt(1 + 4, FMS_VERSION);
            return reply;
        });

        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ClientHandshake.perform(server.in, server.out, true));
        assertTrue(e.getMessage().contains("S1"), e.getMessage());
    }

    @Test
    void digestClientFallsBackToEchoingS1WhenTheServerAnnouncesVersionZero() throws IOException {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> simpleReply(c0c1));

        HandshakeResult result = ClientHandshake.perform(server.in, server.out, true);

        assertEquals(new HandshakeResult(false, 0L, SERVER_EPOCH), result);
        assertEchoesS1(server);
    }

    @Test
    void simpleClientEchoesS1EvenWhenTheServerSignsItsPackets() throws IOException {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> digestReply(c0c1, Layout.A, true));

        HandshakeResult result = ClientHandshake.perform(server.in, server.out, false);

        assertFalse(result.digest());
        byte[] c1 = c1Of(server.received());
        assertEquals(0, ByteBuffer.wrap(c1).getInt(4), "simple C1 announces version zero");
        assertEchoesS1(server);
    }

    @Test
    void clientWritesC0C1InOneCallAndC2InAnother() throws IOException {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> digestReply(c0c1, Layout.B, false));

        ClientHandshake.perform(server.in, server.out, true);

        assertEquals(List.of(1 + PACKET, PACKET), server.writeSizes());
    }

    private void assertEchoesS1(ScriptedPeer server) {
        byte[] s1 = Arrays.copyOfRange(server.reply(), 1, 1 + PACKET);
        byte[] c2 = Arrays.copyOfRange(server.received(), 1 + PACKET, 1 + 2 * PACKET);
        assertEquals(SERVER_EPOCH, ByteBuffer.wrap(c2).getInt(0), "C2 time echoes S1 time");
        assertArrayEquals(Arrays.copyOfRange(s1, 8, PACKET), Arrays.copyOfRange(c2, 8, PACKET),
                "C2 random echoes S1 random");
    }

    private static byte[] c1Of(byte[] sent) {
        return Arrays.copyOfRange(sent, 1, 1 + PACKET);
    }

    /** An RTMP 1.0 server: zero version in S1, S2 echoing C1. */
    private static byte[] simpleReply(byte[] c0c1) {
        byte[] s1 = serverPacket(0);
        byte[] s2 = c1Of(c0c1);
        return SpecDigests.concat(new byte[] {3}, s1, s2);
    }

    /** A Flash Media Server: versioned S1 signed at {@code layout}, S2 signed with the C1 digest. */
    private static byte[] digestReply(byte[] c0c1, Layout layout, boolean corruptS2) {
        byte[] c1 = c1Of(c0c1);
        byte[] c1Digest = SpecDigests.digestAt(c1, Layout.A.digestOffset(c1));
        byte[] s1 = serverPacket(FMS_VERSION);
        SpecDigests.sign(s1, layout, FMS_KEY_TEXT);
        byte[] s2 = new byte[PACKET];
        new SplittableRandom(SERVER_SEED + 1).nextBytes(s2);
        byte[] signature = SpecDigests.responseSignature(s2, FMS_FULL_KEY, c1Digest);
        if (corruptS2) {
            signature[0] ^= 0x40;
        }
        System.arraycopy(signature, 0, s2, PACKET - signature.length, signature.length);
        return SpecDigests.concat(new byte[] {3}, s1, s2);
    }

    private static byte[] serverPacket(int version) {
        byte[] s1 = new byte[PACKET];
        new SplittableRandom(SERVER_SEED).nextBytes(s1);
        ByteBuffer.wrap(s1).putInt(0, SERVER_EPOCH).putInt(4, version);
        return s1;
    }
}
