package dev.rtmpserver.wire.flv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Writes an FLV file tag by tag, straight to its channel.
 *
 * <p>Each tag goes out in one gathering write of header, payload and PreviousTagSize, and nothing
 * is kept back, so at any moment the file holds every complete tag written so far; after a crash
 * it ends at most with part of one tag, which {@link FlvReader} reads as the end of the file.
 * Whether and when the bytes are forced to the disk is the caller's decision ({@link
 * FileChannel#force}).
 *
 * <p>The writer starts at the channel's position, normally 0 of a new file, and never moves it
 * back: the metadata is rewritten with positional writes. The channel must therefore not be opened
 * with {@code APPEND}, which makes positional writes append. The caller owns the channel and
 * closes it. Not thread-safe: one recorder owns a writer.
 */
public final class FlvWriter {
    /**
     * A reserve is room for later values of a handful of numbers and strings, a kilobyte or so;
     * more than this is a mistake that would waste space in every recording.
     */
    public static final int MAX_METADATA_RESERVE_BYTES = 64 * 1024;

    private static final int NO_METADATA = -1;

    private final FileChannel channel;
    /** File position of the onMetaData payload, or {@link #NO_METADATA}. */
    private final long metadataPosition;
    private final int metadataBytes;
    // Reused for every tag: the StreamID bytes of the header stay 0.
    private final byte[] header = new byte[FlvTag.HEADER_BYTES];
    private final byte[] trailer = new byte[FlvTag.PREVIOUS_TAG_SIZE_BYTES];
    private long bytesWritten;
    private int lastTimestamp;
    private IOException failure;

    private FlvWriter(FileChannel channel, long metadataPosition, int metadataBytes) {
        this.channel = channel;
        this.metadataPosition = metadataPosition;
        this.metadataBytes = metadataBytes;
    }

    /** Writes the FLV header and PreviousTagSize0, and no metadata: {@link #rewriteMetadata} is then refused. */
    public static FlvWriter create(FileChannel channel, boolean audio, boolean video) throws IOException {
        Objects.requireNonNull(channel, "channel");
        FlvWriter writer = new FlvWriter(channel, NO_METADATA, 0);
        writer.writeFully(0, fileStart(audio, video));
        return writer;
    }

    /**
     * Writes the FLV header, PreviousTagSize0 and an onMetaData tag at time 0 that holds {@code
     * metadata} and {@code metadataReserveBytes} bytes of padding (see {@link
     * Metadata#PADDING_KEY}). The tag never changes size: {@link #rewriteMetadata} trades padding
     * for new values, so the metadata may later grow by up to the reserve, or shrink by any amount.
     * Starting with every key the final metadata will have, such as duration and filesize set to 0,
     * makes a rewrite cost only what its values add: a number is always 9 bytes.
     *
     * @throws IllegalArgumentException if the reserve is negative or above {@link
     *                                  #MAX_METADATA_RESERVE_BYTES}, the metadata uses the padding
     *                                  key, has a value AMF0 cannot encode, or is too large for a
     *                                  script tag
     */
    public static FlvWriter create(FileChannel channel, boolean audio, boolean video, Map<String, Object> metadata,
                                   int metadataReserveBytes) throws IOException {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(metadata, "metadata");
        if (metadataReserveBytes < 0 || metadataReserveBytes > MAX_METADATA_RESERVE_BYTES) {
            throw new IllegalArgumentException("metadata reserve must be 0.." + MAX_METADATA_RESERVE_BYTES + " bytes, not "
                    + metadataReserveBytes);
        }
        byte[] payload = Metadata.encodePadded(metadata, Metadata.unpaddedBytes(metadata) + metadataReserveBytes);
        // The FlvTag checks that the whole padded tag stays within the script tag limit.
        FlvTag tag = FlvTag.script(0, payload);
        long start = channel.position();
        long payloadPosition = start + FlvHeader.FIRST_TAG_POSITION + FlvTag.HEADER_BYTES;
        FlvWriter writer = new FlvWriter(channel, payloadPosition, payload.length);
        writer.writeTag(fileStart(audio, video), tag);
        return writer;
    }

    /** The FLV header followed by PreviousTagSize0, which is always 0. */
    private static ByteBuffer fileStart(boolean audio, boolean video) {
        return ByteBuffer.wrap(Arrays.copyOf(FlvHeader.encode(audio, video), (int) FlvHeader.FIRST_TAG_POSITION));
    }

    /**
     * Appends one tag. StreamID is written as 0, as the spec requires.
     *
     * @throws IOException if the channel fails; the file may then end inside this tag, so every
     *                     later write fails too rather than bury that partial tag in the middle
     */
    public void write(FlvTag tag) throws IOException {
        Objects.requireNonNull(tag, "tag");
        writeTag(null, tag);
    }

    /** Writes the tag, after {@code fileStart} if that is not null, in one gathering write. */
    private void writeTag(ByteBuffer fileStart, FlvTag tag) throws IOException {
        int size = tag.payload().length;
        TagHeader.encode(header, 0, tag.type(), size, tag.timestamp());
        Bytes.putU32(trailer, 0, FlvTag.HEADER_BYTES + size);
        ByteBuffer h = ByteBuffer.wrap(header);
        ByteBuffer p = ByteBuffer.wrap(tag.payload());
        ByteBuffer t = ByteBuffer.wrap(trailer);
        if (fileStart == null) {
            writeFully(tag.timestamp(), h, p, t);
        } else {
            writeFully(tag.timestamp(), fileStart, h, p, t);
        }
    }

    /** Bytes written from the header on: the file's size if the writer started at position 0. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** The timestamp of the last tag written, 0 before the first. */
    public int lastTimestamp() {
        return lastTimestamp;
    }

    /**
     * Replaces the onMetaData properties in place, as the recorder does at the end with the real
     * duration and file size. The tag keeps its size by resizing the padding, so no media moves;
     * the payload is written with one positional write, and a crash during it can only garble the
     * metadata, never the media.
     *
     * @throws IllegalStateException if the writer was created without metadata, or the new
     *                               properties need more than the tag's size
     * @throws IllegalArgumentException if the properties use the padding key or a value AMF0 cannot
     *                                  encode
     */
    public void rewriteMetadata(Map<String, Object> metadata) throws IOException {
        Objects.requireNonNull(metadata, "metadata");
        if (metadataPosition == NO_METADATA) {
            throw new IllegalStateException("this FLV file was created without an onMetaData tag");
        }
        byte[] payload = Metadata.encodePadded(metadata, metadataBytes);
        if (payload == null) {
            throw new IllegalStateException("new metadata needs " + Metadata.unpaddedBytes(metadata)
                    + " bytes but the onMetaData tag has room for " + metadataBytes);
        }
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        long position = metadataPosition;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    private void writeFully(int timestamp, ByteBuffer... buffers) throws IOException {
        if (failure != null) {
            throw new IOException("an earlier write to this FLV file failed", failure);
        }
        long total = 0;
        for (ByteBuffer b : buffers) {
            total += b.remaining();
        }
        try {
            long written = 0;
            // A file channel normally writes everything at once, but the contract allows less.
            while (written < total) {
                written += channel.write(buffers);
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        bytesWritten += total;
        lastTimestamp = timestamp;
    }
}
