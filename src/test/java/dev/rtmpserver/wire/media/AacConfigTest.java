package dev.rtmpserver.wire.media;

import dev.rtmpserver.testing.AnnotatedHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rtmpserver.wire.ProtocolException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AudioSpecificConfig parsing (ISO/IEC 14496-3). Its fields are bit-packed, so each comment
 * gives the bits it covers, in order, before naming the field.
 */
class AacConfigTest {

    /**
     * @param complete whether the config ends where its last mandatory field does, so that every
     *                 shorter prefix must fail; false where optional trailing fields follow
     */
    record AacCase(String config, AacConfig expected, String name, boolean complete) {}

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of(Named.of("1210 is AAC-LC at 44100 Hz in stereo", new AacCase("""
                        12             # 00010 audioObjectType 2 (AAC-LC), 010 start of samplingFrequencyIndex
                        10             # 0 rest of samplingFrequencyIndex 4 (44100), 0010 channelConfiguration 2,
                                       # 0 frameLengthFlag, 0 dependsOnCoreCoder, 0 extensionFlag
                        """, new AacConfig(2, 44100, 2), "AAC-LC", true))),
                Arguments.of(Named.of("1190 is AAC-LC at 48000 Hz in stereo", new AacCase("""
                        11             # 00010 audioObjectType 2 (AAC-LC), 001 start of samplingFrequencyIndex
                        90             # 1 rest of samplingFrequencyIndex 3 (48000), 0010 channelConfiguration 2,
                                       # 000 GASpecificConfig flags
                        """, new AacConfig(2, 48000, 2), "AAC-LC", true))),
                Arguments.of(Named.of("an FFmpeg sequence header says no SBR in a backward-compatible extension",
                        new AacCase("""
                        12 10          # AAC-LC, 44100 Hz, stereo, GASpecificConfig flags 000
                        56             # 01010110 start of syncExtensionType 0x2B7
                        e5             # 111 rest of syncExtensionType, 00101 extensionAudioObjectType 5 (SBR)
                        00             # 0 sbrPresentFlag: no SBR after all, then padding
                        """, new AacConfig(2, 44100, 2), "AAC-LC", false))),
                Arguments.of(Named.of("frequency index 15 is followed by an explicit 24-bit rate", new AacCase("""
                        17             # 00010 audioObjectType 2, 111 start of samplingFrequencyIndex
                        80             # 1 rest of samplingFrequencyIndex 15 (explicit), 0000000 start of rate
                        49 d4          # samplingFrequency continues: 37800 = 0x0093A8
                        08             # 0 end of samplingFrequency, 0001 channelConfiguration 1,
                                       # 000 GASpecificConfig flags
                        """, new AacConfig(2, 37800, 1), "AAC-LC", true))),
                Arguments.of(Named.of("explicit hierarchical SBR is HE-AAC at the SBR rate", new AacCase("""
                        2b             # 00101 audioObjectType 5 (SBR), 011 start of samplingFrequencyIndex
                        92             # 1 rest of samplingFrequencyIndex 7 (22050 core), 0010 channelConfiguration 2,
                                       # 010 start of extensionSamplingFrequencyIndex
                        08             # 0 rest of extensionSamplingFrequencyIndex 4 (44100),
                                       # 00010 audioObjectType 2 (AAC-LC core), 00 GASpecificConfig flags
                        00             # 0 last GASpecificConfig flag, then padding
                        """, new AacConfig(5, 44100, 2), "HE-AAC", true))),
                Arguments.of(Named.of("explicit hierarchical PS is HE-AACv2 with a mono core heard in stereo",
                        new AacCase("""
                        eb             # 11101 audioObjectType 29 (PS), 011 start of samplingFrequencyIndex
                        09             # 0 rest of samplingFrequencyIndex 6 (24000 core), 0001 channelConfiguration 1,
                                       # 001 start of extensionSamplingFrequencyIndex
                        88             # 1 rest of extensionSamplingFrequencyIndex 3 (48000),
                                       # 00010 audioObjectType 2 (AAC-LC core), 00 GASpecificConfig flags
                        00             # 0 last GASpecificConfig flag, then padding
                        """, new AacConfig(29, 48000, 2), "HE-AACv2", true))),
                Arguments.of(Named.of("explicit backward-compatible SBR is HE-AAC at the SBR rate", new AacCase("""
                        13 90          # AAC-LC core, 22050 Hz, stereo, GASpecificConfig flags 000
                        56             # 01010110 start of syncExtensionType 0x2B7
                        e5             # 111 rest of syncExtensionType, 00101 extensionAudioObjectType 5 (SBR)
                        a0             # 1 sbrPresentFlag, 0100 extensionSamplingFrequencyIndex 4 (44100), padding
                        """, new AacConfig(5, 44100, 2), "HE-AAC", false))),
                Arguments.of(Named.of("explicit backward-compatible SBR and PS is HE-AACv2", new AacCase("""
                        13             # 00010 audioObjectType 2 (AAC-LC core), 011 start of samplingFrequencyIndex
                        08             # 0 rest of samplingFrequencyIndex 6 (24000), 0001 channelConfiguration 1,
                                       # 000 GASpecificConfig flags
                        56             # 01010110 start of syncExtensionType 0x2B7
                        e5             # 111 rest of syncExtensionType, 00101 extensionAudioObjectType 5 (SBR)
                        9d             # 1 sbrPresentFlag, 0011 extensionSamplingFrequencyIndex 3 (48000),
                                       # 101 start of syncExtensionType 0x548
                        48             # 01001000 rest of syncExtensionType 0x548
                        80             # 1 psPresentFlag, then padding
                        """, new AacConfig(29, 48000, 2), "HE-AACv2", false))),
                Arguments.of(Named.of("a core coder delay is stepped over", new AacCase("""
                        12             # 00010 audioObjectType 2 (AAC-LC), 010 start of samplingFrequencyIndex
                        12             # 0 rest of samplingFrequencyIndex 4 (44100), 0010 channelConfiguration 2,
                                       # 0 frameLengthFlag, 1 dependsOnCoreCoder, 0 start of coreCoderDelay
                        20             # 00100000 coreCoderDelay continues
                        00             # 00000 rest of coreCoderDelay 1024, 0 extensionFlag, padding
                        """, new AacConfig(2, 44100, 2), "AAC-LC", true))),
                Arguments.of(Named.of("object type 31 escapes to 32 plus six more bits", new AacCase("""
                        f9             # 11111 audioObjectType escape, 001 start of audioObjectTypeExt
                        46             # 010 rest of audioObjectTypeExt 10 (type 42, USAC),
                                       # 0011 samplingFrequencyIndex 3 (48000), 0 start of channelConfiguration
                        40             # 010 rest of channelConfiguration 2, then padding
                        """, new AacConfig(42, 48000, 2), "USAC", true))),
                Arguments.of(Named.of("channel configuration 7 is eight channels", new AacCase("""
                        12             # 00010 audioObjectType 2, 010 start of samplingFrequencyIndex
                        38             # 0 rest of samplingFrequencyIndex 4 (44100), 0111 channelConfiguration 7,
                                       # 000 GASpecificConfig flags
                        """, new AacConfig(2, 44100, 8), "AAC-LC", true))),
                Arguments.of(Named.of("channel configuration 0 counts the channels of the program config element",
                        new AacCase("""
                        11             # 00010 audioObjectType 2, 001 start of samplingFrequencyIndex
                        80             # 1 rest of samplingFrequencyIndex 3 (48000), 0000 channelConfiguration 0,
                                       # 000 GASpecificConfig flags; the PCE follows
                        04             # 0000 element_instance_tag, 01 object_type, 00 start of sampling index
                        c8             # 11 rest of sampling index 3, 0010 num_front_channel_elements 2,
                                       # 00 start of num_side_channel_elements
                        05             # 00 rest of num_side_channel_elements 0, 0001 num_back 1, 01 num_lfe 1
                        00             # 000 num_assoc_data 0, 0000 num_valid_cc 0, 0 mono_mixdown_present
                        01             # 0 stereo_mixdown_present, 0 matrix_mixdown_idx_present,
                                       # 0 0000 front SCE tag 0 (1 channel), 1 start of front CPE
                        08             # 0000 front CPE tag 0 (2 channels), 1 back is_cpe, 000 start of its tag
                        80             # 1 rest of back CPE tag 1 (2 channels), 0000 LFE tag 0 (1 channel),
                                       # 000 byte alignment
                        03             # comment_field_bytes 3, counted from the byte boundary
                        35 2e 31       # comment_field_data '5.1': 6 channels in all
                        """, new AacConfig(2, 48000, 6), "AAC-LC", true))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void parsingReportsObjectTypeRateAndChannels(AacCase c) throws ProtocolException {
        byte[] config = AnnotatedHex.bytes(c.config());

        AacConfig parsed = AacConfig.parse(config, 0, config.length);

        assertEquals(c.expected(), parsed);
        assertEquals(c.name(), parsed.objectTypeName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void aConfigCutShortBeforeItsLastMandatoryFieldFailsWithAProtocolException(AacCase c) {
        byte[] config = AnnotatedHex.bytes(c.config());
        // Past the mandatory fields a cut is indistinguishable from a config without extensions.
        int firstValidLength = c.complete() ? config.length : 2;
        for (int length = 0; length < firstValidLength; length++) {
            int cut = length;
            assertThrows(ProtocolException.class, () -> AacConfig.parse(config, 0, cut), "cut to " + cut + " bytes");
        }
    }

    static Stream<Arguments> malformedConfigs() {
        return Stream.of(
                Arguments.of(Named.of("a reserved sampling frequency index", """
                        16             # 00010 audioObjectType 2, 110 start of samplingFrequencyIndex
                        90             # 1 rest of samplingFrequencyIndex 13 (reserved), 0010 channels 2, 000
                        """)),
                Arguments.of(Named.of("an explicit sampling frequency of 0 Hz", """
                        17 80 00 00    # audioObjectType 2, samplingFrequencyIndex 15, samplingFrequency 0...
                        08             # ...channelConfiguration 1, GASpecificConfig flags 000
                        """)),
                Arguments.of(Named.of("a reserved channel configuration", """
                        12             # 00010 audioObjectType 2, 010 start of samplingFrequencyIndex
                        40             # 0 rest of samplingFrequencyIndex 4, 1000 channelConfiguration 8 (reserved), 000
                        """)),
                Arguments.of(Named.of("a truncated backward-compatible SBR extension", """
                        12 10          # AAC-LC, 44100 Hz, stereo, GASpecificConfig flags 000
                        56 e5          # syncExtensionType 0x2B7, extensionAudioObjectType 5, then no sbrPresentFlag
                        """)));
    }

    @ParameterizedTest(name = "{0} fails")
    @MethodSource("malformedConfigs")
    void malformedConfigsFailWithAProtocolException(String hex) {
        byte[] config = AnnotatedHex.bytes(hex);

        assertThrows(ProtocolException.class, () -> AacConfig.parse(config, 0, config.length));
    }
}
