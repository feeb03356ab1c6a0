package dev.rtmpserver.wire.flv;

import dev.rtmpserver.wire.ProtocolException;
import java.util.Objects;

/** The 9-byte header that opens every FLV file (FLV spec v10.1, Annex E.2). */
public final class FlvHeader {
    /** Signature 'FLV', Version, TypeFlags, DataOffset. */
    public static final int LENGTH = 9;
    public static final int VERSION = 1;
    public static final int FLAG_AUDIO = 0x04;
    public static final int FLAG_VIDEO = 0x01;
    /** Where the first tag begins: after the header and PreviousTagSize0. */
    public static final long FIRST_TAG_POSITION = LENGTH + FlvTag.PREVIOUS_TAG_SIZE_BYTES;

    private static final byte[] SIGNATURE = {'F', 'L', 'V'};
    private static final int VERSION_OFFSET = 3;
    private static final int FLAGS_OFFSET = 4;
    private static final int DATA_OFFSET_OFFSET = 5;

    /** What the header's TypeFlags announce. Players use them to decide which decoders to open. */
    public record Flags(boolean audio, boolean video) {}

    private FlvHeader() {}

    public static byte[] encode(boolean audio, boolean video) {
        byte[] header = new byte[LENGTH];
        System.arraycopy(SIGNATURE, 0, header, 0, SIGNATURE.length);
        header[VERSION_OFFSET] = VERSION;
        header[FLAGS_OFFSET] = (byte) ((audio ? FLAG_AUDIO : 0) | (video ? FLAG_VIDEO : 0));
        Bytes.putU32(header, DATA_OFFSET_OFFSET, LENGTH);
        return header;
    }

    /**
     * Reads the header at the start of {@code bytes}; later bytes are ignored.
     *
     * <p>The reserved TypeFlags bits are not checked: they carry nothing, and FFmpeg ignores them
     * too, so a file that sets them still plays. DataOffset must be 9: the spec keeps the field for
     * longer headers of later versions, and version 1 is the only one there is.
     *
     * @throws ProtocolException if there are fewer than 9 bytes or the signature, version or data
     *                           offset is wrong
     */
    public static Flags decode(byte[] bytes) throws ProtocolException {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < LENGTH) {
            throw new ProtocolException("truncated FLV header: " + bytes.length + " of " + LENGTH + " bytes");
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (bytes[i] != SIGNATURE[i]) {
                throw new ProtocolException(String.format("not an FLV file: signature %02x%02x%02x",
                        bytes[0], bytes[1], bytes[2]));
            }
        }
        int version = Bytes.u8(bytes, VERSION_OFFSET);
        if (version != VERSION) {
            throw new ProtocolException("unsupported FLV version " + version);
        }
        long dataOffset = Bytes.u32(bytes, DATA_OFFSET_OFFSET);
        if (dataOffset != LENGTH) {
            throw new ProtocolException("FLV version 1 header must say DataOffset " + LENGTH + ", not " + dataOffset);
        }
        int flags = Bytes.u8(bytes, FLAGS_OFFSET);
        return new Flags((flags & FLAG_AUDIO) != 0, (flags & FLAG_VIDEO) != 0);
    }
}
