package dev.rtmpserver.wire.media;

import dev.rtmpserver.wire.ProtocolException;

import java.util.Objects;

/**
 * The facts worth logging from an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3, subpart 1),
 * the body of an AAC sequence header.
 *
 * <p>SBR and PS are reported when signalled explicitly: hierarchically (object type 5 or 29
 * wrapping the core type) or backward-compatibly (the 0x2B7/0x548 sync extensions after the core
 * config, which encoders such as FFmpeg's write even to say "no SBR"). Implicit signalling is only
 * visible in the audio frames themselves, so such a stream reports as its core AAC-LC.
 *
 * @param objectType  the audio object type heard by the listener: 5 (HE-AAC) or 29 (HE-AACv2)
 *                    when SBR/PS is signalled, else the core type (2 for AAC-LC)
 * @param sampleRate  output sampling rate in Hz (the SBR rate when SBR is signalled)
 * @param channels    output channel count (2 for mono-coded PS); 0 when channelConfiguration
 *                    defers to an object-type config this does not parse
 */
public record AacConfig(int objectType, int sampleRate, int channels) {

    public static final int AOT_AAC_MAIN = 1;
    public static final int AOT_AAC_LC = 2;
    public static final int AOT_AAC_SSR = 3;
    public static final int AOT_AAC_LTP = 4;
    public static final int AOT_SBR = 5;
    public static final int AOT_PS = 29;
    private static final int AOT_AAC_SCALABLE = 6;
    private static final int AOT_TWINVQ = 7;
    private static final int AOT_ER_AAC_LC = 17;
    private static final int AOT_ER_AAC_LTP = 19;
    private static final int AOT_ER_AAC_SCALABLE = 20;
    private static final int AOT_ER_TWINVQ = 21;
    private static final int AOT_ER_BSAC = 22;
    private static final int AOT_ER_AAC_LD = 23;
    private static final int AOT_LAYER_1 = 32;
    private static final int AOT_LAYER_2 = 33;
    private static final int AOT_LAYER_3 = 34;
    private static final int AOT_ER_AAC_ELD = 39;
    private static final int AOT_USAC = 42;

    private static final String STRUCTURE = "AudioSpecificConfig";
    private static final int AOT_BITS = 5;
    /** An object type of 31 means "32 plus the next six bits". */
    private static final int AOT_ESCAPE = 31;
    private static final int AOT_ESCAPE_BASE = 32;
    private static final int AOT_EXTENSION_BITS = 6;

    private static final int FREQUENCY_INDEX_BITS = 4;
    private static final int FREQUENCY_INDEX_EXPLICIT = 15;
    private static final int EXPLICIT_FREQUENCY_BITS = 24;
    /** samplingFrequencyIndex 0..12; 13 and 14 are reserved. */
    private static final int[] SAMPLING_FREQUENCIES = {
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    };

    private static final int CHANNEL_CONFIG_BITS = 4;
    private static final int CHANNEL_CONFIG_IN_PCE = 0;
    private static final int RESERVED = -1;
    /** Channels per channelConfiguration, including the later additions 11..14. */
    private static final int[] CHANNELS_BY_CONFIG = {
        0, 1, 2, 3, 4, 5, 6, 8, RESERVED, RESERVED, RESERVED, 7, 8, 24, 8, RESERVED,
    };
    private static final int MONO = 1;
    private static final int STEREO = 2;

    private static final int CORE_CODER_DELAY_BITS = 14;
    private static final int LAYER_NR_BITS = 3;
    private static final int NUM_OF_SUB_FRAME_BITS = 5;
    private static final int LAYER_LENGTH_BITS = 11;
    private static final int RESILIENCE_FLAGS_BITS = 3;

    private static final int SYNC_EXTENSION_TYPE_BITS = 11;
    private static final int SYNC_EXTENSION_SBR = 0x2B7;
    private static final int SYNC_EXTENSION_PS = 0x548;
    /** bits_to_decode() thresholds the spec checks before each sync extension. */
    private static final int MIN_BITS_FOR_SBR_SYNC = 16;
    private static final int MIN_BITS_FOR_PS_SYNC = 12;

    // program_config_element() field widths (subpart 4).
    private static final int PCE_INSTANCE_TAG_BITS = 4;
    private static final int PCE_OBJECT_TYPE_BITS = 2;
    private static final int PCE_ELEMENT_COUNT_BITS = 4;
    private static final int PCE_LFE_COUNT_BITS = 2;
    private static final int PCE_ASSOC_DATA_COUNT_BITS = 3;
    private static final int PCE_MIXDOWN_ELEMENT_BITS = 4;
    private static final int PCE_MATRIX_MIXDOWN_BITS = 2 + 1;
    private static final int PCE_TAG_SELECT_BITS = 4;
    private static final int PCE_COMMENT_LENGTH_BITS = 8;

    /** Parses an AudioSpecificConfig occupying {@code data[offset .. offset + length)}. */
    public static AacConfig parse(byte[] data, int offset, int length) throws ProtocolException {
        Objects.checkFromIndexSize(offset, length, data.length);
        BitReader in = new BitReader(data, offset, length, STRUCTURE);
        int objectType = readObjectType(in);
        int sampleRate = readSamplingFrequency(in);
        int channelConfig = in.readBits(CHANNEL_CONFIG_BITS);

        boolean sbr = false;
        boolean ps = false;
        int sbrSampleRate = 0;
        if (objectType == AOT_SBR || objectType == AOT_PS) {
            sbr = true;
            ps = objectType == AOT_PS;
            sbrSampleRate = readSamplingFrequency(in);
            objectType = readObjectType(in);
            if (objectType == AOT_ER_BSAC) {
                in.readBits(CHANNEL_CONFIG_BITS); // extensionChannelConfiguration
            }
        }

        int channels = CHANNEL_CONFIG_IN_PCE;
        if (channelConfig != CHANNEL_CONFIG_IN_PCE) {
            channels = CHANNELS_BY_CONFIG[channelConfig];
            if (channels == RESERVED) {
                throw new ProtocolException(STRUCTURE + ": reserved channelConfiguration " + channelConfig);
            }
        }
        if (hasGaSpecificConfig(objectType)) {
            int pceChannels = skipGaSpecificConfig(in, objectType, channelConfig);
            if (channelConfig == CHANNEL_CONFIG_IN_PCE) {
                channels = pceChannels;
            }
            // Encoders append the backward-compatible sync extensions after a plain GA config;
            // error-resilient types put epConfig there instead, which this does not parse.
            if (!sbr && !isErrorResilient(objectType) && in.bitsLeft() >= MIN_BITS_FOR_SBR_SYNC
                    && in.readBits(SYNC_EXTENSION_TYPE_BITS) == SYNC_EXTENSION_SBR
                    && readObjectType(in) == AOT_SBR && in.readFlag()) {
                sbr = true;
                sbrSampleRate = readSamplingFrequency(in);
                if (in.bitsLeft() >= MIN_BITS_FOR_PS_SYNC
                        && in.readBits(SYNC_EXTENSION_TYPE_BITS) == SYNC_EXTENSION_PS) {
                    ps = in.readFlag();
                }
            }
        }

        if (!sbr) {
            return new AacConfig(objectType, sampleRate, channels);
        }
        // Parametric stereo turns a mono core into a stereo output.
        int outputChannels = ps && channels == MONO ? STEREO : channels;
        return new AacConfig(ps ? AOT_PS : AOT_SBR, sbrSampleRate, outputChannels);
    }

    /** This config's object type as people name it, e.g. "AAC-LC" or "HE-AAC". */
    public String objectTypeName() {
        return objectTypeName(objectType);
    }

    /** An audio object type as people name it (ISO/IEC 14496-3 audio object type table). */
    public static String objectTypeName(int objectType) {
        return switch (objectType) {
            case AOT_AAC_MAIN -> "AAC Main";
            case AOT_AAC_LC -> "AAC-LC";
            case AOT_AAC_SSR -> "AAC SSR";
            case AOT_AAC_LTP -> "AAC LTP";
            case AOT_SBR -> "HE-AAC";
            case AOT_PS -> "HE-AACv2";
            case AOT_AAC_SCALABLE -> "AAC Scalable";
            case AOT_ER_AAC_LC -> "ER AAC-LC";
            case AOT_ER_AAC_LD -> "AAC-LD";
            case AOT_ER_AAC_ELD -> "AAC-ELD";
            case AOT_USAC -> "USAC";
            case AOT_LAYER_1 -> "MPEG-1 Layer 1";
            case AOT_LAYER_2 -> "MPEG-1 Layer 2";
            case AOT_LAYER_3 -> "MPEG-1 Layer 3";
            default -> "audio object type " + objectType;
        };
    }

    private static int readObjectType(BitReader in) throws ProtocolException {
        int objectType = in.readBits(AOT_BITS);
        return objectType == AOT_ESCAPE ? AOT_ESCAPE_BASE + in.readBits(AOT_EXTENSION_BITS) : objectType;
    }

    private static int readSamplingFrequency(BitReader in) throws ProtocolException {
        int index = in.readBits(FREQUENCY_INDEX_BITS);
        if (index == FREQUENCY_INDEX_EXPLICIT) {
            int frequency = in.readBits(EXPLICIT_FREQUENCY_BITS);
            if (frequency == 0) {
                throw new ProtocolException(STRUCTURE + ": explicit sampling frequency of 0 Hz");
            }
            return frequency;
        }
        if (index >= SAMPLING_FREQUENCIES.length) {
            throw new ProtocolException(STRUCTURE + ": reserved samplingFrequencyIndex " + index);
        }
        return SAMPLING_FREQUENCIES[index];
    }

    /** The object types whose specific config is GASpecificConfig. */
    private static boolean hasGaSpecificConfig(int objectType) {
        return switch (objectType) {
            case AOT_AAC_MAIN, AOT_AAC_LC, AOT_AAC_SSR, AOT_AAC_LTP, AOT_AAC_SCALABLE, AOT_TWINVQ, AOT_ER_AAC_LC,
                 AOT_ER_AAC_LTP, AOT_ER_AAC_SCALABLE, AOT_ER_TWINVQ, AOT_ER_BSAC, AOT_ER_AAC_LD -> true;
            default -> false;
        };
    }

    private static boolean isErrorResilient(int objectType) {
        return objectType >= AOT_ER_AAC_LC && objectType <= AOT_ER_AAC_LD;
    }

    /**
     * GASpecificConfig (subpart 4), read to its end so the sync extensions after it
     * are found at the right bit.
     *
     * @return the channel count of the program config element, when there is one
     */
    private static int skipGaSpecificConfig(BitReader in, int objectType, int channelConfig)
            throws ProtocolException {
        in.readFlag(); // frameLengthFlag
        if (in.readFlag()) { // dependsOnCoreCoder
            in.skipBits(CORE_CODER_DELAY_BITS);
        }
        boolean extensionFlag = in.readFlag();
        int pceChannels = 0;
        if (channelConfig == CHANNEL_CONFIG_IN_PCE) {
            pceChannels = readProgramConfigElement(in);
        }
        if (objectType == AOT_AAC_SCALABLE || objectType == AOT_ER_AAC_SCALABLE) {
            in.skipBits(LAYER_NR_BITS);
        }
        if (extensionFlag) {
            if (objectType == AOT_ER_BSAC) {
                in.skipBits(NUM_OF_SUB_FRAME_BITS + LAYER_LENGTH_BITS);
            }
            if (objectType == AOT_ER_AAC_LC || objectType == AOT_ER_AAC_LTP || objectType == AOT_ER_AAC_SCALABLE
                    || objectType == AOT_ER_AAC_LD) {
                in.skipBits(RESILIENCE_FLAGS_BITS);
            }
            in.readFlag(); // extensionFlag3
        }
        return pceChannels;
    }

    /**
     * program_config_element() (subpart 4): counts the output channels, a channel pair
     * element being two channels, and steps over the rest including the comment.
     */
    private static int readProgramConfigElement(BitReader in) throws ProtocolException {
        in.skipBits(PCE_INSTANCE_TAG_BITS + PCE_OBJECT_TYPE_BITS + FREQUENCY_INDEX_BITS);
        int front = in.readBits(PCE_ELEMENT_COUNT_BITS);
        int side = in.readBits(PCE_ELEMENT_COUNT_BITS);
        int back = in.readBits(PCE_ELEMENT_COUNT_BITS);
        int lfe = in.readBits(PCE_LFE_COUNT_BITS);
        int assocData = in.readBits(PCE_ASSOC_DATA_COUNT_BITS);
        int validCc = in.readBits(PCE_ELEMENT_COUNT_BITS);
        if (in.readFlag()) { // mono_mixdown_present
            in.skipBits(PCE_MIXDOWN_ELEMENT_BITS);
        }
        if (in.readFlag()) { // stereo_mixdown_present
            in.skipBits(PCE_MIXDOWN_ELEMENT_BITS);
        }
        if (in.readFlag()) { // matrix_mixdown_idx_present
            in.skipBits(PCE_MATRIX_MIXDOWN_BITS);
        }
        int channels = 0;
        for (int i = 0; i < front + side + back; i++) {
            channels += in.readFlag() ? STEREO : MONO; // is_cpe
            in.skipBits(PCE_TAG_SELECT_BITS);
        }
        channels += lfe;
        in.skipBits((long) (lfe + assocData) * PCE_TAG_SELECT_BITS);
        // cc_element_is_ind_sw and valid_cc_element_tag_select
        in.skipBits((long) validCc * (1 + PCE_TAG_SELECT_BITS));
        // The PCE is byte-aligned relative to the AudioSpecificConfig, where every reader starts.
        in.alignToByte();
        int commentBytes = in.readBits(PCE_COMMENT_LENGTH_BITS);
        in.skipBits((long) commentBytes * Byte.SIZE);
        return channels;
    }
}
