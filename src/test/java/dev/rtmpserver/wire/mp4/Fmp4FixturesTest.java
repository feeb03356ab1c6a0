package dev.rtmpserver.wire.mp4;

import dev.rtmpserver.testing.AnnotatedHex;
import dev.rtmpserver.wire.media.H264Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Init segments and fragments against annotated hex written box by box from ISO/IEC 14496-12,
 * so a wrong byte points at its box and field.
 */
class Fmp4FixturesTest {
    /** AAC-LC, 44100 Hz, stereo: what FFmpeg's AAC encoder sends for the default sine source. */
    static final String AAC_LC_44100_STEREO = """
            12             # 00010 audioObjectType 2 (AAC-LC), 010 start of samplingFrequencyIndex
            10             # 0 rest of samplingFrequencyIndex 4 (44100), 0010 channelConfiguration 2, 000 flags
            """;

    record Fixture(String name, Supplier<byte[]> written, String hex) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Mp4Track h264() {
        return Mp4Track.avc(1, AnnotatedHex.bytes(H264Fixtures.AVC_CONFIG_HIGH_720P30), 1280, 720);
    }

    static Mp4Track aac() {
        return Mp4Track.aac(2, AnnotatedHex.bytes(AAC_LC_44100_STEREO), 2, 44100);
    }

    /** The boxes every track shares after its handler: data reference, then the empty sample tables. */
    private static final String DINF = """
            00000024 64696e66          # dinf, 36 bytes
              0000001c 64726566        # dref, 28 bytes
                00 000000              # version 0, flags 0
                00000001               # entry_count 1
                0000000c 75726c20      # 'url ', 12 bytes
                  00 000001            # version 0, flags 1: the media is in this file
            """;

    private static final String EMPTY_SAMPLE_TABLES = """
              00000010 73747473 00 000000 00000000   # stts: no entries
              00000010 73747363 00 000000 00000000   # stsc: no entries
              00000014 7374737a 00 000000 00000000   # stsz: sample_size 0 (varies)...
                                          00000000   # ...sample_count 0
              00000010 7374636f 00 000000 00000000   # stco: no entries
            """;

    private static final String IDENTITY_MATRIX = """
            00010000 00000000 00000000 # matrix: identity
            00000000 00010000 00000000
            00000000 00000000 40000000
            """;

    static Stream<Fixture> fixtures() {
        return Stream.of(
                new Fixture("H.264 and AAC init segment", () -> Fmp4.initSegment(List.of(h264(), aac())), """
                        0000001c 66747970      # ftyp, 28 bytes
                          69736f36             # major_brand iso6
                          00000000             # minor_version 0
                          69736f36 636d6663 6d703431 # compatible: iso6, cmfc, mp41
                        00000436 6d6f6f76      # moov, 1078 bytes
                          0000006c 6d766864    # mvhd, 108 bytes
                            00 000000          # version 0, flags 0
                            00000000 00000000  # creation_time, modification_time
                            000003e8           # timescale 1000
                            00000000           # duration 0: all in fragments
                            00010000           # rate 1.0
                            0100               # volume 1.0
                            0000 00000000 00000000 # reserved
                        """ + IDENTITY_MATRIX + """
                            00000000 00000000 00000000 00000000 00000000 00000000 # pre_defined
                            00000003           # next_track_ID 3
                          000001de 7472616b    # trak, 478 bytes
                            0000005c 746b6864  # tkhd, 92 bytes
                              00 000003        # version 0, flags: enabled, in movie
                              00000000 00000000 # creation_time, modification_time
                              00000001         # track_ID 1
                              00000000         # reserved
                              00000000         # duration 0
                              00000000 00000000 # reserved
                              0000 0000        # layer 0, alternate_group 0
                              0000 0000        # volume 0 (video), reserved
                        """ + IDENTITY_MATRIX + """
                              05000000         # width 1280.0
                              02d00000         # height 720.0
                            0000017a 6d646961  # mdia, 378 bytes
                              00000020 6d646864 # mdhd, 32 bytes
                                00 000000      # version 0, flags 0
                                00000000 00000000 # creation_time, modification_time
                                00015f90       # timescale 90000
                                00000000       # duration 0
                                55c4           # language 'und'
                                0000           # pre_defined
                              0000002d 68646c72 # hdlr, 45 bytes
                                00 000000      # version 0, flags 0
                                00000000       # pre_defined
                                76696465       # handler_type 'vide'
                                00000000 00000000 00000000 # reserved
                                566964656f48616e646c657200 # name "VideoHandler"
                              00000125 6d696e66 # minf, 293 bytes
                                00000014 766d6864 # vmhd, 20 bytes
                                  00 000001    # version 0, flags 1
                                  0000         # graphicsmode 0 (copy)
                                  0000 0000 0000 # opcolor
                        """ + DINF + """
                                000000e5 7374626c # stbl, 229 bytes
                                  00000099 73747364 # stsd, 153 bytes
                                    00 000000  # version 0, flags 0
                                    00000001   # entry_count 1
                                    00000089 61766331 # avc1, 137 bytes
                                      000000000000 # reserved
                                      0001     # data_reference_index 1
                                      0000 0000 # pre_defined, reserved
                                      00000000 00000000 00000000 # pre_defined
                                      0500 02d0 # width 1280, height 720
                                      00480000 00480000 # 72 dpi each way
                                      00000000 # reserved
                                      0001     # frame_count 1
                                      00000000 00000000 00000000 00000000 # compressorname: empty
                                      00000000 00000000 00000000 00000000
                                      0018     # depth: colour, no alpha
                                      ffff     # pre_defined -1
                                      00000033 61766343 # avcC, 51 bytes: the record as sent
                        """ + H264Fixtures.AVC_CONFIG_HIGH_720P30 + EMPTY_SAMPLE_TABLES + """
                          0000019c 7472616b    # trak, 412 bytes
                            0000005c 746b6864  # tkhd, 92 bytes
                              00 000003        # version 0, flags: enabled, in movie
                              00000000 00000000 # creation_time, modification_time
                              00000002         # track_ID 2
                              00000000         # reserved
                              00000000         # duration 0
                              00000000 00000000 # reserved
                              0000 0000        # layer 0, alternate_group 0
                              0100 0000        # volume 1.0 (audio), reserved
                        """ + IDENTITY_MATRIX + """
                              00000000         # width 0
                              00000000         # height 0
                            00000138 6d646961  # mdia, 312 bytes
                              00000020 6d646864 # mdhd, 32 bytes
                                00 000000      # version 0, flags 0
                                00000000 00000000 # creation_time, modification_time
                                0000ac44       # timescale 44100
                                00000000       # duration 0
                                55c4           # language 'und'
                                0000           # pre_defined
                              0000002d 68646c72 # hdlr, 45 bytes
                                00 000000      # version 0, flags 0
                                00000000       # pre_defined
                                736f756e       # handler_type 'soun'
                                00000000 00000000 00000000 # reserved
                                536f756e6448616e646c657200 # name "SoundHandler"
                              000000e3 6d696e66 # minf, 227 bytes
                                00000010 736d6864 # smhd, 16 bytes
                                  00 000000    # version 0, flags 0
                                  0000 0000    # balance 0, reserved
                        """ + DINF + """
                                000000a7 7374626c # stbl, 167 bytes
                                  0000005b 73747364 # stsd, 91 bytes
                                    00 000000  # version 0, flags 0
                                    00000001   # entry_count 1
                                    0000004b 6d703461 # mp4a, 75 bytes
                                      000000000000 # reserved
                                      0001     # data_reference_index 1
                                      00000000 00000000 # reserved
                                      0002     # channelcount 2
                                      0010     # samplesize 16
                                      0000 0000 # pre_defined, reserved
                                      ac440000 # samplerate 44100.0
                                      00000027 65736473 # esds, 39 bytes
                                        00 000000 # version 0, flags 0
                                        03 19  # ES_Descriptor, 25 bytes
                                          0000 # ES_ID 0
                                          00   # no dependence, URL or OCR; priority 0
                                          04 11 # DecoderConfigDescriptor, 17 bytes
                                            40 # objectTypeIndication: MPEG-4 audio
                                            15 # streamType 5 (audio), upStream 0, reserved 1
                                            000000 # bufferSizeDB
                                            00000000 00000000 # maxBitrate, avgBitrate
                                            05 02 # DecoderSpecificInfo, 2 bytes
                        """ + AAC_LC_44100_STEREO + """
                                          06 01 02 # SLConfigDescriptor: predefined 2 (MP4)
                        """ + EMPTY_SAMPLE_TABLES + """
                          00000048 6d766578    # mvex, 72 bytes
                            00000020 74726578  # trex, 32 bytes
                              00 000000        # version 0, flags 0
                              00000001         # track_ID 1
                              00000001         # default_sample_description_index 1
                              00000000 00000000 00000000 # default duration, size, flags: none
                            00000020 74726578  # trex, 32 bytes
                              00 000000        # version 0, flags 0
                              00000002         # track_ID 2
                              00000001         # default_sample_description_index 1
                              00000000 00000000 00000000 # default duration, size, flags: none
                        """),

                new Fixture("H.264 and AAC fragment, tracks interleaved", () -> Fmp4.fragment(7, List.of(
                        new Mp4Sample(1, 180_000, 3600, 7200, true, bytes("aabbcc")),
                        new Mp4Sample(2, 88_200, 1024, 0, true, bytes("ff11223344"), 1, 2),
                        new Mp4Sample(1, 183_600, 3600, -3600, false, bytes("ddeeff")))), """
                        000000c8 6d6f6f66      # moof, 200 bytes
                          00000010 6d666864    # mfhd, 16 bytes
                            00 000000          # version 0, flags 0
                            00000007           # sequence_number 7
                          00000060 74726166    # traf, 96 bytes
                            00000010 74666864  # tfhd, 16 bytes
                              00 020000        # version 0, flags: default-base-is-moof
                              00000001         # track_ID 1
                            00000014 74666474  # tfdt, 20 bytes
                              01 000000        # version 1, flags 0
                              00000000 0002bf20 # baseMediaDecodeTime 180000
                            00000034 7472756e  # trun, 52 bytes
                              01 000f01        # version 1 (signed offsets), flags: data offset,
                                               # duration, size, flags and composition offset per sample
                              00000002         # sample_count 2
                              000000d0         # data_offset 208: the mdat's data, from the moof's start
                              00000e10 00000003 # sample 1: duration 3600, size 3
                              02000000         # sample 1: depends on no others
                              00001c20         # sample 1: composition offset 7200
                              00000e10 00000003 # sample 2: duration 3600, size 3
                              01010000         # sample 2: depends on others, not a sync sample
                              fffff1f0         # sample 2: composition offset -3600
                          00000050 74726166    # traf, 80 bytes
                            00000010 74666864  # tfhd, 16 bytes
                              00 020000        # version 0, flags: default-base-is-moof
                              00000002         # track_ID 2
                            00000014 74666474  # tfdt, 20 bytes
                              01 000000        # version 1, flags 0
                              00000000 00015888 # baseMediaDecodeTime 88200
                            00000024 7472756e  # trun, 36 bytes
                              01 000f01        # version 1, the same flags
                              00000001         # sample_count 1
                              000000d6         # data_offset 214: after track 1's 6 bytes
                              00000400 00000002 # duration 1024, size 2
                              02000000         # depends on no others
                              00000000         # composition offset 0
                        00000010 6d646174      # mdat, 16 bytes
                          aabbcc ddeeff        # track 1's samples in order
                          1122                 # track 2's sample
                        """));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void writesExactlyTheAnnotatedBytes(Fixture fixture) {
        assertEquals(AnnotatedHex.hex(fixture.hex()), HexFormat.of().formatHex(fixture.written().get()));
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
