package dev.rtmpserver.wire.flv;

import dev.rtmpserver.wire.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads the tags of an FLV file in order, from any tag position on.
 *
 * <p><b>The end of a file.</b> A file that was being recorded when the recorder died ends with part
 * of a tag, cut anywhere. That is not damage: every tag before it is intact and worth playing. So
 * a tag counts once its header, payload and PreviousTagSize are all there, and {@link #next}
 * returns null for an incomplete last tag exactly as for a clean end. A file still being written
 * behaves the same way, and a later call returns the tag once it is complete.
 *
 * <p><b>Damage.</b> Everything else that does not fit the format is a {@link ProtocolException}:
 * an unknown or encrypted tag type, a script tag over {@link FlvTag#MAX_SCRIPT_PAYLOAD_BYTES}, and
 * a PreviousTagSize that disagrees with the tag before it, which is how a wrong DataSize in the
 * middle of a file shows. A DataSize that runs past the end of the file looks like a cut tag; it is
 * damage instead when the file ends with an intact tag after it, since then this tag was not cut.
 * Each length is checked against the file's size before anything is allocated for it, so a tag
 * costs at most its own size in memory.
 *
 * <p>Fields that carry nothing the reader uses are not checked, as FFmpeg does not check them:
 * PreviousTagSize0, StreamID and the header's reserved flags.
 *
 * <p>Every read starts by positioning the channel, so the channel may be shared with other readers
 * used from the same thread, such as {@link KeyframeIndex#scan}. The caller owns the channel and
 * closes it. Not thread-safe.
 */
public final class FlvReader {
    private final SeekableByteChannel channel;
    private final FlvHeader.Flags flags;
    private final byte[] header = new byte[FlvTag.HEADER_BYTES];
    private final byte[] trailer = new byte[FlvTag.PREVIOUS_TAG_SIZE_BYTES];
    private long position = FlvHeader.FIRST_TAG_POSITION;

    private FlvReader(SeekableByteChannel channel, FlvHeader.Flags flags) {
        this.channel = channel;
        this.flags = flags;
    }

    /**
     * Reads and checks the file header at position 0 and stands at the first tag.
     *
     * @throws ProtocolException if the file is shorter than the header or the header is not FLV
     *                           version 1
     */
    public static FlvReader open(SeekableByteChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        byte[] bytes = new byte[FlvHeader.LENGTH];
        int read = readAt(channel, 0, ByteBuffer.wrap(bytes));
        // A cut header cannot be a crash's harmless tail: the writer's first write holds it whole.
        return new FlvReader(channel, FlvHeader.decode(Arrays.copyOf(bytes, read)));
    }

    /** What the file header announces; players rely on the tags themselves. */
    public FlvHeader.Flags flags() {
        return flags;
    }

    /** The file position of the next tag {@link #next} reads, for {@link #seek}. */
    public long position() {
        return position;
    }

    /**
     * Makes {@link #next} read the tag at {@code filePosition}, which must be a tag's start as
     * {@link #position} or {@link KeyframeIndex} gave it. Any other position reads garbage that
     * {@link #next} reports as damage.
     *
     * @throws IllegalArgumentException if the position lies inside the file header
     */
    public void seek(long filePosition) {
        if (filePosition < FlvHeader.FIRST_TAG_POSITION) {
            throw new IllegalArgumentException("FLV tags start at position " + FlvHeader.FIRST_TAG_POSITION + ", not "
                    + filePosition);
        }
        position = filePosition;
    }

    /**
     * Reads the next tag into a new payload array of exactly its size.
     *
     * @return the tag, or null at the end of the file or before an incomplete last tag; the
     *         position then stays where it is
     * @throws ProtocolException if the file is damaged (see the class documentation)
     */
    public FlvTag next() throws IOException {
        return next(FlvTag.MAX_PAYLOAD_BYTES);
    }

    /**
     * {@link #next}, but keeping only the first {@code maxPayloadBytes} of the payload, for the
     * index, which classifies tags by their first bytes and need not read whole frames.
     */
    FlvTag next(int maxPayloadBytes) throws IOException {
        long tagPosition = position;
        long fileSize = channel.size();
        if (fileSize - tagPosition < FlvTag.HEADER_BYTES
                || readAt(channel, tagPosition, ByteBuffer.wrap(header)) < FlvTag.HEADER_BYTES) {
            return null;
        }
        TagHeader tag = TagHeader.decode(header);
        checkType(tag.typeByte(), tagPosition);
        int type = tag.typeByte();
        if (tag.dataSize() > FlvTag.maxPayloadBytes(type)) {
            throw new ProtocolException("FLV tag at " + tagPosition + " is a type " + type + " tag of " + tag.dataSize()
                    + " bytes, more than the " + FlvTag.maxPayloadBytes(type) + " allowed");
        }
        if (tag.fileBytes() > fileSize - tagPosition) {
            if (intactTagEndsFileAfter(tagPosition, fileSize)) {
                throw new ProtocolException("FLV tag at " + tagPosition + " says DataSize " + tag.dataSize()
                        + ", past the end of the file, yet an intact tag ends the file after it");
            }
            return null;
        }
        long payloadPosition = tagPosition + FlvTag.HEADER_BYTES;
        byte[] payload = new byte[Math.min(tag.dataSize(), maxPayloadBytes)];
        long trailerPosition = payloadPosition + tag.dataSize();
        // A short read here means the file shrank since we asked its size: it ends here now.
        if (readAt(channel, payloadPosition, ByteBuffer.wrap(payload)) < payload.length
                || readAt(channel, trailerPosition, ByteBuffer.wrap(trailer)) < trailer.length) {
            return null;
        }
        long previousTagSize = Bytes.u32(trailer, 0);
        if (previousTagSize != FlvTag.HEADER_BYTES + (long) tag.dataSize()) {
            throw new ProtocolException("FLV tag at " + tagPosition + " has DataSize " + tag.dataSize()
                    + " but is followed by PreviousTagSize " + previousTagSize + " instead of "
                    + (FlvTag.HEADER_BYTES + tag.dataSize()));
        }
        position = tagPosition + tag.fileBytes();
        return new FlvTag(type, tag.timestamp(), payload);
    }

    private static void checkType(int typeByte, long tagPosition) throws ProtocolException {
        if ((typeByte & TagHeader.FILTER_BIT) != 0) {
            throw new ProtocolException(String.format("FLV tag at %d is encrypted (type byte 0x%02x), which is not supported",
                    tagPosition, typeByte));
        }
        if (!FlvTag.isKnownType(typeByte)) {
            throw new ProtocolException(String.format("FLV tag at %d has unknown type byte 0x%02x", tagPosition, typeByte));
        }
    }

    /**
     * Whether the file's last four bytes, read as PreviousTagSize, lead back to a plausible tag
     * header lying after the tag at {@code tagPosition}. A recorder's crash cuts only the last tag,
     * so then the tag at {@code tagPosition} was not cut and its DataSize is wrong. A cut tail
     * passes this test only if its last bytes happen to point at a header of the right type and
     * size, which is negligible.
     */
    private boolean intactTagEndsFileAfter(long tagPosition, long fileSize) throws IOException {
        long trailerPosition = fileSize - FlvTag.PREVIOUS_TAG_SIZE_BYTES;
        byte[] last = new byte[FlvTag.PREVIOUS_TAG_SIZE_BYTES];
        if (readAt(channel, trailerPosition, ByteBuffer.wrap(last)) < last.length) {
            return false;
        }
        long lastTagSize = Bytes.u32(last, 0);
        long lastTagPosition = trailerPosition - lastTagSize;
        // Any tag after this one starts behind this one's header and PreviousTagSize at the least.
        long earliest = tagPosition + FlvTag.HEADER_BYTES + FlvTag.PREVIOUS_TAG_SIZE_BYTES;
        if (lastTagSize < FlvTag.HEADER_BYTES || lastTagPosition < earliest) {
            return false;
        }
        byte[] lastHeader = new byte[FlvTag.HEADER_BYTES];
        if (readAt(channel, lastTagPosition, ByteBuffer.wrap(lastHeader)) < lastHeader.length) {
            return false;
        }
        TagHeader tag = TagHeader.decode(lastHeader);
        return FlvTag.isKnownType(tag.typeByte()) && tag.dataSize() == lastTagSize - FlvTag.HEADER_BYTES;
    }

    /**
     * Reads from {@code filePosition} until the buffer is full or the file ends; returns the bytes
     * read. A read of nothing also ends it: files never do that, and another channel that does must
     * not make us spin.
     */
    private static int readAt(SeekableByteChannel channel, long filePosition, ByteBuffer buffer) throws IOException {
        channel.position(filePosition);
        int total = 0;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
