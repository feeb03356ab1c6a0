package dev.rtmpserver.wire.handshake;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The digest-handshake formulas written out again, straight from the public descriptions, so tests
 * check the production code against an independent reading instead of against itself.
 */
final class SpecDigests {
    static final int PACKET = 1536;
    static final int DIGEST = 32;

    static final byte[] EXTRA_KEY_BYTES =
            HexFormat.of().parseHex("F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE");
    static final byte[] FP_KEY_TEXT = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    static final byte[] FMS_KEY_TEXT =
            "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);
    static final byte[] FP_FULL_KEY = concat(FP_KEY_TEXT, EXTRA_KEY_BYTES);
    static final byte[] FMS_FULL_KEY = concat(FMS_KEY_TEXT, EXTRA_KEY_BYTES);

    private SpecDigests() {}

    /** The two places C1/S1 may carry their digest. */
    enum Layout {
        A {
            @Override
            int digestOffset(byte[] p) {
                return (u(p[8]) + u(p[9]) + u(p[10]) + u(p[11])) % 728 + 12;
            }
        },
        B {
            @Override
            int digestOffset(byte[] p) {
                return (u(p[772]) + u(p[773]) + u(p[774]) + u(p[775])) % 728 + 776;
            }
        };

        abstract int digestOffset(byte[] packet);
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** HMAC over the packet with the 32 digest bytes cut out. */
    static byte[] packetDigest(byte[] packet, int digestOffset, byte[] key) {
        byte[] rest = concat(
                Arrays.copyOfRange(packet, 0, digestOffset),
                Arrays.copyOfRange(packet, digestOffset + DIGEST, PACKET));
        return hmacSha256(key, rest);
    }

    static byte[] digestAt(byte[] packet, int digestOffset) {
        return Arrays.copyOfRange(packet, digestOffset, digestOffset + DIGEST);
    }

    /** Writes a valid digest into the packet at the given layout and returns it. */
    static byte[] sign(byte[] packet, Layout layout, byte[] key) {
        int offset = layout.digestOffset(packet);
        byte[] digest = packetDigest(packet, offset, key);
        System.arraycopy(digest, 0, packet, offset, DIGEST);
        return digest;
    }

    static boolean carriesDigest(byte[] packet, Layout layout, byte[] key) {
        int offset = layout.digestOffset(packet);
        return Arrays.equals(digestAt(packet, offset), packetDigest(packet, offset, key));
    }

    /** Last 32 bytes of C2/S2: HMAC(key = HMAC(fullKey, peerDigest), data = first 1504 bytes). */
    static byte[] responseSignature(byte[] response, byte[] fullKey, byte[] peerDigest) {
        byte[] derivedKey = hmacSha256(fullKey, peerDigest);
        return hmacSha256(derivedKey, Arrays.copyOfRange(response, 0, PACKET - DIGEST));
    }

    static byte[] lastDigest(byte[] response) {
        return Arrays.copyOfRange(response, PACKET - DIGEST, PACKET);
    }

    static int u(byte b) {
        return b & 0xFF;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }
}
