package dev.rtmpserver.it;

import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.flv.FlvReader;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.media.AacConfig;
import dev.rtmpserver.wire.media.Av1CodecConfig;
import dev.rtmpserver.wire.media.AudioCodec;
import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.AvcDecoderConfig;
import dev.rtmpserver.wire.media.HevcDecoderConfig;
import dev.rtmpserver.wire.media.OpusHead;
import dev.rtmpserver.wire.media.SpsInfo;
import dev.rtmpserver.wire.media.VideoCodec;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.media.Vp9FrameSize;
import dev.rtmpserver.wire.mp4.Fmp4;
import dev.rtmpserver.wire.mp4.Mp4Sample;
import dev.rtmpserver.wire.mp4.Mp4Track;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fragmented MP4 muxer checked by real demuxers and decoders: FFmpeg encodes an FLV file, the
 * test turns its tags into an init segment and one fragment per keyframe interval, as an HLS
 * segmenter would, and FFmpeg must read the concatenation as the same streams and decode every
 * frame without an error; so must headless Chromium through Media Source Extensions, which is how
 * hls.js plays, for the codecs it decodes.
 */
@Timeout(180)
class Fmp4IT {
    private static final int SECONDS = 3;
    private static final int FRAMES = 25 * SECONDS;
    private static final int VIDEO_TRACK = 1;
    private static final int AUDIO_TRACK = 2;
    private static final int AAC_FRAME_SAMPLES = 1024;
    /** libopus's default frame, 20 ms at 48 kHz. */
    private static final int OPUS_FRAME_SAMPLES = 960;
    /** SoundFormat 9 announces an Enhanced RTMP audio header, whose low nibble is the packet type. */
    private static final int AUDIO_EX_HEADER = 9;
    private static final int AUDIO_PACKET_CODED_FRAMES = 1;
    private static final int MILLIS_PER_SECOND = 1000;

    @TempDir
    Path dir;

    @Test
    void ffmpeg51AndChromiumReadH264AndAacFragmentsAsTheStreamsEncodedAndDecodeThemCleanly() throws Exception {
        Path flv = dir.resolve("h264-aac.flv");
        Tools.output(Duration.ofSeconds(60), "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine",
                "-t", String.valueOf(SECONDS), "-c:v", "libx264", "-g", "25", "-c:a", "aac", "-f", "flv",
                flv.toString());
        Path mp4 = dir.resolve("h264-aac.mp4");
        Muxed muxed = toFragmentedMp4(flv);
        Files.write(mp4, muxed.mp4());

        String streams = Tools.output(Duration.ofSeconds(30), "ffprobe", "-v", "error", "-show_entries",
                "stream=codec_name,width,height", "-of", "csv=p=0", mp4.toString());
        assertEquals(List.of("h264,320,240", "aac"), lines(streams));
        String frames = Tools.output(Duration.ofSeconds(30), "ffprobe", "-v", "error", "-select_streams", "v:0",
                "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", mp4.toString());
        assertEquals(String.valueOf(FRAMES), frames.strip());
        assertEquals(SECONDS, Tools.durationSeconds(mp4), 0.1);
        assertEquals("", Tools.decodeErrors(mp4));
        assertPlaysInChromium(muxed);

        // A player joining late gets the init segment and then the latest fragments only.
        Path lateJoin = dir.resolve("h264-aac-late.mp4");
        Files.write(lateJoin, muxed.from(muxed.fragments().size() - 1));
        String lateFrames = Tools.output(Duration.ofSeconds(30), "ffprobe", "-v", "error", "-select_streams", "v:0",
                "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", lateJoin.toString());
        assertEquals(String.valueOf(FRAMES / SECONDS), lateFrames.strip());
        assertEquals("", Tools.decodeErrors(lateJoin));
    }

    static Stream<Arguments> enhancedCodecs() {
        return Stream.of(
                // Chromium on Linux has HEVC only through a hardware decoder, which this one lacks.
                codecs("hevc-opus", List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params",
                        "log-level=error", "-c:a", "libopus"), false, "hevc,320,240", "opus"),
                codecs("av1-aac", List.of("-c:v", "libsvtav1", "-preset", "12", "-svtav1-params", "lp=2",
                        "-c:a", "aac"), true, "av1,320,240", "aac"),
                codecs("vp9-opus", List.of("-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                        "-c:a", "libopus"), true, "vp9,320,240", "opus"));
    }

    private static Arguments codecs(String name, List<String> encode, boolean chromiumDecodes, String... streams) {
        return Arguments.of(Named.of(name, name), encode, chromiumDecodes, List.of(streams));
    }

    /** FFmpeg 8 writes Enhanced RTMP tags into FLV and reads back what Debian's 5.1 cannot. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("enhancedCodecs")
    void ffmpeg8AndChromiumReadEnhancedCodecFragmentsAsTheStreamsEncodedAndDecodeThemCleanly(
            String name, List<String> encode, boolean chromiumDecodes, List<String> streams) throws Exception {
        Path flv = dir.resolve(name + ".flv");
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-loglevel", "error", "-nostdin",
                "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(SECONDS), "-pix_fmt", "yuv420p",
                "-g", "25"));
        args.addAll(encode);
        args.addAll(List.of("-f", "flv", flv.toString()));
        Ffmpeg8.output("ffmpeg", args.toArray(String[]::new));
        Path mp4 = dir.resolve(name + ".mp4");
        Muxed muxed = toFragmentedMp4(flv);
        Files.write(mp4, muxed.mp4());

        assertEquals(streams, Ffmpeg8.probeStreams(mp4));
        String frames = Ffmpeg8.output("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", mp4.toString());
        assertEquals(String.valueOf(FRAMES), frames.strip());
        assertEquals("", Ffmpeg8.decodeErrors(mp4));
        if (chromiumDecodes) {
            assertPlaysInChromium(muxed);
        }
    }

    /**
     * Plays the file through Media Source Extensions as hls.js would, announcing the CODECS value:
     * one buffered range of about the seconds encoded, every frame decoded at the encoded size, and
     * the end reached without a media error.
     */
    private void assertPlaysInChromium(Muxed muxed) throws Exception {
        String script = """
                (async () => {
                  const mime = 'video/mp4; codecs="CODECS"';
                  if (!MediaSource.isTypeSupported(mime)) return 'not supported: ' + mime;
                  const bytes = Uint8Array.from(atob('BASE64'), c => c.charCodeAt(0));
                  const video = document.createElement('video');
                  video.muted = true;
                  document.body.appendChild(video);
                  const source = new MediaSource();
                  video.src = URL.createObjectURL(source);
                  await new Promise(r => source.addEventListener('sourceopen', r, {once: true}));
                  const buffer = source.addSourceBuffer(mime);
                  const appended = await new Promise(r => {
                    buffer.addEventListener('updateend', () => r(true), {once: true});
                    buffer.addEventListener('error', () => r(false), {once: true});
                    buffer.appendBuffer(bytes);
                  });
                  if (!appended) return 'append failed: ' + (video.error ? video.error.message : '');
                  source.endOfStream();
                  const ranges = [];
                  for (let i = 0; i < video.buffered.length; i++) {
                    ranges.push(video.buffered.start(i).toFixed(2) + '-' + video.buffered.end(i).toFixed(2));
                  }
                  const ended = new Promise(r => { video.onended = r; video.onerror = r; });
                  await video.play();
                  await ended;
                  return 'buffered ' + ranges.join(' ') + ', ' + video.videoWidth + 'x' + video.videoHeight
                      + ', frames ' + video.getVideoPlaybackQuality().totalVideoFrames
                      + (video.error ? ', error ' + video.error.message : '');
                })()
                """.replace("CODECS", muxed.codecs())
                .replace("BASE64", Base64.getEncoder().encodeToString(muxed.mp4()));
        String played;
        try (Browser browser = Browser.open(dir.resolve("chromium"), "about:blank", 640, 480)) {
            played = browser.evaluate(script);
        }
        assertTrue(played.matches("buffered 0\\.\\d\\d-" + SECONDS + "\\.\\d\\d, 320x240, frames " + FRAMES), played);
    }

    private static List<String> lines(String out) {
        return Arrays.stream(out.strip().split("\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** An init segment, its fragments, and the CODECS value a playlist would give them. */
    private record Muxed(byte[] init, List<byte[]> fragments, String codecs) {
        /** The init segment followed by the fragments from {@code first} on, as one file. */
        byte[] from(int first) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(init);
            fragments.subList(first, fragments.size()).forEach(out::writeBytes);
            return out.toByteArray();
        }

        byte[] mp4() {
            return from(0);
        }
    }

    /** A sample before its duration is known from the next one; times in its track's timescale. */
    private record Frame(long decodeTime, int compositionOffset, boolean sync, byte[] payload, int offset,
                         long millis) {
    }

    /**
     * The FLV's video track and audio track as an init segment followed by one fragment per
     * keyframe interval, each holding that interval's video and the audio timed within it.
     */
    private static Muxed toFragmentedMp4(Path flv) throws IOException {
        VideoCodec videoCodec = null;
        byte[] videoConfig = null;
        Mp4Track audio = null;
        List<Frame> videoFrames = new ArrayList<>();
        List<Frame> audioFrames = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(flv)) {
            FlvReader reader = FlvReader.open(channel);
            for (FlvTag tag = reader.next(); tag != null; tag = reader.next()) {
                byte[] p = tag.payload();
                long millis = Integer.toUnsignedLong(tag.timestamp());
                if (tag.type() == FlvTag.VIDEO) {
                    VideoTag v = VideoTag.parse(p);
                    if (v.sequenceHeader()) {
                        videoCodec = v.codec();
                        videoConfig = Arrays.copyOfRange(p, v.dataOffset(), p.length);
                    } else if (!v.endOfSequence() && v.frameType() != VideoTag.FRAME_TYPE_COMMAND) {
                        long ticks = millis * Mp4Track.VIDEO_TIMESCALE / MILLIS_PER_SECOND;
                        int offset = v.compositionTime() * Mp4Track.VIDEO_TIMESCALE / MILLIS_PER_SECOND;
                        videoFrames.add(new Frame(ticks, offset, v.keyframe(), p, v.dataOffset(), millis));
                    }
                } else if (tag.type() == FlvTag.AUDIO) {
                    AudioTag a = AudioTag.parse(p);
                    if (a.sequenceHeader()) {
                        audio = audioTrack(a.codec(), Arrays.copyOfRange(p, a.dataOffset(), p.length));
                    } else if (audio != null && isCodedAudio(p)) {
                        long ticks = millis * audio.timescale() / MILLIS_PER_SECOND;
                        audioFrames.add(new Frame(ticks, 0, true, p, a.dataOffset(), millis));
                    }
                }
            }
        }
        if (videoConfig == null || audio == null || videoFrames.isEmpty()) {
            throw new IOException(flv + " lacks a video or audio sequence header, or video frames");
        }
        Mp4Track video = videoTrack(videoCodec, videoConfig, videoFrames.get(0).payload());
        List<Mp4Sample> videoSamples = samples(VIDEO_TRACK, videoFrames, 0);
        if (video.sampleEntry().equals(Mp4Track.AV1)) {
            videoSamples = videoSamples.stream().map(Fmp4::withoutTemporalDelimiter).toList();
        }
        // Audio frames have fixed lengths, which the FLV's millisecond times would round unevenly.
        List<Mp4Sample> audioSamples = samples(AUDIO_TRACK, audioFrames,
                audio.sampleEntry().equals(Mp4Track.AAC) ? AAC_FRAME_SAMPLES : OPUS_FRAME_SAMPLES);

        List<byte[]> fragments = new ArrayList<>();
        int sequenceNumber = 1;
        int a = 0;
        for (int v = 0; v < videoSamples.size(); ) {
            int end = v + 1;
            while (end < videoSamples.size() && !videoSamples.get(end).sync()) {
                end++;
            }
            long endMillis = end < videoFrames.size() ? videoFrames.get(end).millis() : Long.MAX_VALUE;
            List<Mp4Sample> fragment = new ArrayList<>(videoSamples.subList(v, end));
            while (a < audioSamples.size() && audioFrames.get(a).millis() < endMillis) {
                fragment.add(audioSamples.get(a++));
            }
            fragments.add(Fmp4.fragment(sequenceNumber++, fragment));
            v = end;
        }
        return new Muxed(Fmp4.initSegment(List.of(video, audio)), fragments,
                Fmp4.codecs(video) + "," + Fmp4.codecs(audio));
    }

    /**
     * Legacy AAC frames are all that is not a sequence header; FFmpeg 8 also sends Enhanced RTMP
     * packets such as MultichannelConfig, which carry no audio.
     */
    private static boolean isCodedAudio(byte[] payload) {
        return (payload[0] & 0xFF) >>> 4 != AUDIO_EX_HEADER || (payload[0] & 0x0F) == AUDIO_PACKET_CODED_FRAMES;
    }

    /**
     * Each frame lasts until the next one starts, the last as long as the one before it; with
     * {@code fixedDuration} above 0 every frame lasts that long, counted from the first.
     */
    private static List<Mp4Sample> samples(int trackId, List<Frame> frames, int fixedDuration) {
        List<Mp4Sample> samples = new ArrayList<>();
        long start = frames.get(0).decodeTime();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            long decodeTime;
            int duration;
            if (fixedDuration > 0) {
                decodeTime = start + (long) i * fixedDuration;
                duration = fixedDuration;
            } else {
                decodeTime = f.decodeTime();
                duration = i + 1 < frames.size()
                        ? (int) (frames.get(i + 1).decodeTime() - decodeTime)
                        : samples.get(i - 1).duration();
            }
            samples.add(new Mp4Sample(trackId, decodeTime, duration, f.compositionOffset(), f.sync(), f.payload(),
                    f.offset(), f.payload().length - f.offset()));
        }
        return samples;
    }

    /** The picture size comes from the configuration, but for VP9, whose size is in its first keyframe. */
    private static Mp4Track videoTrack(VideoCodec codec, byte[] config, byte[] firstFrame) throws ProtocolException {
        return switch (codec) {
            case AVC -> {
                byte[] sps = AvcDecoderConfig.parse(config, 0, config.length).sps().get(0);
                SpsInfo info = SpsInfo.parse(sps, 0, sps.length);
                yield Mp4Track.avc(VIDEO_TRACK, config, info.width(), info.height());
            }
            case HEVC -> {
                HevcDecoderConfig hevc = HevcDecoderConfig.parse(config, 0, config.length);
                yield new Mp4Track(VIDEO_TRACK, true, Mp4Track.HEVC, Mp4Track.VIDEO_TIMESCALE, config, hevc.width(),
                        hevc.height(), 0, 0);
            }
            case AV1 -> {
                Av1CodecConfig av1 = Av1CodecConfig.parse(config, 0, config.length);
                yield new Mp4Track(VIDEO_TRACK, true, Mp4Track.AV1, Mp4Track.VIDEO_TIMESCALE, config, av1.width(),
                        av1.height(), 0, 0);
            }
            case VP9 -> {
                Vp9FrameSize size = Vp9FrameSize.ofMessage(firstFrame);
                if (size == null) {
                    throw new ProtocolException("the first VP9 frame is not a keyframe with a readable size");
                }
                yield new Mp4Track(VIDEO_TRACK, true, Mp4Track.VP9, Mp4Track.VIDEO_TIMESCALE, config, size.width(),
                        size.height(), 0, 0);
            }
            default -> throw new ProtocolException("no MP4 sample entry for " + codec);
        };
    }

    private static Mp4Track audioTrack(AudioCodec codec, byte[] config) throws ProtocolException {
        return switch (codec) {
            case AAC -> {
                AacConfig aac = AacConfig.parse(config, 0, config.length);
                yield Mp4Track.aac(AUDIO_TRACK, config, aac.channels(), aac.sampleRate());
            }
            case OPUS -> new Mp4Track(AUDIO_TRACK, false, Mp4Track.OPUS, Mp4Track.OPUS_SAMPLE_RATE, config, 0, 0,
                    OpusHead.parse(config, 0, config.length).channels(), Mp4Track.OPUS_SAMPLE_RATE);
            default -> throw new ProtocolException("no MP4 sample entry for " + codec);
        };
    }
}
