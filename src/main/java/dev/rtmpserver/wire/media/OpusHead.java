package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Opus identification header (RFC 7845, 5.1 "Identification Header"), the body of an
 * Enhanced RTMP 'Opus' SequenceStart. Its fields are little-endian.
 *
 * @param channels        the output channel count, 1 to 255
 * @param preSkip         samples (at 48 kHz) to drop from the start of the decoded output
 * @param inputSampleRate the sample rate of the original input, informational (Opus always decodes at 48 kHz)
 * @param mappingFamily   the channel mapping family: 0 mono/stereo, 1 Vorbis order, 255 unordered
 */
public record OpusHead(int channels, int preSkip, long inputSampleRate, int mappingFamily) {
    private static final String STRUCTURE = "Opus identification header";
    private static final byte[] MAGIC = "OpusHead".getBytes(StandardCharsets.US_ASCII);
    /** Magic, version, channel count, pre-skip, input rate, output gain, mapping family. */
    private static final int LENGTH = 19;
    private static final int VERSION_OFFSET = 8;
    private static final int CHANNELS_OFFSET = 9;
    private static final int PRE_SKIP_OFFSET = 10;
    private static final int RATE_OFFSET = 12;
    private static final int MAPPING_OFFSET = 18;
    /** RFC 7845: a major version (upper four bits) other than 0 is incompatible. */
    private static final int MAJOR_VERSION_MASK = 0xF0;

    /** Parses a header occupying {@code data[offset .. offset + length)}. */
    public static OpusHead parse(byte[] data, int offset, int length) throws ProtocolException {
        if (length < LENGTH || offset < 0 || offset + length > data.length) {
            throw new ProtocolException(STRUCTURE + ": " + length + " bytes, needs " + LENGTH);
        }
        if (!Arrays.equals(data, offset, offset + MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ProtocolException(STRUCTURE + ": does not start with OpusHead");
        }
        if ((TagBytes.u8(data, offset + VERSION_OFFSET) & MAJOR_VERSION_MASK) != 0) {
            throw new ProtocolException(STRUCTURE + ": unknown version " + TagBytes.u8(data, offset + VERSION_OFFSET));
        }
        int channels = TagBytes.u8(data, offset + CHANNELS_OFFSET);
        if (channels == 0) {
            throw new ProtocolException(STRUCTURE + ": no channels");
        }
        int preSkip = TagBytes.u8(data, offset + PRE_SKIP_OFFSET) | TagBytes.u8(data, offset + PRE_SKIP_OFFSET + 1) << 8;
        long rate = 0;
        for (int i = 3; i >= 0; i--) {
            rate = (rate << 8) | TagBytes.u8(data, offset + RATE_OFFSET + i);
        }
        return new OpusHead(channels, preSkip, rate, TagBytes.u8(data, offset + MAPPING_OFFSET));
    }
}
