/**
 * The bodies of FLV/RTMP audio and video messages: cheap per-frame classification
 * ({@link dev.rtmpserver.wire.media.VideoTag}, {@link dev.rtmpserver.wire.media.AudioTag}) for
 * keyframe and sequence-header handling, and on-demand parsing of codec configuration
 * ({@link dev.rtmpserver.wire.media.AvcDecoderConfig}, {@link dev.rtmpserver.wire.media.SpsInfo},
 * {@link dev.rtmpserver.wire.media.AacConfig}) for logging what a publisher sends
 * ({@link dev.rtmpserver.wire.media.CodecSummary}).
 *
 * <p>The two halves fail differently on purpose. The classifiers run on every frame and must not
 * stop a stream over one odd message, so they never throw and call what they cannot read an
 * ordinary frame of an unknown codec. The configuration parsers run once per sequence header and
 * answer a question, so bad or truncated input fails with
 * {@link dev.rtmpserver.wire.ProtocolException}.
 *
 * <p>Sources: FLV spec v10.1 Annex E, Enhanced RTMP v1/v2, ISO/IEC 14496-15 (AVC decoder
 * configuration record), ITU-T H.264 7.3.2.1 and Annex E (SPS, VUI), ISO/IEC 14496-3
 * (AudioSpecificConfig).
 */
package dev.rtmpserver.wire.media;
