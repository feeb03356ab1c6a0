package dev.rtmpserver.wire.handshake;

import static dev.rtmpserver.wire.handshake.SpecDigests.FMS_FULL_KEY;
import static dev.rtmpserver.wire.handshake.SpecDigests.FMS_KEY_TEXT;
import static dev.rtmpserver.wire.handshake.SpecDigests.FP_KEY_TEXT;
import static dev.rtmpserver.wire.handshake.SpecDigests.PACKET;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rtmpserver.wire.handshake.SpecDigests.Layout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The server's S1 and S2 checked against digests the test computes itself from the published formulas. */
class ServerDigestTest {
    private static final int FLASH_PLAYER_VERSION = 0x80000702;
    private static final int CLIENT_EPOCH = 0x00012345;
    private static final long C1_SEED = 20240601L;
    private static final long SERVER_SEED = 7L;

    @ParameterizedTest(name = "client digest at layout {0}")
    @EnumSource(Layout.class)
    void serverSignsS1AtTheClientsLayoutAndS2WithTheClientsDigest(Layout layout) throws IOException {
        byte[] c1 = fixedC1(FLASH_PLAYER_VERSION);
        byte[] clientDigest = SpecDigests.sign(c1, layout, FP_KEY_TEXT);
        Layout other = layout == Layout.A ? Layout.B : Layout.A;
        assertFalse(SpecDigests.carriesDigest(c1, other, FP_KEY_TEXT), "fixture must exercise only " + layout);

        Exchange exchange = serve(c1);

        byte[] s1 = exchange.s1();
        byte[] s2 = exchange.s2();
        assertEquals(3, exchange.s0());
        assertNotEquals(0, ByteBuffer.wrap(s1).getInt(4), "S1 version must be non-zero in digest mode");
        assertTrue(SpecDigests.carriesDigest(s1, layout, FMS_KEY_TEXT),
                "S1 must carry a digest keyed with the 36-byte FMS text at layout " + layout);
        assertArrayEquals(SpecDigests.responseSignature(s2, FMS_FULL_KEY, clientDigest), SpecDigests.lastDigest(s2),
                "S2 must end with HMAC(HMAC(68-byte FMS key, C1 digest), S2[0..1504))");
        assertEquals(new HandshakeResult(true, 0x80000702L, CLIENT_EPOCH), exchange.result());
    }

    @Test
    void serverAnswersInSimpleModeWhenTheC1DigestDoesNotVerify() throws IOException {
        byte[] c1 = fixedC1(FLASH_PLAYER_VERSION);
        SpecDigests.sign(c1, Layout.A, FP_KEY_TEXT);
        c1[Layout.A.digestOffset(c1) + 5] ^= 0x01;

        Exchange exchange = serve(c1);

        assertFalse(exchange.result().digest());
        assertEquals(0, ByteBuffer.wrap(exchange.s1()).getInt(4), "simple-mode S1 has a zero version");
        assertEchoes(c1, exchange.s2());
    }

    @Test
    void serverIgnoresAValidDigestWhenC1AnnouncesVersionZero() throws IOException {
        byte[] c1 = fixedC1(0);
        SpecDigests.sign(c1, Layout.A, FP_KEY_TEXT);

        Exchange exchange = serve(c1);

        assertFalse(exchange.result().digest());
        assertEchoes(c1, exchange.s2());
    }

    @Test
    void serverWritesS0S1AndS2InOneWriteCall() throws IOException {
        byte[] c1 = fixedC1(FLASH_PLAYER_VERSION);
        SpecDigests.sign(c1, Layout.B, FP_KEY_TEXT);
        byte[] input = SpecDigests.concat(new byte[] {3}, c1, new byte[PACKET]);
        ScriptedPeer client = new ScriptedPeer(sent -> input);

        ServerHandshake.perform(client.in, client.out);

        assertEquals(List.of(1 + 2 * PACKET), client.writeSizes());
    }

    private static void assertEchoes(byte[] c1, byte[] s2) {
        assertEquals(ByteBuffer.wrap(c1).getInt(0), ByteBuffer.wrap(s2).getInt(0), "S2 time echoes C1 time");
        assertArrayEquals(Arrays.copyOfRange(c1, 8, PACKET), Arrays.copyOfRange(s2, 8, PACKET),
                "S2 random echoes C1 random");
    }

    private static byte[] fixedC1(int version) {
        byte[] c1 = new byte[PACKET];
        new SplittableRandom(C1_SEED).nextBytes(c1);
        ByteBuffer.wrap(c1).putInt(0, CLIENT_EPOCH).putInt(4, version);
        return c1;
    }

    private record Exchange(int s0, byte[] s1, byte[] s2, HandshakeResult result) {}

    private static Exchange serve(byte[] c1) throws IOException {
        byte[] c2 = new byte[PACKET];
        ByteArrayInputStream in = new ByteArrayInputStream(SpecDigests.concat(new byte[] {3}, c1, c2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HandshakeResult result = ServerHandshake.perform(in, out, new SplittableRandom(SERVER_SEED));
        byte[] reply = out.toByteArray();
        assertEquals(1 + 2 * PACKET, reply.length);
        assertEquals(0, in.available(), "server must consume all of C2");
        return new Exchange(
                reply[0],
                Arrays.copyOfRange(reply, 1, 1 + PACKET),
                Arrays.copyOfRange(reply, 1 + PACKET, 1 + 2 * PACKET),
                result);
    }
}
