package dev.rtmpserver.wire.flv;

/**
 * The bytes of a live FLV stream as it goes out over HTTP or WebSocket: the file header and the
 * first PreviousTagSize, then each tag as its 11-byte header, its payload (written from the
 * shared frame, never copied) and its PreviousTagSize.
 */
public final class FlvStreamBytes {
    private FlvStreamBytes() {
    }

    /** The FLV header followed by PreviousTagSize0. */
    public static byte[] start(boolean audio, boolean video) {
        byte[] b = new byte[(int) FlvHeader.FIRST_TAG_POSITION];
        System.arraycopy(FlvHeader.encode(audio, video), 0, b, 0, FlvHeader.LENGTH);
        return b;
    }

    /** Writes the 11-byte header of a tag carrying {@code payloadLength} bytes into {@code b} at {@code off}. */
    public static void tagHeader(byte[] b, int off, int type, int timestamp, int payloadLength) {
        if (payloadLength < 0 || payloadLength > FlvTag.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("an FLV tag carries 0 to 16 MiB - 1 bytes, not " + payloadLength);
        }
        TagHeader.encode(b, off, type, payloadLength, timestamp);
        // StreamID, always 0.
        b[off + 8] = 0;
        b[off + 9] = 0;
        b[off + 10] = 0;
    }

    /** Writes the PreviousTagSize that follows a tag of {@code payloadLength} bytes into {@code b} at {@code off}. */
    public static void previousTagSize(byte[] b, int off, int payloadLength) {
        int size = FlvTag.HEADER_BYTES + payloadLength;
        b[off] = (byte) (size >>> 24);
        b[off + 1] = (byte) (size >>> 16);
        b[off + 2] = (byte) (size >>> 8);
        b[off + 3] = (byte) size;
    }
}
