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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The server side of the RTMP handshake: reads C0 and C1, answers with S0, S1 and S2, then reads C2.
 *
 * <p>A client that announces a version in C1 and signs it with a valid digest gets the Flash Player
 * 9 digest handshake; players that find no server digest in S1 refuse to play H.264/AAC streams.
 * Every other client gets the RTMP 1.0 simple handshake, which all clients accept.
 */
public final class ServerHandshake {
    /**
     * Announced in S1 of the digest handshake. It only has to be non-zero; ffmpeg additionally
     * verifies our digests only when the first byte is at least 3.
     */
    static final int SERVER_VERSION = 0x0D0E0A0D;

    private ServerHandshake() {}

    /**
     * Performs the handshake with random bytes that need not be unpredictable: the handshake proves
     * nothing secret, and a shared secure generator would serialize every connecting client.
     *
     * @throws ProtocolException if the client asks for another RTMP version, ends the stream early
     */
    public static HandshakeResult perform(InputStream in, OutputStream out) throws IOException {
        return perform(in, out, ThreadLocalRandom.current());
    }

    /**
     * Performs the handshake drawing S1/S2 random bytes from {@code random}, which lets tests fix
     * them.
     *
     * @throws ProtocolException if the client asks for another RTMP version, ends the stream early
     */
    public static HandshakeResult perform(InputStream in, OutputStream out, RandomGenerator random)
            throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(random, "random");

        HandshakeBytes.readVersion(in, "C0");
        byte[] c1 = HandshakeBytes.readPacket(in, "C1");
        long clientVersion = HandshakeBytes.version(c1);
        // RTMP 1.0 requires zero here, so a zero-version C1 never carries a digest, whatever its bytes.
        Optional<Scheme> clientScheme = clientVersion == 0
                ? Optional.empty()
                : HandshakeDigest.findPacketDigest(c1, Signer.PLAYER);

        byte[] s1 = newS1(random, clientScheme.isPresent());
        byte[] s2;
        if (clientScheme.isPresent()) {
            Scheme scheme = clientScheme.get();
            // Some clients look for our digest only in the layout they used themselves.
            HandshakeDigest.imprintPacketDigest(s1, scheme, Signer.SERVER);
            s2 = randomPacket(random);
            HandshakeDigest.signResponse(s2, Signer.SERVER, HandshakeDigest.packetDigest(c1, scheme));
        } else {
            s2 = HandshakeBytes.echo(c1);
        }

        // One write, so the reply leaves in as few segments as the socket allows.
        byte[] reply = new byte[1 + 2 * PACKET_SIZE];
        reply[0] = RTMP_VERSION;
        System.arraycopy(s1, 0, reply, 1, PACKET_SIZE);
        System.arraycopy(s2, 0, reply, 1 + PACKET_SIZE, PACKET_SIZE);
        out.write(reply);
        out.flush();

        // Many clients send C2 that matches nothing, so it is consumed unchecked; reading it whole
        // keeps its bytes out of the first chunk.
        HandshakeBytes.readPacket(in, "C2");
        return new HandshakeResult(clientScheme.isPresent(), clientVersion, HandshakeBytes.time(c1));
    }

    private static byte[] newS1(RandomGenerator random, boolean digest) {
        byte[] s1 = randomPacket(random);
        HandshakeBytes.putTime(s1, OUR_EPOCH);
        HandshakeBytes.putVersion(s1, digest ? SERVER_VERSION : 0);
        return s1;
    }

    private static byte[] randomPacket(RandomGenerator random) {
        byte[] packet = new byte[PACKET_SIZE];
        random.nextBytes(packet);
        return packet;
    }
}
