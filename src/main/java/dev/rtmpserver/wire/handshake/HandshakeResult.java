package dev.rtmpserver.wire.handshake;

/**
 * What one side learned about its peer during the handshake.
 *
 * @param digest true if both sides exchanged and checked Flash Player 9 digests, false for the
 *     RTMP 1.0 simple handshake
 * @param peerVersion the peer's C1/S1 version field as an unsigned 32-bit value (0 for a simple
 *     peer, e.g. 0x80000702 for a Flash player)
 * @param peerTime the peer's epoch from C1/S1; an unsigned 32-bit value carried in an int, the
 *     same way RTMP chunk timestamps wrap
 */
public record HandshakeResult(boolean digest, long peerVersion, int peerTime) {}
