/**
 * Fragmented MP4 for Low-Latency HLS ({@link dev.rtmpserver.wire.mp4.Fmp4}): an init segment
 * built from the codec configurations publishers send as sequence headers, fragments built from
 * their frames, and the CODECS value a playlist announces for each track.
 *
 * <p>Byte arrays in, byte arrays out: no channels, threads, clocks or logging, so that a segmenter
 * can call it from any thread and tests can compare its output with annotated hex.
 *
 * <p>Sources: ISO/IEC 14496-12 (ISO base media file format), ISO/IEC 23000-19 (CMAF), ISO/IEC
 * 14496-14 and 14496-1 (the esds box and its descriptors), ISO/IEC 14496-15 (avcC, hvcC and the HEVC
 * codecs parameter of Annex E), AV1 Codec ISO Media File Format Binding, VP Codec ISO Media File
 * Format Binding, Encapsulation of Opus in ISO Base Media File Format, RFC 6381 and RFC 7845.
 */
package dev.rtmpserver.wire.mp4;
