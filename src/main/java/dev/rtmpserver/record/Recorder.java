package dev.rtmpserver.record;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.stream.Sink;
import dev.rtmpserver.stream.TrackConfigs;
import dev.rtmpserver.wire.ProtocolException;
import dev.rtmpserver.wire.flv.FlvHeader;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.FlvWriter;
import dev.rtmpserver.wire.flv.Metadata;
import dev.rtmpserver.wire.media.AudioCodec;
import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.AvcDecoderConfig;
import dev.rtmpserver.wire.media.SpsInfo;
import dev.rtmpserver.wire.media.VideoCodec;
import dev.rtmpserver.wire.media.VideoTag;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records one publish of a live stream to FLV files: a {@link Sink} with its own bounded queue and
 * virtual thread, so a slow disk never touches the publisher or the players. If the disk falls
 * behind, frames are dropped until the next keyframe, and counted.
 *
 * <p>Every tag goes straight to the file, and the onMetaData at its start is rewritten every few
 * seconds, so after a crash the file plays up to within a couple of seconds of it; a clean end
 * rewrites it with the final duration and size.
 */
final class Recorder implements Sink {
    /** How often the header metadata is brought up to date while recording. */
    private static final long METADATA_REFRESH_NANOS = 2_000_000_000L;
    /** Room for the metadata to grow on rewrite (publisher's keys plus ours). */
    private static final int METADATA_RESERVE_BYTES = 1024;
    private static final Object END = new Object();

    private final LiveStream stream;
    private final RecordFiles files;
    private final RecordConfig config;
    private final Recordings owner;
    private final String name;

    /** Guards the queue, its byte count and the drop state; held only for queue operations. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean awaitingKeyframe;
    private boolean ended;
    private long dropped;

    // Only the recorder's thread touches the fields below.
    private MediaFrame metadataFrame;
    private final TrackConfigs configs = new TrackConfigs();
    private Segment segment;
    private boolean failed;
    private Thread thread;

    Recorder(LiveStream stream, RecordFiles files, RecordConfig config, Recordings owner) {
        this.stream = stream;
        this.files = files;
        this.config = config;
        this.owner = owner;
        this.name = "rec-" + stream.key();
    }

    LiveStream stream() {
        return stream;
    }

    void start() {
        thread = Threads.startVirtual(name, this::run);
    }

    @Override
    public Kind kind() {
        return Kind.RECORDER;
    }

    @Override
    public void join(List<MediaFrame> cached, boolean published) {
        for (MediaFrame frame : cached) {
            offer(frame);
        }
    }

    @Override
    public void offer(MediaFrame frame) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            if (!frame.config()) {
                boolean video = frame.kind() == MediaFrame.Kind.VIDEO;
                if ((video && awaitingKeyframe && !frame.keyframe())
                        || queuedBytes + frame.size() > config.queueBytes()) {
                    awaitingKeyframe |= video;
                    owner.counters().framesDroppedRecorderBehind.increment();
                    if (dropped++ % 100 == 0) {
                        Logger.warn("{}: disk not keeping up, {} frames dropped so far", name, dropped);
                    }
                    return;
                }
                if (video) {
                    awaitingKeyframe = false;
                }
            }
            queue.addLast(frame);
            queuedBytes += frame.size();
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onUnpublish() {
        stop();
    }

    /** Ends the recording after what is queued; later frames are ignored. Never blocks. */
    void stop() {
        lock.lock();
        try {
            if (!ended) {
                ended = true;
                queue.addLast(END);
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
        owner.ending(this);
    }

    void awaitEnd(long nanos) throws InterruptedException {
        if (thread != null) {
            thread.join(Duration.ofNanos(nanos));
        }
    }

    private void run() {
        try {
            while (true) {
                Object item = take();
                if (item == END) {
                    break;
                }
                if (!failed) {
                    record((MediaFrame) item);
                }
            }
            finishSegment();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            owner.ended(this);
        }
    }

    private Object take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                ready.await();
            }
            Object item = queue.pollFirst();
            if (item instanceof MediaFrame f) {
                queuedBytes -= f.size();
            }
            return item;
        } finally {
            lock.unlock();
        }
    }

    private void record(MediaFrame frame) {
        try {
            if (frame.config()) {
                if (frame.kind() == MediaFrame.Kind.DATA) {
                    metadataFrame = frame;
                } else {
                    configs.put(frame);
                }
                // A codec change mid-stream: the new sequence header goes into the file in order.
                if (segment != null && frame.kind() != MediaFrame.Kind.DATA) {
                    segment.write(frame);
                }
                return;
            }
            if (segment != null && frame.keyframe() && segment.isFull()) {
                finishSegment();
            }
            if (segment == null) {
                if (frame.kind() == MediaFrame.Kind.VIDEO && !frame.keyframe()) {
                    return;
                }
                segment = openSegment(frame);
            }
            segment.write(frame);
            segment.refreshMetadataIfDue();
        } catch (IOException e) {
            failed = true;
            owner.failed(this);
            Logger.error("{}: recording stopped, the live stream goes on: {}", name, e.getMessage());
            closeQuietly();
            stop();
        }
    }

    private Segment openSegment(MediaFrame first) throws IOException {
        RecordFiles.Created created = files.create(stream.key().app(), stream.key().name(),
                ZonedDateTime.now(ZoneOffset.UTC));
        boolean audio = configs.main(MediaFrame.Kind.AUDIO) != null || first.kind() == MediaFrame.Kind.AUDIO;
        boolean video = configs.main(MediaFrame.Kind.VIDEO) != null || first.kind() == MediaFrame.Kind.VIDEO;
        Segment s;
        try {
            s = new Segment(created.path(), created.channel(), first.timestamp(), audio, video);
            for (MediaFrame config : configs.frames()) {
                s.write(config);
            }
        } catch (IOException | RuntimeException e) {
            // Not yet the recorder's segment, so nobody else would close it.
            try {
                created.channel().close();
            } catch (IOException closeFailed) {
                e.addSuppressed(closeFailed);
            }
            files.closed(created.path());
            throw e;
        }
        Logger.info("{}: recording to {}", name, created.path());
        return s;
    }

    private void finishSegment() {
        if (segment == null) {
            return;
        }
        Segment s = segment;
        segment = null;
        try {
            s.finish();
            Logger.info("{}: recorded {}: {} s, {} bytes", name, s.path, String.format("%.1f", s.durationSeconds()),
                    s.writer.bytesWritten());
            owner.finished(new RecordedFile(stream.key().app(), stream.key().name(), s.path,
                    files.relative(s.path), Duration.ofMillis(s.lastTimestamp), s.writer.bytesWritten(),
                    s.videoCodec, s.audioCodec));
        } catch (IOException e) {
            owner.failed(this);
            Logger.error("{}: could not finish {}: {}", name, s.path, e.getMessage());
        }
    }

    private void closeQuietly() {
        if (segment != null) {
            try {
                segment.channel.close();
            } catch (IOException e) {
                Logger.debug(e, "{}: close failed", name);
            }
            files.closed(segment.path);
            segment = null;
        }
    }

    /** What the header's onMetaData says: the publisher's own values, then ours on top. */
    private Map<String, Object> metadata(Segment s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (metadataFrame != null) {
            try {
                Map<String, Object> declared = Metadata.decodeOnMetaData(metadataFrame.payload());
                for (String key : new String[] {"width", "height", "framerate", "videocodecid", "audiocodecid",
                        "audiosamplerate", "audiosamplesize", "stereo", "videodatarate", "audiodatarate"}) {
                    Object v = declared.get(key);
                    if (v instanceof Double || v instanceof Boolean) {
                        m.put(key, v);
                    }
                }
            } catch (ProtocolException e) {
                Logger.debug("{}: publisher metadata unreadable: {}", name, e.getMessage());
            }
        }
        fillFromSequenceHeaders(m);
        m.put("duration", s == null ? 0.0 : s.durationSeconds());
        m.put("filesize", s == null ? 0.0 : (double) s.writer.bytesWritten());
        for (String key : new String[] {"width", "height", "framerate", "videocodecid", "audiocodecid"}) {
            m.putIfAbsent(key, 0.0);
        }
        m.put("encoder", "rtmp-server");
        return m;
    }

    /** What the publisher did not declare is taken from the codec configuration itself. */
    private void fillFromSequenceHeaders(Map<String, Object> m) {
        MediaFrame videoConfig = configs.main(MediaFrame.Kind.VIDEO);
        MediaFrame audioConfig = configs.main(MediaFrame.Kind.AUDIO);
        if (videoConfig != null) {
            VideoTag tag = VideoTag.parse(videoConfig.payload());
            if (tag.codec().codecId() != VideoCodec.NO_CODEC_ID) {
                m.putIfAbsent("videocodecid", (double) tag.codec().codecId());
            }
            if (tag.codec() == VideoCodec.AVC && !(m.get("width") instanceof Double)) {
                try {
                    byte[] p = videoConfig.payload();
                    AvcDecoderConfig avc = AvcDecoderConfig.parse(p, tag.dataOffset(), p.length - tag.dataOffset());
                    if (!avc.sps().isEmpty()) {
                        byte[] sps = avc.sps().get(0);
                        SpsInfo info = SpsInfo.parse(sps, 0, sps.length);
                        m.put("width", (double) info.width());
                        m.put("height", (double) info.height());
                        if (info.frameRate() > 0) {
                            m.putIfAbsent("framerate", info.frameRate());
                        }
                    }
                } catch (ProtocolException e) {
                    Logger.debug("{}: unreadable AVC configuration: {}", name, e.getMessage());
                }
            }
        }
        if (audioConfig != null) {
            AudioTag tag = AudioTag.parse(audioConfig.payload());
            if (tag.codec().soundFormat() != AudioCodec.NO_SOUND_FORMAT) {
                m.putIfAbsent("audiocodecid", (double) tag.codec().soundFormat());
            }
        }
    }

    /** One output file. */
    private final class Segment {
        final Path path;
        final FileChannel channel;
        final FlvWriter writer;
        final int base;
        boolean audio;
        boolean video;
        /** The codecs' names, from the first frame of each kind written. */
        String videoCodec = "";
        String audioCodec = "";
        int lastTimestamp;
        final long openedNanos = System.nanoTime();
        long metadataRefreshedNanos = openedNanos;

        Segment(Path path, FileChannel channel, int base, boolean audio, boolean video) throws IOException {
            this.path = path;
            this.channel = channel;
            this.base = base;
            this.audio = audio;
            this.video = video;
            this.writer = FlvWriter.create(channel, audio, video, metadata(null), METADATA_RESERVE_BYTES);
        }

        void write(MediaFrame frame) throws IOException {
            // Files start at 0; sequence headers queued before the first frame are written at 0 too.
            int ts = Math.max(0, frame.timestamp() - base);
            lastTimestamp = Math.max(lastTimestamp, ts);
            audio |= frame.kind() == MediaFrame.Kind.AUDIO;
            video |= frame.kind() == MediaFrame.Kind.VIDEO;
            if (frame.kind() == MediaFrame.Kind.VIDEO && videoCodec.isEmpty()) {
                videoCodec = VideoTag.parse(frame.payload()).codec().displayName();
            } else if (frame.kind() == MediaFrame.Kind.AUDIO && audioCodec.isEmpty()) {
                audioCodec = AudioTag.parse(frame.payload()).codec().displayName();
            }
            writer.write(new FlvTag(frame.kind().typeId(), ts, frame.payload()));
            owner.counters().recordingBytes.add(frame.size() + FlvTag.HEADER_BYTES + FlvTag.PREVIOUS_TAG_SIZE_BYTES);
        }

        boolean isFull() {
            boolean tooLong = !config.segmentLength().isZero() && lastTimestamp >= config.segmentLength().toMillis();
            boolean tooBig = config.segmentBytes() > 0 && writer.bytesWritten() >= config.segmentBytes();
            return tooLong || tooBig;
        }

        double durationSeconds() {
            return lastTimestamp / 1000.0;
        }

        void refreshMetadataIfDue() throws IOException {
            long now = System.nanoTime();
            if (now - metadataRefreshedNanos >= METADATA_REFRESH_NANOS) {
                metadataRefreshedNanos = now;
                writer.rewriteMetadata(metadata(this));
            }
        }

        void finish() throws IOException {
            try {
                writer.rewriteMetadata(metadata(this));
                // A track that first appeared after the header was written is declared now.
                channel.write(ByteBuffer.wrap(FlvHeader.encode(audio, video)), 0);
                channel.force(true);
            } finally {
                try {
                    channel.close();
                } finally {
                    files.closed(path);
                }
            }
        }
    }
}
