package dev.rtmpserver.wire.handshake;

import static dev.rtmpserver.wire.handshake.HandshakeBytes.PACKET_SIZE;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 signatures of the Flash Player 9 ("digest" or "complex") handshake. Adobe never
 * published it; these are the facts every interoperating implementation agrees on: C1 and S1 hide a
 * 32-byte digest of the rest of the packet at a position derived from four of its own bytes, and
 * C2 and S2 end with a signature keyed by the peer's digest, proving each side saw the other's
 * packet.
 */
final class HandshakeDigest {
    static final int DIGEST_SIZE = 32;

    /** C2 and S2 carry random bytes up to here and their signature after it. */
    static final int SIGNED_LENGTH = PACKET_SIZE - DIGEST_SIZE;

    private static final String ALGORITHM = "HmacSHA256";

    /** Both parties append the same 32 bytes to their text key when signing C2/S2. */
    private static final byte[] SHARED_KEY_SUFFIX = HexFormat.of()
            .parseHex("F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE");

    /** A block holding the digest: four offset-seed bytes, then the digest somewhere in the next 760. */
    private static final int SEED_SIZE = 4;

    /** Number of positions the digest can take in its 764-byte block: 764 - 4 seed bytes - 32 digest bytes. */
    private static final int OFFSET_MODULUS = 728;

    private HandshakeDigest() {}

    /** Whose key signs a packet; each side signs only what it sends. */
    // fullKey never leaves the enum, and every SecretKeySpec made from it takes a copy.
    @SuppressWarnings("ImmutableEnumChecker")
    enum Signer {
        PLAYER("Genuine Adobe Flash Player 001"),
        SERVER("Genuine Adobe Flash Media Server 001");

        private final byte[] fullKey;
        private final int textLength;

        Signer(String text) {
            byte[] textBytes = text.getBytes(StandardCharsets.US_ASCII);
            this.textLength = textBytes.length;
            this.fullKey = Arrays.copyOf(textBytes, textBytes.length + SHARED_KEY_SUFFIX.length);
            System.arraycopy(SHARED_KEY_SUFFIX, 0, fullKey, textLength, SHARED_KEY_SUFFIX.length);
        }

        /** C1/S1 digests are keyed with the text alone (30 or 36 bytes). */
        private SecretKeySpec packetKey() {
            return new SecretKeySpec(fullKey, 0, textLength, ALGORITHM);
        }

        /** C2/S2 signatures derive their key from the text plus the shared suffix (62 or 68 bytes). */
        private SecretKeySpec responseKeyBase() {
            return new SecretKeySpec(fullKey, ALGORITHM);
        }
    }

    /**
     * Where C1/S1 hide their digest. Flash Player 9 uses the first layout; later players and servers
     * swapped the key and digest halves, so a server must look in both and answer in the same one.
     */
    enum Scheme {
        /** Digest block at bytes 8..771: offset = (p[8]+p[9]+p[10]+p[11]) % 728 + 12. */
        DIGEST_IN_FIRST_HALF(8),
        /** Digest block at bytes 772..1535: offset = (p[772]+...+p[775]) % 728 + 776. */
        DIGEST_IN_SECOND_HALF(772);

        private final int blockStart;

        Scheme(int blockStart) {
            this.blockStart = blockStart;
        }

        int digestOffset(byte[] packet) {
            int seed = 0;
            for (int i = 0; i < SEED_SIZE; i++) {
                seed += Byte.toUnsignedInt(packet[blockStart + i]);
            }
            return blockStart + SEED_SIZE + seed % OFFSET_MODULUS;
        }
    }

    /** The scheme whose digest verifies, tried in declaration order; empty means a simple-handshake peer. */
    static Optional<Scheme> findPacketDigest(byte[] packet, Signer signer) {
        for (Scheme scheme : Scheme.values()) {
            int offset = scheme.digestOffset(packet);
            byte[] expected = computePacketDigest(packet, offset, signer);
            if (MessageDigest.isEqual(expected, Arrays.copyOfRange(packet, offset, offset + DIGEST_SIZE))) {
                return Optional.of(scheme);
            }
        }
        return Optional.empty();
    }

    /** Overwrites the digest slot and returns the digest, which the peer's C2/S2 key derives from. */
    static byte[] imprintPacketDigest(byte[] packet, Scheme scheme, Signer signer) {
        int offset = scheme.digestOffset(packet);
        byte[] digest = computePacketDigest(packet, offset, signer);
        System.arraycopy(digest, 0, packet, offset, DIGEST_SIZE);
        return digest;
    }

    static byte[] packetDigest(byte[] packet, Scheme scheme) {
        int offset = scheme.digestOffset(packet);
        return Arrays.copyOfRange(packet, offset, offset + DIGEST_SIZE);
    }

    /** Signs C2/S2 in place so the peer can check we received its digest. */
    static void signResponse(byte[] response, Signer signer, byte[] peerDigest) {
        byte[] signature = computeResponseSignature(response, signer, peerDigest);
        System.arraycopy(signature, 0, response, SIGNED_LENGTH, DIGEST_SIZE);
    }

    static boolean responseSignatureMatches(byte[] response, Signer signer, byte[] ourDigest) {
        byte[] expected = computeResponseSignature(response, signer, ourDigest);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(response, SIGNED_LENGTH, PACKET_SIZE));
    }

    /** The digest covers the whole packet except its own 32 bytes, so it can sit anywhere in it. */
    private static byte[] computePacketDigest(byte[] packet, int digestOffset, Signer signer) {
        Mac mac = newMac(signer.packetKey());
        mac.update(packet, 0, digestOffset);
        int afterDigest = digestOffset + DIGEST_SIZE;
        mac.update(packet, afterDigest, PACKET_SIZE - afterDigest);
        return mac.doFinal();
    }

    private static byte[] computeResponseSignature(byte[] response, Signer signer, byte[] peerDigest) {
        byte[] key = newMac(signer.responseKeyBase()).doFinal(peerDigest);
        Mac mac = newMac(new SecretKeySpec(key, ALGORITHM));
        mac.update(response, 0, SIGNED_LENGTH);
        return mac.doFinal();
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            // Every Java platform must ship HmacSHA256, so this is a broken runtime, not bad input.
            throw new IllegalStateException(ALGORITHM + " is unavailable", e);
        }
    }
}
