package dev.rtmpserver.wire.flv;

import dev.rtmpserver.wire.media.AudioTag;
import dev.rtmpserver.wire.media.TrackIds;
import dev.rtmpserver.wire.media.VideoTag;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where playback of an FLV file can start, found by one pass over it. To play from time T, send
 * the metadata and the sequence headers of {@link #floor floor(T)}, then every tag from its
 * position on: a decoder needs its configuration and a keyframe before anything else.
 *
 * <p>Seek points are video keyframes. A file with no video keyframe (audio only) gets seek points
 * on audio frames instead, at most one per {@link #AUDIO_SEEK_INTERVAL_MS}, since any audio frame
 * decodes on its own once the decoder is configured.
 */
public final class KeyframeIndex {
    /** A position that is absent, such as the sequence header of a track the file does not have. */
    public static final long NONE = -1;
    /** Finer than a player's seek bar needs, and at most 3600 entries per hour of audio. */
    public static final int AUDIO_SEEK_INTERVAL_MS = 1000;
    /**
     * Tags are classified by their first bytes, so the scan skips the frames themselves. The
     * headers it reads are a few bytes long; only a ModEx chain longer than this could hide a
     * keyframe, and then that keyframe is merely not a seek point.
     */
    static final int CLASSIFY_BYTES = 64;

    /**
     * One place playback can start.
     *
     * @param timestamp           the keyframe's time in milliseconds
     * @param position            the file position of its tag
     * @param videoSequenceHeader the position of the last video sequence header before it, or {@link #NONE}
     * @param audioSequenceHeader the position of the last audio sequence header before it, or {@link #NONE}
     * @param trackSequenceHeaders the positions of the last sequence header before it of each other
     *                            Enhanced RTMP track (multitrack), in file order; empty for most files
     */
    public record Entry(int timestamp, long position, long videoSequenceHeader, long audioSequenceHeader,
                        List<Long> trackSequenceHeaders) {
        public Entry {
            trackSequenceHeaders = List.copyOf(trackSequenceHeaders);
        }

        public Entry(int timestamp, long position, long videoSequenceHeader, long audioSequenceHeader) {
            this(timestamp, position, videoSequenceHeader, audioSequenceHeader, List.of());
        }

        /** Every sequence header position to send before {@link #position}, in file order. */
        public List<Long> sequenceHeaders() {
            List<Long> all = new ArrayList<>(trackSequenceHeaders);
            for (long at : new long[] {videoSequenceHeader, audioSequenceHeader}) {
                if (at != NONE) {
                    all.add(at);
                }
            }
            all.sort(null);
            return all;
        }
    }

    private final List<Entry> entries;
    private final long metadata;
    private final int lastTimestamp;
    private final long end;

    private KeyframeIndex(List<Entry> entries, long metadata, int lastTimestamp, long end) {
        this.entries = List.copyOf(entries);
        this.metadata = metadata;
        this.lastTimestamp = lastTimestamp;
        this.end = end;
    }

    /**
     * Reads the whole file once. An incomplete last tag ends the scan as it ends {@link
     * FlvReader#next}.
     *
     * <p>Seek points are kept in time order: a keyframe earlier than the last seek point (a file
     * whose clock restarted) is not one, because no time maps to it unambiguously.
     *
     * @throws dev.rtmpserver.wire.ProtocolException if the file is damaged
     */
    public static KeyframeIndex scan(SeekableByteChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        FlvReader reader = FlvReader.open(channel);
        List<Entry> keyframes = new ArrayList<>();
        List<Entry> audioPoints = new ArrayList<>();
        long metadata = NONE;
        long videoConfig = NONE;
        long audioConfig = NONE;
        // Keyed by kind and track id; in the order the tracks last changed.
        Map<Integer, Long> trackConfigs = new LinkedHashMap<>();
        List<Long> trackPositions = List.of();
        int lastTimestamp = 0;
        while (true) {
            long position = reader.position();
            FlvTag tag = reader.next(CLASSIFY_BYTES);
            if (tag == null) {
                break;
            }
            if (Integer.compareUnsigned(tag.timestamp(), lastTimestamp) > 0) {
                lastTimestamp = tag.timestamp();
            }
            switch (tag.type()) {
                case FlvTag.VIDEO -> {
                    VideoTag video = VideoTag.parse(tag.payload());
                    boolean defaultTrack = TrackIds.isDefaultVideoTrack(tag.payload());
                    if (video.sequenceHeader() && defaultTrack) {
                        videoConfig = position;
                    } else if (video.sequenceHeader()) {
                        trackPositions = otherTrack(trackConfigs, FlvTag.VIDEO, TrackIds.video(tag.payload()),
                                position);
                    } else if (video.keyframe() && !video.endOfSequence() && defaultTrack) {
                        addInOrder(keyframes, new Entry(tag.timestamp(), position, videoConfig, audioConfig,
                                trackPositions), 0);
                    }
                }
                case FlvTag.AUDIO -> {
                    if (AudioTag.parse(tag.payload()).sequenceHeader()) {
                        int[] tracks = TrackIds.audio(tag.payload());
                        if (tracks.length == 1 && tracks[0] == TrackIds.DEFAULT_TRACK) {
                            audioConfig = position;
                        } else {
                            trackPositions = otherTrack(trackConfigs, FlvTag.AUDIO, tracks, position);
                        }
                    } else {
                        addInOrder(audioPoints, new Entry(tag.timestamp(), position, videoConfig, audioConfig,
                                trackPositions), AUDIO_SEEK_INTERVAL_MS);
                    }
                }
                default -> {
                    if (metadata == NONE && Metadata.isOnMetaData(tag.payload())) {
                        metadata = position;
                    }
                }
            }
        }
        return new KeyframeIndex(keyframes.isEmpty() ? audioPoints : keyframes, metadata, lastTimestamp,
                reader.position());
    }

    /**
     * Records the sequence header at {@code position} for tracks other than the default one.
     *
     * @return the positions of every such track's latest header, in file order
     */
    private static List<Long> otherTrack(Map<Integer, Long> trackConfigs, int type, int[] tracks, long position) {
        for (int track : tracks) {
            trackConfigs.put((type << Byte.SIZE) | track, position);
        }
        return trackConfigs.values().stream().distinct().sorted().toList();
    }

    /** Adds {@code entry} if it is at least {@code minGap} ms after the last entry. */
    private static void addInOrder(List<Entry> entries, Entry entry, int minGap) {
        if (!entries.isEmpty()) {
            long last = Integer.toUnsignedLong(entries.getLast().timestamp());
            if (Integer.toUnsignedLong(entry.timestamp()) - last < minGap) {
                return;
            }
        }
        entries.add(entry);
    }

    /** The seek points in file order, which is also time order. */
    public List<Entry> entries() {
        return entries;
    }

    /**
     * The last seek point at or before {@code timestampMs}, compared as unsigned milliseconds; of
     * several with the same time, the last in the file, the one nearest to the requested time.
     *
     * @return the entry, or null if there is none that early (or none at all)
     */
    public Entry floor(int timestampMs) {
        int low = 0;
        int high = entries.size() - 1;
        Entry found = null;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Entry e = entries.get(mid);
            if (Integer.compareUnsigned(e.timestamp(), timestampMs) <= 0) {
                found = e;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** The position of the first onMetaData tag, or {@link #NONE}. */
    public long metadata() {
        return metadata;
    }

    /**
     * The latest timestamp of any complete tag, 0 for a file without tags: the file's duration
     * give or take its last frame.
     */
    public int lastTimestamp() {
        return lastTimestamp;
    }

    /**
     * The position just after the last complete tag: the file's size unless it ends with an
     * incomplete tag, where a recovered recording can be cut back to.
     */
    public long end() {
        return end;
    }
}
