package dev.rtmpserver.wire.mp4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fragmented MP4 as CMAF and Low-Latency HLS use it (ISO/IEC 14496-12, ISO/IEC 23000-19): an init
 * segment describing the tracks, then fragments of one moof and one mdat each. A segment or a
 * partial segment is one or more fragments laid end to end.
 *
 * <p>Bad input, including a codec configuration its codec's parser refuses, fails with
 * {@link IllegalArgumentException}; a parser's {@link dev.rtmpserver.wire.ProtocolException} is
 * its cause.
 */
public final class Fmp4 {
    /** Ticks per second of the movie header, which carries no times of its own (duration 0). */
    private static final int MOVIE_TIMESCALE = 1000;
    /**
     * A fragment is a few seconds of media at most, far below this; the bound keeps the mdat's
     * 32-bit size and the result array in range.
     */
    private static final long MAX_FRAGMENT_MEDIA_BYTES = 1L << 30;

    private static final int UNITY = 0x0001_0000;
    private static final int FULL_VOLUME = 0x0100;
    /** The transformation matrix of an untransformed picture: {1,0,0, 0,1,0, 0,0,1} in 16.16 and 2.30. */
    private static final int[] IDENTITY_MATRIX = {UNITY, 0, 0, 0, UNITY, 0, 0, 0, 0x4000_0000};
    private static final int TRACK_ENABLED_IN_MOVIE = 0x3;
    /** "und", undetermined, packed as three 5-bit letters offset by 0x60. */
    private static final int LANGUAGE_UNDETERMINED = 0x55C4;
    private static final int VMHD_FLAGS = 0x1;
    private static final int DATA_IN_THIS_FILE = 0x1;
    private static final int DATA_REFERENCE_INDEX = 1;
    private static final int FIRST_SAMPLE_DESCRIPTION = 1;
    private static final int PIXELS_PER_INCH_72 = 0x0048_0000;
    private static final int COMPRESSOR_NAME_LENGTH = 32;
    private static final int DEPTH_COLOUR_NO_ALPHA = 0x18;
    private static final int PRE_DEFINED_MINUS_ONE = 0xFFFF;
    private static final int AUDIO_SAMPLE_SIZE = 16;
    /** The 16.16 sample rate field cannot hold more; the decoder configuration carries the true rate. */
    private static final int MAX_16_16_RATE = 0xFFFF;

    // esds (ISO/IEC 14496-1 7.2.6 descriptors, ISO/IEC 14496-14 3.1.2).
    private static final int ES_DESCRIPTOR_TAG = 0x03;
    private static final int DECODER_CONFIG_DESCRIPTOR_TAG = 0x04;
    private static final int DECODER_SPECIFIC_INFO_TAG = 0x05;
    private static final int SL_CONFIG_DESCRIPTOR_TAG = 0x06;
    private static final int OBJECT_TYPE_MPEG4_AUDIO = 0x40;
    /** streamType 5 (audio) in six bits, upStream 0, reserved 1. */
    private static final int AUDIO_STREAM_TYPE_BYTE = (0x05 << 2) | 1;
    /** The SL configuration that MP4 files must use. */
    private static final int SL_PREDEFINED_MP4 = 2;
    private static final int DESCRIPTOR_SIZE_BITS = 7;
    private static final int DESCRIPTOR_SIZE_MORE = 0x80;

    // Fragment boxes (ISO/IEC 14496-12 8.8).
    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x02_0000;
    private static final int TFDT_VERSION_64_BIT = 1;
    /** Signed composition offsets. */
    private static final int TRUN_VERSION_SIGNED = 1;
    private static final int TRUN_FLAGS = 0x000001 // data-offset-present
            | 0x000100 // sample-duration-present
            | 0x000200 // sample-size-present
            | 0x000400 // sample-flags-present
            | 0x000800; // sample-composition-time-offsets-present
    /** sample_depends_on 2: an independent sample. */
    private static final int SYNC_SAMPLE_FLAGS = 0x0200_0000;
    /** sample_depends_on 1 and sample_is_non_sync_sample. */
    private static final int NON_SYNC_SAMPLE_FLAGS = 0x0101_0000;

    // AV1 OBU header (AV1 5.3.2) and leb128 sizes (AV1 4.10.5).
    private static final int OBU_TYPE_SHIFT = 3;
    private static final int OBU_TYPE_MASK = 0x0F;
    private static final int OBU_TEMPORAL_DELIMITER = 2;
    private static final int OBU_EXTENSION_FLAG = 0x04;
    private static final int OBU_HAS_SIZE_FLAG = 0x02;
    private static final int LEB128_MAX_BYTES = 8;
    private static final int LEB128_VALUE_BITS = 7;
    private static final int LEB128_VALUE_MASK = 0x7F;
    private static final int LEB128_MORE_FLAG = 0x80;

    private Fmp4() {
    }

    /**
     * ftyp and moov: movie header, one trak per track with an empty sample table around its
     * sample entry, and an mvex whose trex entries announce that fragments follow.
     *
     * @throws IllegalArgumentException if there are no tracks, two share an id, or a codec
     *                                  configuration does not parse
     */
    public static byte[] initSegment(List<Mp4Track> tracks) {
        if (tracks.isEmpty()) {
            throw new IllegalArgumentException("an init segment needs at least one track");
        }
        Set<Integer> ids = new HashSet<>();
        int maxId = 0;
        for (Mp4Track track : tracks) {
            if (!ids.add(track.id())) {
                throw new IllegalArgumentException("two tracks have id " + track.id());
            }
            CodecConfigs.check(track);
            maxId = Math.max(maxId, track.id());
        }
        BoxWriter out = new BoxWriter();
        out.start("ftyp").fourCc("iso6").u32(0).fourCc("iso6").fourCc("cmfc").fourCc("mp41").end();
        out.start("moov");
        out.startFull("mvhd", 0, 0)
                .u32(0).u32(0) // creation and modification time: unknown
                .u32(MOVIE_TIMESCALE)
                .u32(0) // duration: all in fragments
                .u32(UNITY) // rate 1.0
                .u16(FULL_VOLUME)
                .zeros(2 + 2 * Integer.BYTES);
        matrix(out);
        out.zeros(6 * Integer.BYTES) // pre_defined
                .u32(maxId + 1L) // next_track_ID
                .end();
        for (Mp4Track track : tracks) {
            trak(out, track);
        }
        out.start("mvex");
        for (Mp4Track track : tracks) {
            out.startFull("trex", 0, 0)
                    .u32(track.id())
                    .u32(FIRST_SAMPLE_DESCRIPTION)
                    .u32(0).u32(0).u32(0) // default duration, size and flags: every trun states its own
                    .end();
        }
        out.end();
        out.end();
        return out.toByteArray();
    }

    /**
     * One moof and its mdat. The samples are grouped into one traf per track, in the order each
     * track first appears, and within a track keep their order; the mdat holds them in that order.
     *
     * @throws IllegalArgumentException if there are no samples, or a track's samples leave a gap or
     *                                  overlap: a track run's times follow from its first decode
     *                                  time and the durations
     */
    public static byte[] fragment(int sequenceNumber, List<Mp4Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("a fragment needs at least one sample");
        }
        Map<Integer, List<Mp4Sample>> runs = new LinkedHashMap<>();
        long mediaBytes = 0;
        for (Mp4Sample sample : samples) {
            List<Mp4Sample> run = runs.computeIfAbsent(sample.trackId(), id -> new ArrayList<>());
            if (!run.isEmpty()) {
                Mp4Sample previous = run.get(run.size() - 1);
                if (previous.decodeTime() + previous.duration() != sample.decodeTime()) {
                    throw new IllegalArgumentException("track " + sample.trackId() + ": a sample at "
                            + previous.decodeTime() + " lasting " + previous.duration() + " is followed by one at "
                            + sample.decodeTime());
                }
            }
            run.add(sample);
            mediaBytes += sample.length();
        }
        if (mediaBytes > MAX_FRAGMENT_MEDIA_BYTES) {
            throw new IllegalArgumentException("a fragment of " + mediaBytes + " bytes of media is more than the "
                    + MAX_FRAGMENT_MEDIA_BYTES + " allowed");
        }

        BoxWriter out = new BoxWriter();
        out.start("moof");
        out.startFull("mfhd", 0, 0).u32(Integer.toUnsignedLong(sequenceNumber)).end();
        List<Integer> dataOffsetFields = new ArrayList<>();
        for (Map.Entry<Integer, List<Mp4Sample>> run : runs.entrySet()) {
            List<Mp4Sample> trackSamples = run.getValue();
            out.start("traf");
            out.startFull("tfhd", 0, TFHD_DEFAULT_BASE_IS_MOOF).u32(run.getKey()).end();
            out.startFull("tfdt", TFDT_VERSION_64_BIT, 0).u64(trackSamples.get(0).decodeTime()).end();
            out.startFull("trun", TRUN_VERSION_SIGNED, TRUN_FLAGS).u32(trackSamples.size());
            dataOffsetFields.add(out.position());
            out.u32(0); // data_offset, known once the moof is complete
            for (Mp4Sample sample : trackSamples) {
                out.u32(sample.duration())
                        .u32(sample.length())
                        .u32(sample.sync() ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS)
                        .u32(sample.compositionOffset());
            }
            out.end();
            out.end();
        }
        out.end();

        // With default-base-is-moof, data offsets count from the moof's first byte, which is 0 here.
        long dataOffset = out.position() + (long) BoxWriter.HEADER_LENGTH;
        int field = 0;
        for (List<Mp4Sample> trackSamples : runs.values()) {
            out.putU32(dataOffsetFields.get(field++), dataOffset);
            for (Mp4Sample sample : trackSamples) {
                dataOffset += sample.length();
            }
        }
        out.start("mdat");
        for (List<Mp4Sample> trackSamples : runs.values()) {
            for (Mp4Sample sample : trackSamples) {
                out.bytes(sample.data(), sample.offset(), sample.length());
            }
        }
        out.end();
        return out.toByteArray();
    }

    /**
     * The track's value for the CODECS attribute of an HLS playlist (RFC 6381 and the codecs'
     * ISO BMFF bindings), e.g. "avc1.64001f", "hvc1.1.6.L93.B0", "av01.0.04M.08",
     * "vp09.00.10.08", "mp4a.40.2" or "opus".
     *
     * @throws IllegalArgumentException if the codec configuration does not parse
     */
    public static String codecs(Mp4Track track) {
        return CodecConfigs.codecs(track);
    }

    /**
     * An AV1 temporal unit as ISOBMFF stores it: without the temporal delimiter OBU that starts a
     * temporal unit in the low-overhead format Enhanced RTMP carries, which the AV1 binding (2.4)
     * says should not be stored. Only the view moves; the bytes are not copied.
     *
     * @return the sample itself if it does not start with a temporal delimiter
     * @throws IllegalArgumentException if the temporal delimiter's size field is cut off or runs
     *                                  past the sample
     */
    public static Mp4Sample withoutTemporalDelimiter(Mp4Sample av1Sample) {
        byte[] data = av1Sample.data();
        int pos = av1Sample.offset();
        int end = pos + av1Sample.length();
        if (pos == end) {
            return av1Sample;
        }
        int header = data[pos] & 0xFF;
        if (((header >>> OBU_TYPE_SHIFT) & OBU_TYPE_MASK) != OBU_TEMPORAL_DELIMITER
                || (header & OBU_HAS_SIZE_FLAG) == 0) {
            return av1Sample;
        }
        pos += (header & OBU_EXTENSION_FLAG) != 0 ? 2 : 1;
        long size = 0;
        int b;
        int sizeBytes = 0;
        do {
            if (pos >= end || sizeBytes == LEB128_MAX_BYTES) {
                throw new IllegalArgumentException("AV1 sample of track " + av1Sample.trackId()
                        + " starts with a temporal delimiter whose size is cut off");
            }
            b = data[pos++] & 0xFF;
            size |= (long) (b & LEB128_VALUE_MASK) << (LEB128_VALUE_BITS * sizeBytes++);
        } while ((b & LEB128_MORE_FLAG) != 0);
        if (size > end - pos) {
            throw new IllegalArgumentException("AV1 sample of track " + av1Sample.trackId()
                    + " starts with a temporal delimiter of " + size + " bytes, more than the sample holds");
        }
        pos += (int) size;
        return new Mp4Sample(av1Sample.trackId(), av1Sample.decodeTime(), av1Sample.duration(),
                av1Sample.compositionOffset(), av1Sample.sync(), data, pos, end - pos);
    }

    private static void trak(BoxWriter out, Mp4Track track) {
        out.start("trak");
        out.startFull("tkhd", 0, TRACK_ENABLED_IN_MOVIE)
                .u32(0).u32(0) // creation and modification time: unknown
                .u32(track.id())
                .u32(0) // reserved
                .u32(0) // duration: all in fragments
                .zeros(2 * Integer.BYTES) // reserved
                .u16(0) // layer
                .u16(0) // alternate_group
                .u16(track.video() ? 0 : FULL_VOLUME)
                .u16(0); // reserved
        matrix(out);
        out.u32((long) track.width() << Short.SIZE)
                .u32((long) track.height() << Short.SIZE)
                .end();
        out.start("mdia");
        out.startFull("mdhd", 0, 0)
                .u32(0).u32(0) // creation and modification time: unknown
                .u32(track.timescale())
                .u32(0) // duration: all in fragments
                .u16(LANGUAGE_UNDETERMINED)
                .u16(0) // pre_defined
                .end();
        out.startFull("hdlr", 0, 0)
                .u32(0) // pre_defined
                .fourCc(track.video() ? "vide" : "soun")
                .zeros(3 * Integer.BYTES) // reserved
                .bytes(nullTerminated(track.video() ? "VideoHandler" : "SoundHandler"))
                .end();
        out.start("minf");
        if (track.video()) {
            out.startFull("vmhd", 0, VMHD_FLAGS).u16(0).zeros(3 * Short.BYTES).end(); // copy mode, opcolor
        } else {
            out.startFull("smhd", 0, 0).u16(0).u16(0).end(); // balance centre, reserved
        }
        out.start("dinf");
        out.startFull("dref", 0, 0).u32(1);
        out.startFull("url ", 0, DATA_IN_THIS_FILE).end();
        out.end();
        out.end();
        out.start("stbl");
        out.startFull("stsd", 0, 0).u32(1);
        sampleEntry(out, track);
        out.end();
        out.startFull("stts", 0, 0).u32(0).end();
        out.startFull("stsc", 0, 0).u32(0).end();
        out.startFull("stsz", 0, 0).u32(0).u32(0).end(); // sample_size (varies), sample_count
        out.startFull("stco", 0, 0).u32(0).end();
        out.end(); // stbl
        out.end(); // minf
        out.end(); // mdia
        out.end(); // trak
    }

    private static void sampleEntry(BoxWriter out, Mp4Track track) {
        out.start(track.sampleEntry())
                .zeros(6) // reserved
                .u16(DATA_REFERENCE_INDEX);
        if (track.video()) {
            out.zeros(2 + 2 + 3 * Integer.BYTES) // pre_defined, reserved, pre_defined
                    .u16(track.width())
                    .u16(track.height())
                    .u32(PIXELS_PER_INCH_72)
                    .u32(PIXELS_PER_INCH_72)
                    .u32(0) // reserved
                    .u16(1) // frame_count
                    .zeros(COMPRESSOR_NAME_LENGTH)
                    .u16(DEPTH_COLOUR_NO_ALPHA)
                    .u16(PRE_DEFINED_MINUS_ONE);
            switch (track.sampleEntry()) {
                case Mp4Track.AVC -> out.start("avcC").bytes(track.codecConfig()).end();
                case Mp4Track.HEVC -> out.start("hvcC").bytes(track.codecConfig()).end();
                case Mp4Track.AV1 -> out.start("av1C").bytes(track.codecConfig()).end();
                // Enhanced RTMP carries the box's whole content, version and flags included.
                case Mp4Track.VP9 -> out.start("vpcC").bytes(track.codecConfig()).end();
                default -> throw new IllegalArgumentException("no video sample entry " + track.sampleEntry());
            }
        } else {
            boolean opus = track.sampleEntry().equals(Mp4Track.OPUS);
            int rate = opus ? Mp4Track.OPUS_SAMPLE_RATE : track.sampleRate();
            out.zeros(2 * Integer.BYTES) // reserved
                    .u16(track.channels())
                    .u16(AUDIO_SAMPLE_SIZE)
                    .u16(0) // pre_defined
                    .u16(0) // reserved
                    .u32(rate <= MAX_16_16_RATE ? (long) rate << Short.SIZE : 0);
            if (opus) {
                out.start("dOps").bytes(CodecConfigs.dOps(track)).end();
            } else {
                esds(out, track.codecConfig());
            }
        }
        out.end();
    }

    /**
     * ES_Descriptor around a DecoderConfigDescriptor for MPEG-4 audio, whose DecoderSpecificInfo is
     * the AudioSpecificConfig, and the SLConfigDescriptor MP4 requires.
     */
    private static void esds(BoxWriter out, byte[] audioSpecificConfig) {
        int decoderSpecificInfo = descriptorLength(audioSpecificConfig.length);
        int decoderConfig = descriptorLength(1 + 1 + 3 + 4 + 4 + decoderSpecificInfo);
        int slConfig = descriptorLength(1);
        out.startFull("esds", 0, 0);
        descriptorHeader(out, ES_DESCRIPTOR_TAG, 2 + 1 + decoderConfig + slConfig);
        out.u16(0) // ES_ID: 0 in a file, where the track id names the stream
                .u8(0); // no stream dependence, URL or OCR stream; priority 0
        descriptorHeader(out, DECODER_CONFIG_DESCRIPTOR_TAG, 1 + 1 + 3 + 4 + 4 + decoderSpecificInfo);
        out.u8(OBJECT_TYPE_MPEG4_AUDIO)
                .u8(AUDIO_STREAM_TYPE_BYTE)
                .u24(0) // bufferSizeDB: unknown
                .u32(0) // maxBitrate: unknown
                .u32(0); // avgBitrate: variable or unknown
        descriptorHeader(out, DECODER_SPECIFIC_INFO_TAG, audioSpecificConfig.length);
        out.bytes(audioSpecificConfig);
        descriptorHeader(out, SL_CONFIG_DESCRIPTOR_TAG, 1);
        out.u8(SL_PREDEFINED_MP4);
        out.end();
    }

    /** A descriptor's whole length: tag, size field and body. */
    private static int descriptorLength(int bodyLength) {
        return 1 + sizeFieldLength(bodyLength) + bodyLength;
    }

    /** Descriptor sizes take seven bits a byte, the top bit saying another byte follows. */
    private static int sizeFieldLength(int bodyLength) {
        int bytes = 1;
        while (bodyLength >>> (DESCRIPTOR_SIZE_BITS * bytes) != 0) {
            bytes++;
        }
        return bytes;
    }

    private static void descriptorHeader(BoxWriter out, int tag, int bodyLength) {
        out.u8(tag);
        for (int i = sizeFieldLength(bodyLength) - 1; i >= 0; i--) {
            int sevenBits = (bodyLength >>> (DESCRIPTOR_SIZE_BITS * i)) & ~DESCRIPTOR_SIZE_MORE & 0xFF;
            out.u8(i > 0 ? sevenBits | DESCRIPTOR_SIZE_MORE : sevenBits);
        }
    }

    private static void matrix(BoxWriter out) {
        for (int value : IDENTITY_MATRIX) {
            out.u32(value);
        }
    }

    private static byte[] nullTerminated(String name) {
        byte[] ascii = name.getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOf(ascii, ascii.length + 1);
    }
}
