package dev.rtmpserver.hls;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.media.AacConfig;
import dev.rtmpserver.wire.media.AudioCodec;
import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.AvcDecoderConfig;
import dev.rtmpserver.wire.media.OpusHead;
import dev.rtmpserver.wire.media.SpsInfo;
import dev.rtmpserver.wire.media.TrackIds;
import dev.rtmpserver.wire.media.VideoCodec;
import dev.rtmpserver.wire.media.VideoFormat;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.media.Vp9FrameSize;
import dev.rtmpserver.wire.mp4.Fmp4;
import dev.rtmpserver.wire.mp4.Mp4Sample;
import dev.rtmpserver.wire.mp4.Mp4Track;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Cuts one stream's frames into LL-HLS parts and segments of fragmented MP4. Parts end at the
 * first frame at or past the part target; segments end at the first keyframe of the main video
 * track at or past the segment target (any frame, for a stream without video), so every segment
 * starts with a keyframe and a player can start from any of them.
 *
 * <p>A sample's duration is known only when the next one of its track arrives, so each track's
 * latest sample waits for its successor; at a cut it goes into the next part.
 *
 * <p>Not thread-safe: the stream's lock serializes the calls, as for every sink.
 */
final class Segmenter {
    static final int VIDEO_TRACK = 1;
    static final int AUDIO_TRACK = 2;
    private static final int VIDEO_TIMESCALE = 90_000;
    private static final int OPUS_TIMESCALE = 48_000;
    private static final int MS_PER_SECOND = 1000;
    /** How long the last sample of a stream lasts, as nothing follows to say: one frame at 25 fps. */
    private static final long LAST_SAMPLE_MS = 40;

    private final LivePlaylist out;
    private final Packager packager;
    private final long segmentTargetMs;
    private final long partTargetMs;

    private byte[] videoConfigPayload;
    private byte[] audioConfigPayload;
    private List<Mp4Track> tracks;
    private Mp4Track video;
    private Mp4Track audio;
    private int fragmentSequence = 1;

    /** Running media time in milliseconds, unwrapped from RTMP's 32 bits. */
    private boolean timed;
    private int lastTimestamp;
    private long nowMs;

    private final Pending[] pending = new Pending[AUDIO_TRACK + 1];
    private final List<Mp4Sample> part = new ArrayList<>();
    private long partStartMs = -1;
    private long segmentStartMs = -1;
    private boolean partIndependent;

    /** A sample waiting for its successor to learn its duration. */
    private record Pending(Mp4Track track, long ms, int compositionOffset, boolean sync, byte[] data, int offset,
                           int length) {
    }

    Segmenter(LivePlaylist out, Packager packager, long segmentTargetMs, long partTargetMs) {
        this.out = out;
        this.packager = packager;
        this.segmentTargetMs = segmentTargetMs;
        this.partTargetMs = partTargetMs;
    }

    void onFrame(MediaFrame frame) {
        switch (frame.kind()) {
            case VIDEO -> video(frame);
            case AUDIO -> audio(frame);
            case DATA -> { }
        }
    }

    private void video(MediaFrame frame) {
        byte[] p = frame.payload();
        // Extra Enhanced RTMP tracks are not in this rendition; the main one is.
        if (TrackIds.isVideoMultitrack(p) && !TrackIds.isDefaultVideoTrack(p)) {
            return;
        }
        VideoTag tag = VideoTag.parse(p);
        if (tag.sequenceHeader()) {
            if (!Arrays.equals(p, videoConfigPayload)) {
                videoConfigPayload = p;
                tracks = null;
            }
            return;
        }
        if (tag.endOfSequence() || tag.frameType() == VideoTag.FRAME_TYPE_COMMAND || tag.dataOffset() >= p.length) {
            return;
        }
        long ms = advance(frame.timestamp());
        if (tracks == null && !(frame.keyframe() && startTracks(p))) {
            return;
        }
        if (video == null) {
            return;
        }
        boolean cutSegment = frame.keyframe() && (segmentStartMs < 0 || ms - segmentStartMs >= segmentTargetMs);
        boolean cutPart = partStartMs >= 0 && ms - partStartMs >= partTargetMs;
        if (cutSegment || cutPart) {
            complete(VIDEO_TRACK, ms);
            flush(ms, cutSegment);
        }
        add(new Pending(video, ms, tag.compositionTime() * (VIDEO_TIMESCALE / MS_PER_SECOND), frame.keyframe(), p,
                tag.dataOffset(), p.length - tag.dataOffset()), ms);
    }

    private void audio(MediaFrame frame) {
        byte[] p = frame.payload();
        if (TrackIds.isAudioMultitrack(p)) {
            return;
        }
        AudioTag tag = AudioTag.parse(p);
        if (tag.sequenceHeader()) {
            if (!Arrays.equals(p, audioConfigPayload)) {
                audioConfigPayload = p;
                tracks = null;
            }
            return;
        }
        if (tag.dataOffset() >= p.length) {
            return;
        }
        long ms = advance(frame.timestamp());
        if (tracks == null && (videoConfigPayload != null || !startTracks(null))) {
            // With video, tracks start at its first keyframe; audio before it is not needed.
            return;
        }
        if (audio == null) {
            return;
        }
        if (video == null) {
            boolean cutSegment = segmentStartMs < 0 || ms - segmentStartMs >= segmentTargetMs;
            boolean cutPart = partStartMs >= 0 && ms - partStartMs >= partTargetMs;
            if (cutSegment || cutPart) {
                complete(AUDIO_TRACK, ms);
                flush(ms, cutSegment);
            }
        }
        add(new Pending(audio, ms, 0, true, p, tag.dataOffset(), p.length - tag.dataOffset()), ms);
    }

    /** Unwraps RTMP's 32-bit millisecond clock into a running one. */
    private long advance(int timestamp) {
        if (!timed) {
            timed = true;
            nowMs = 0;
        } else {
            nowMs += timestamp - lastTimestamp;
        }
        lastTimestamp = timestamp;
        return nowMs;
    }

    /**
     * Builds the tracks from the sequence headers and writes an init section; false if a codec
     * is not one fragmented MP4 carries here, in which case the stream has no HLS rendition.
     */
    private boolean startTracks(byte[] firstKeyframe) {
        video = videoConfigPayload == null ? null : videoTrack(videoConfigPayload, firstKeyframe);
        audio = audioConfigPayload == null ? null : audioTrack(audioConfigPayload);
        if (video == null && audio == null) {
            return false;
        }
        List<Mp4Track> list = new ArrayList<>();
        if (video != null) {
            list.add(video);
        }
        if (audio != null) {
            list.add(audio);
        }
        tracks = List.copyOf(list);
        // A codec change mid-stream: what was cut so far goes out under the old init section.
        if (segmentStartMs >= 0) {
            flush(nowMs, true);
        }
        Arrays.fill(pending, null);
        String codecs = tracks.stream().map(packager::codecs).collect(Collectors.joining(","));
        out.init(packager.init(tracks), codecs, video == null ? null : video.width() + "x" + video.height());
        return true;
    }

    private static Mp4Track videoTrack(byte[] payload, byte[] firstKeyframe) {
        VideoTag tag = VideoTag.parse(payload);
        byte[] config = Arrays.copyOfRange(payload, tag.dataOffset(), payload.length);
        try {
            return switch (tag.codec()) {
                case AVC -> {
                    AvcDecoderConfig avc = AvcDecoderConfig.parse(config, 0, config.length);
                    byte[] sps = avc.sps().get(0);
                    SpsInfo info = SpsInfo.parse(sps, 0, sps.length);
                    yield new Mp4Track(VIDEO_TRACK, true, "avc1", VIDEO_TIMESCALE, config, info.width(), info.height(),
                            0, 0);
                }
                case HEVC, AV1 -> {
                    VideoFormat f = VideoFormat.parse(tag.codec(), config, 0, config.length);
                    yield new Mp4Track(VIDEO_TRACK, true, tag.codec() == VideoCodec.HEVC ? "hvc1" : "av01",
                            VIDEO_TIMESCALE, config, f.width(), f.height(), 0, 0);
                }
                case VP9 -> {
                    Vp9FrameSize size = firstKeyframe == null ? null : Vp9FrameSize.ofMessage(firstKeyframe);
                    yield size == null ? null : new Mp4Track(VIDEO_TRACK, true, "vp09", VIDEO_TIMESCALE, config,
                            size.width(), size.height(), 0, 0);
                }
                default -> null;
            };
        } catch (ProtocolException | RuntimeException e) {
            return null;
        }
    }

    private static Mp4Track audioTrack(byte[] payload) {
        AudioTag tag = AudioTag.parse(payload);
        byte[] config = Arrays.copyOfRange(payload, tag.dataOffset(), payload.length);
        try {
            if (tag.codec() == AudioCodec.AAC) {
                AacConfig aac = AacConfig.parse(config, 0, config.length);
                return new Mp4Track(AUDIO_TRACK, false, "mp4a", aac.sampleRate(), config, 0, 0, aac.channels(),
                        aac.sampleRate());
            }
            if (tag.codec() == AudioCodec.OPUS && config.length > 0) {
                OpusHead head = OpusHead.parse(config, 0, config.length);
                return new Mp4Track(AUDIO_TRACK, false, "Opus", OPUS_TIMESCALE, config, 0, 0, head.channels(),
                        OPUS_TIMESCALE);
            }
        } catch (ProtocolException | RuntimeException e) {
            return null;
        }
        return null;
    }

    /** Completes the track's held sample, which lasts until {@code ms}, into the current part. */
    private void complete(int id, long ms) {
        Pending previous = pending[id];
        if (previous != null) {
            part.add(sample(previous, ms));
            pending[id] = null;
        }
    }

    /** Completes the track's previous sample with the new one's time, and holds the new one. */
    private void add(Pending next, long ms) {
        int id = next.track().id();
        complete(id, ms);
        pending[id] = next;
        if (partStartMs < 0) {
            partStartMs = ms;
            partIndependent = next.sync() && next.track().video();
        }
        if (segmentStartMs < 0) {
            segmentStartMs = ms;
        }
    }

    private Mp4Sample sample(Pending p, long nextMs) {
        int scale = p.track().timescale();
        long start = p.ms() * scale / MS_PER_SECOND;
        long end = nextMs * scale / MS_PER_SECOND;
        Mp4Sample sample = new Mp4Sample(p.track().id(), start, (int) Math.max(0, end - start), p.compositionOffset(),
                p.sync(), p.data(), p.offset(), p.length());
        // AV1 in MP4 stores no temporal delimiters (AV1-ISOBMFF 2.4); FFmpeg's FLV frames carry them.
        return p.track().sampleEntry().equals(Mp4Track.AV1) ? Fmp4.withoutTemporalDelimiter(sample) : sample;
    }

    /**
     * Ends the part at {@code ms} (the time of the frame that opens the next one), and the segment
     * too if {@code segment}.
     */
    private void flush(long ms, boolean segment) {
        if (!part.isEmpty() && partStartMs >= 0) {
            out.part(packager.fragment(fragmentSequence++, List.copyOf(part)), (ms - partStartMs) / 1000.0,
                    partIndependent, segment);
            part.clear();
        } else if (segment) {
            out.endSegment();
        }
        if (segment) {
            segmentStartMs = -1;
        }
        partStartMs = -1;
    }

    /** The publisher left: what is held goes out, each last sample given a nominal length. */
    void finish() {
        if (tracks == null) {
            return;
        }
        long end = nowMs + LAST_SAMPLE_MS;
        for (int id = VIDEO_TRACK; id <= AUDIO_TRACK; id++) {
            complete(id, end);
        }
        flush(end, true);
    }

    /** For tests: the track layout in force. */
    Map<String, Integer> trackIds() {
        return tracks == null ? Map.of() : tracks.stream().collect(Collectors.toMap(Mp4Track::sampleEntry,
                Mp4Track::id));
    }
}
