package dev.rtmpserver.wire.handshake;

import dev.rtmpserver.wire.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Layout of the RTMP handshake packets (RTMP 1.0 spec, section 5.2) and the blocking reads both
 * sides share. Every way the peer can cut the exchange short becomes a {@link ProtocolException},
 * so callers only have to tell "peer misbehaved" from real I/O failures.
 */
final class HandshakeBytes {
    /** C0/S0 value for plain RTMP; 6 and 8 ask for RTMPE, which this server does not offer. */
    static final int RTMP_VERSION = 3;

    /** Length of C1, S1, C2 and S2. */
    static final int PACKET_SIZE = 1536;

    static final int TIME_OFFSET = 0;

    /**
     * RTMP 1.0 calls these four bytes "zero" in C1/S1 and "time2" in C2/S2; Flash Player 9 and later
     * put their version here, and a non-zero value is what announces the digest handshake.
     */
    static final int VERSION_OFFSET = 4;

    /**
     * We keep no handshake clock: our epoch starts at zero when we send our first packet, and a
     * peer's packet read during the handshake is stamped with that same epoch.
     */
    static final int OUR_EPOCH = 0;

    private HandshakeBytes() {}

    /**
     * Reads C0 or S0 on its own, so a peer speaking another protocol is rejected before we wait for
     * 1536 more bytes that may never come.
     */
    static void readVersion(InputStream in, String packetName) throws IOException {
        int version = in.read();
        if (version < 0) {
            throw new ProtocolException("stream ended before " + packetName);
        }
        if (version != RTMP_VERSION) {
            throw new ProtocolException(String.format(
                    "%s asks for RTMP version %d (0x%02X); only version %d (plain RTMP) is supported",
                    packetName, version, version, RTMP_VERSION));
        }
    }

    static byte[] readPacket(InputStream in, String packetName) throws IOException {
        byte[] packet = new byte[PACKET_SIZE];
        int received = in.readNBytes(packet, 0, PACKET_SIZE);
        if (received < PACKET_SIZE) {
            throw new ProtocolException("stream ended after " + received + " of " + PACKET_SIZE
                    + " bytes of " + packetName);
        }
        return packet;
    }

    static int time(byte[] packet) {
        return ByteBuffer.wrap(packet).getInt(TIME_OFFSET);
    }

    /** Unsigned, because Flash versions such as 0x80000702 set the top bit. */
    static long version(byte[] packet) {
        return Integer.toUnsignedLong(ByteBuffer.wrap(packet).getInt(VERSION_OFFSET));
    }

    static void putTime(byte[] packet, int time) {
        ByteBuffer.wrap(packet).putInt(TIME_OFFSET, time);
    }

    static void putVersion(byte[] packet, int version) {
        ByteBuffer.wrap(packet).putInt(VERSION_OFFSET, version);
    }

    /**
     * The RTMP 1.0 answer to a peer's C1 or S1: its time and random bytes come back unchanged so it
     * can match them, and time2 says when we read it.
     */
    static byte[] echo(byte[] peerPacket) {
        byte[] echo = peerPacket.clone();
        putVersion(echo, OUR_EPOCH);
        return echo;
    }
}
