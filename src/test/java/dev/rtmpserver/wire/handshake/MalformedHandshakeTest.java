package dev.rtmpserver.wire.handshake;

import static dev.rtmpserver.wire.handshake.SpecDigests.FP_KEY_TEXT;
import static dev.rtmpserver.wire.handshake.SpecDigests.PACKET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.handshake.SpecDigests.Layout;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input must end in a ProtocolException, never another exception or a wait for bytes that cannot come. */
class MalformedHandshakeTest {
    private static final int C0C1 = 1 + PACKET;
    private static final int FULL_CLIENT_SIDE = 1 + 2 * PACKET;

    @ParameterizedTest(name = "C0 = {0}")
    @ValueSource(ints = {0x00, 0x06, 0x08, 0x47, 0xFF})
    void serverRejectsAC0VersionOtherThanThreeWithoutWaitingForC1(int version) {
        InputStream onlyC0 = new ByteArrayInputStream(new byte[] {(byte) version});

        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ServerHandshake.perform(onlyC0, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("version " + version), e.getMessage());
    }

    @Test
    void serverRejectsRtmpeNamingTheRequestedVersion() {
        InputStream rtmpe = new ByteArrayInputStream(SpecDigests.concat(new byte[] {6}, new byte[2 * PACKET]));

        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ServerHandshake.perform(rtmpe, new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("0x06"), e.getMessage());
    }

    static Stream<Arguments> clientSideCuts() {
        return Stream.of(
                cut("an empty stream", 0),
                cut("a stream ending after C0", 1),
                cut("a stream ending one byte into C1", 2),
                cut("a stream ending mid-C1", 1 + 700),
                cut("a stream ending one byte short of C1", C0C1 - 1),
                cut("a stream ending after C1", C0C1),
                cut("a stream ending mid-C2", C0C1 + 800),
                cut("a stream ending one byte short of C2", FULL_CLIENT_SIDE - 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientSideCuts")
    void serverReportsATruncatedSimpleClientAsAProtocolError(int length) {
        byte[] complete = SpecDigests.concat(new byte[] {3}, new byte[2 * PACKET]);

        assertThrows(ProtocolException.class, () -> ServerHandshake.perform(
                new ByteArrayInputStream(Arrays.copyOf(complete, length)), new ByteArrayOutputStream()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientSideCuts")
    void serverReportsATruncatedDigestClientAsAProtocolError(int length) {
        byte[] c1 = new byte[PACKET];
        new SplittableRandom(3).nextBytes(c1);
        ByteBuffer.wrap(c1).putInt(4, 0x80000702);
        SpecDigests.sign(c1, Layout.B, FP_KEY_TEXT);
        byte[] complete = SpecDigests.concat(new byte[] {3}, c1, new byte[PACKET]);

        assertThrows(ProtocolException.class, () -> ServerHandshake.perform(
                new ByteArrayInputStream(Arrays.copyOf(complete, length)), new ByteArrayOutputStream()));
    }

    static Stream<Arguments> serverSideCuts() {
        return Stream.of(
                cut("an empty reply", 0),
                cut("a reply ending after S0", 1),
                cut("a reply ending mid-S1", 1 + 100),
                cut("a reply ending after S1", 1 + PACKET),
                cut("a reply ending mid-S2", 1 + PACKET + 1000),
                cut("a reply ending one byte short of S2", 2 * PACKET));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverSideCuts")
    void clientReportsATruncatedServerReplyAsAProtocolError(int length) {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> Arrays.copyOf(
                SpecDigests.concat(new byte[] {3}, new byte[PACKET], Arrays.copyOfRange(c0c1, 1, C0C1)), length));

        assertThrows(ProtocolException.class, () -> ClientHandshake.perform(server.in, server.out, true));
    }

    @Test
    void clientRejectsAnS0VersionOtherThanThree() {
        ScriptedPeer server = new ScriptedPeer(c0c1 -> SpecDigests.concat(new byte[] {6}, new byte[2 * PACKET]));

        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ClientHandshake.perform(server.in, server.out, false));
        assertTrue(e.getMessage().contains("S0"), e.getMessage());
    }

    @Test
    void aSocketTimeoutPropagatesUnchanged() {
        InputStream silent = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }
        };

        assertThrows(SocketTimeoutException.class, () -> ServerHandshake.perform(silent, new ByteArrayOutputStream()));
        assertThrows(SocketTimeoutException.class,
                () -> ClientHandshake.perform(silent, new ByteArrayOutputStream(), true));
    }

    @Test
    void randomGarbageEitherCompletesTheHandshakeOrFailsWithAProtocolError() {
        SplittableRandom random = new SplittableRandom(42);
        IntStream.range(0, 300).forEach(round -> {
            byte[] garbage = new byte[random.nextInt(2 * FULL_CLIENT_SIDE)];
            random.nextBytes(garbage);
            if (garbage.length > 0 && random.nextBoolean()) {
                garbage[0] = 3;
            }
            ByteArrayInputStream in = new ByteArrayInputStream(garbage);
            try {
                ServerHandshake.perform(in, new ByteArrayOutputStream());
                assertEquals(garbage.length - FULL_CLIENT_SIDE, in.available(), "must read exactly C0, C1 and C2");
            } catch (ProtocolException expected) {
                // The only acceptable failure.
            } catch (IOException | RuntimeException e) {
                fail("round " + round + " threw " + e, e);
            }
        });
    }

    private static Arguments cut(String description, int length) {
        return Arguments.of(Named.of(description, length));
    }
}
