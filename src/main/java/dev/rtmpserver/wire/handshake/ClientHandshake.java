package dev.rtmpserver.wire.handshake;

import static dev.rtmpserver.wire.handshake.HandshakeBytes.OUR_EPOCH;
import static dev.rtmpserver.wire.handshake.HandshakeBytes.PACKET_SIZE;
import static dev.rtmpserver.wire.handshake.HandshakeBytes.RTMP_VERSION;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.handshake.HandshakeDigest.Scheme;
import dev.rtmpserver.wire.handshake.HandshakeDigest.Signer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The client side of the RTMP handshake: sends C0 and C1, reads S0, S1 and S2, then sends C2. Used
 * by integration tests and load tools against this and other servers.
 *
 * <p>In digest mode C1 looks like Flash Player 9's. A server that answers with a version in S1 must
 * then prove it with valid S1 and S2 signatures; a server that answers with a zero version (ffmpeg's
 * listener, for one) gets the simple-handshake echo instead, as real players do.
 */
public final class ClientHandshake {
    /**
     * Announced in C1 of the digest handshake. Any non-zero value asks for it; a large major version
     * clears whatever minimum player version a server might insist on.
     */
    static final int CLIENT_VERSION = 0x80000702;

    /** Flash Player 9 places its digest here; every digest-capable server looks in this half. */
    private static final Scheme CLIENT_SCHEME = Scheme.DIGEST_IN_FIRST_HALF;

    private ClientHandshake() {}

    /**
     * Performs the handshake with random bytes that need not be unpredictable: the handshake proves
     * nothing secret, and a shared secure generator would serialize many load-tool connections.
     *
     * @param digest true to offer the Flash Player 9 digest handshake, false for RTMP 1.0 simple
     * @throws ProtocolException if the server answers with another RTMP version, ends the stream
     *     early, or announces a digest handshake whose S1 or S2 signature does not verify
     */
    public static HandshakeResult perform(InputStream in, OutputStream out, boolean digest)
            throws IOException {
        return perform(in, out, digest, ThreadLocalRandom.current());
    }

    /**
     * Performs the handshake drawing C1/C2 random bytes from {@code random}, which lets tests fix
     * them.
     *
     * @param digest true to offer the Flash Player 9 digest handshake, false for RTMP 1.0 simple
     * @throws ProtocolException if the server answers with another RTMP version, ends the stream
     *     early, or announces a digest handshake whose S1 or S2 signature does not verify
     */
    public static HandshakeResult perform(
            InputStream in, OutputStream out, boolean digest, RandomGenerator random) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(random, "random");

        byte[] c1 = randomPacket(random);
        HandshakeBytes.putTime(c1, OUR_EPOCH);
        HandshakeBytes.putVersion(c1, digest ? CLIENT_VERSION : 0);
        byte[] c1Digest = digest ? HandshakeDigest.imprintPacketDigest(c1, CLIENT_SCHEME, Signer.PLAYER) : null;

        // One write, so a server that reads C0 and C1 together gets them in as few segments as possible.
        byte[] c0c1 = new byte[1 + PACKET_SIZE];
        c0c1[0] = RTMP_VERSION;
        System.arraycopy(c1, 0, c0c1, 1, PACKET_SIZE);
        out.write(c0c1);
        out.flush();

        HandshakeBytes.readVersion(in, "S0");
        byte[] s1 = HandshakeBytes.readPacket(in, "S1");
        byte[] s2 = HandshakeBytes.readPacket(in, "S2");
        long serverVersion = HandshakeBytes.version(s1);

        boolean digestMode = digest && serverVersion != 0;
        byte[] c2 = digestMode ? signedC2(s1, s2, serverVersion, c1Digest, random) : HandshakeBytes.echo(s1);
        out.write(c2);
        out.flush();
        return new HandshakeResult(digestMode, serverVersion, HandshakeBytes.time(s1));
    }

    private static byte[] signedC2(
            byte[] s1, byte[] s2, long serverVersion, byte[] c1Digest, RandomGenerator random)
            throws ProtocolException {
        Scheme serverScheme = HandshakeDigest.findPacketDigest(s1, Signer.SERVER)
                .orElseThrow(() -> new ProtocolException(String.format(
                        "S1 announces server version 0x%08X but carries no valid server digest",
                        serverVersion)));
        if (!HandshakeDigest.responseSignatureMatches(s2, Signer.SERVER, c1Digest)) {
            throw new ProtocolException("S2 signature does not match the digest we sent in C1");
        }
        byte[] c2 = randomPacket(random);
        HandshakeDigest.signResponse(c2, Signer.PLAYER, HandshakeDigest.packetDigest(s1, serverScheme));
        return c2;
    }

    private static byte[] randomPacket(RandomGenerator random) {
        byte[] packet = new byte[PACKET_SIZE];
        random.nextBytes(packet);
        return packet;
    }
}
