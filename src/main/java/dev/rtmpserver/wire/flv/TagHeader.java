package dev.rtmpserver.wire.flv;

/**
 * The 11 bytes in front of every tag's payload (FLV spec v10.1, Annex E.4.1): one byte of
 * Reserved, Filter and TagType, UI24 DataSize, UI24 Timestamp, UI8 TimestampExtended (the
 * timestamp's high byte) and UI24 StreamID, which is always 0.
 *
 * @param typeByte the whole first byte, so that the reader can tell an encrypted tag (Filter set)
 *                 from an unknown type
 */
record TagHeader(int typeByte, int dataSize, int timestamp) {
    static final int FILTER_BIT = 0x20;

    private static final int DATA_SIZE_OFFSET = 1;
    private static final int TIMESTAMP_OFFSET = 4;
    private static final int TIMESTAMP_EXTENDED_OFFSET = 7;
    private static final int LOW_24_BITS = 24;

    /** Writes the header of a tag into {@code b} at {@code off}; StreamID stays as the caller left it (0). */
    static void encode(byte[] b, int off, int type, int dataSize, int timestamp) {
        b[off] = (byte) type;
        Bytes.putU24(b, off + DATA_SIZE_OFFSET, dataSize);
        Bytes.putU24(b, off + TIMESTAMP_OFFSET, timestamp);
        b[off + TIMESTAMP_EXTENDED_OFFSET] = (byte) (timestamp >>> LOW_24_BITS);
    }

    static TagHeader decode(byte[] b) {
        int timestamp = Bytes.u8(b, TIMESTAMP_EXTENDED_OFFSET) << LOW_24_BITS | Bytes.u24(b, TIMESTAMP_OFFSET);
        return new TagHeader(Bytes.u8(b, 0), Bytes.u24(b, DATA_SIZE_OFFSET), timestamp);
    }

    /** Header, payload and the PreviousTagSize after them. */
    long fileBytes() {
        return FlvTag.HEADER_BYTES + (long) dataSize + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
    }
}
