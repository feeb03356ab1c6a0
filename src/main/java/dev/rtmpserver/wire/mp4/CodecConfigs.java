package dev.rtmpserver.wire.mp4;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.media.AacConfig;
import dev.rtmpserver.wire.media.Av1CodecConfig;
import dev.rtmpserver.wire.media.AvcDecoderConfig;
import dev.rtmpserver.wire.media.HevcDecoderConfig;
import dev.rtmpserver.wire.media.OpusHead;
import dev.rtmpserver.wire.media.Vp9CodecConfig;

import java.util.HexFormat;
import java.util.Locale;

/**
 * What the init segment and the playlist need from each codec configuration: the check that it
 * parses, the RFC 6381 CODECS value, and for Opus the dOps box body.
 */
final class CodecConfigs {
    // HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1) byte positions.
    private static final int HEVC_PROFILE_OFFSET = 1;
    private static final int HEVC_COMPATIBILITY_OFFSET = 2;
    private static final int HEVC_CONSTRAINT_OFFSET = 6;
    private static final int HEVC_CONSTRAINT_BYTES = 6;
    private static final int HEVC_PROFILE_SPACE_SHIFT = 6;
    /** general_profile_space 1 to 3 is written as a letter before the profile (Annex E). */
    private static final String HEVC_PROFILE_SPACES = "ABC";

    // OpusHead (RFC 7845 5.1): little-endian fields after the 8-byte magic.
    private static final int OPUS_HEAD_LENGTH = 19;
    private static final int OPUS_CHANNELS_OFFSET = 9;
    private static final int OPUS_PRE_SKIP_OFFSET = 10;
    private static final int OPUS_RATE_OFFSET = 12;
    private static final int OPUS_GAIN_OFFSET = 16;
    private static final int OPUS_MAPPING_FAMILY_OFFSET = 18;
    /** Families other than 0 add stream count, coupled count and one mapping byte per channel. */
    private static final int OPUS_MAPPING_TABLE_FIXED = 2;
    private static final int DOPS_VERSION = 0;

    private CodecConfigs() {
    }

    /**
     * Parses the track's configuration as its codec's parser does.
     *
     * @throws IllegalArgumentException if it does not parse, with the parser's exception as cause
     */
    static void check(Mp4Track track) {
        codecs(track);
        if (track.sampleEntry().equals(Mp4Track.OPUS)) {
            dOps(track);
        }
    }

    static String codecs(Mp4Track track) {
        byte[] c = track.codecConfig();
        try {
            return switch (track.sampleEntry()) {
                case Mp4Track.AVC -> {
                    AvcDecoderConfig avc = AvcDecoderConfig.parse(c, 0, c.length);
                    yield "avc1." + HexFormat.of().toHexDigits((byte) avc.profile())
                            + HexFormat.of().toHexDigits((byte) avc.compatibility())
                            + HexFormat.of().toHexDigits((byte) avc.level());
                }
                case Mp4Track.HEVC -> hevcCodecs(HevcDecoderConfig.parse(c, 0, c.length), c);
                case Mp4Track.AV1 -> {
                    Av1CodecConfig av1 = Av1CodecConfig.parse(c, 0, c.length);
                    yield String.format(Locale.ROOT, "av01.%d.%02d%s.%02d", av1.profile(), av1.levelIdx(),
                            av1.highTier() ? "H" : "M", av1.bitDepth());
                }
                case Mp4Track.VP9 -> {
                    Vp9CodecConfig vp9 = Vp9CodecConfig.parse(c, 0, c.length);
                    yield String.format(Locale.ROOT, "vp09.%02d.%02d.%02d", vp9.profile(), vp9.level(),
                            vp9.bitDepth());
                }
                // The type a listener hears: 5 or 29 when SBR or PS is signalled, as HLS wants it.
                case Mp4Track.AAC -> "mp4a.40." + AacConfig.parse(c, 0, c.length).objectType();
                case Mp4Track.OPUS -> {
                    OpusHead.parse(c, 0, c.length);
                    yield "opus";
                }
                default -> throw new IllegalArgumentException("no CODECS value for " + track.sampleEntry());
            };
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("track " + track.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * ISO/IEC 14496-15 Annex E: profile space and profile, the compatibility flags with flag 0 as
     * the least significant bit, tier and level, then the constraint bytes up to the last non-zero one.
     */
    private static String hevcCodecs(HevcDecoderConfig config, byte[] c) {
        int profileByte = c[HEVC_PROFILE_OFFSET] & 0xFF;
        int profileSpace = profileByte >>> HEVC_PROFILE_SPACE_SHIFT;
        StringBuilder s = new StringBuilder("hvc1.");
        if (profileSpace > 0) {
            s.append(HEVC_PROFILE_SPACES.charAt(profileSpace - 1));
        }
        s.append(config.profileIdc());
        int compatibility = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            compatibility = (compatibility << Byte.SIZE) | (c[HEVC_COMPATIBILITY_OFFSET + i] & 0xFF);
        }
        s.append('.').append(Integer.toHexString(Integer.reverse(compatibility)).toUpperCase(Locale.ROOT));
        s.append('.').append(config.highTier() ? 'H' : 'L').append(config.levelIdc());
        int last = HEVC_CONSTRAINT_BYTES;
        while (last > 0 && c[HEVC_CONSTRAINT_OFFSET + last - 1] == 0) {
            last--;
        }
        for (int i = 0; i < last; i++) {
            s.append('.').append(HexFormat.of().withUpperCase().toHexDigits(c[HEVC_CONSTRAINT_OFFSET + i]));
        }
        return s.toString();
    }

    /**
     * The OpusSpecificBox body ("Encapsulation of Opus in ISO Base Media File Format" 4.3.2): the
     * OpusHead's fields without its magic, big-endian instead of little-endian.
     */
    static byte[] dOps(Mp4Track track) {
        byte[] head = track.codecConfig();
        try {
            OpusHead.parse(head, 0, head.length);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("track " + track.id() + ": " + e.getMessage(), e);
        }
        int channels = head[OPUS_CHANNELS_OFFSET] & 0xFF;
        int mappingFamily = head[OPUS_MAPPING_FAMILY_OFFSET] & 0xFF;
        int tableLength = mappingFamily == 0 ? 0 : OPUS_MAPPING_TABLE_FIXED + channels;
        if (head.length < OPUS_HEAD_LENGTH + tableLength) {
            throw new IllegalArgumentException("track " + track.id() + ": OpusHead with mapping family "
                    + mappingFamily + " and " + channels + " channels needs " + (OPUS_HEAD_LENGTH + tableLength)
                    + " bytes, not " + head.length);
        }
        BoxWriter out = new BoxWriter()
                .u8(DOPS_VERSION)
                .u8(channels)
                .u16((int) littleEndian(head, OPUS_PRE_SKIP_OFFSET, Short.BYTES))
                .u32(littleEndian(head, OPUS_RATE_OFFSET, Integer.BYTES))
                .u16((int) littleEndian(head, OPUS_GAIN_OFFSET, Short.BYTES))
                .u8(mappingFamily)
                // Stream count, coupled count and mapping are single bytes: no order to change.
                .bytes(head, OPUS_HEAD_LENGTH, tableLength);
        return out.toByteArray();
    }

    private static long littleEndian(byte[] b, int offset, int length) {
        long value = 0;
        for (int i = length - 1; i >= 0; i--) {
            value = (value << Byte.SIZE) | (b[offset + i] & 0xFF);
        }
        return value;
    }
}
