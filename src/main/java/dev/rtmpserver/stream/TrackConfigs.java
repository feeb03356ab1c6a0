package dev.rtmpserver.stream;

import dev.rtmpserver.wire.media.TrackIds;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest sequence header of every audio and video track of a stream. A joiner needs all of
 * them, not just the last one of each kind: an Enhanced RTMP multitrack publisher sends one per
 * track, and a decoder given only the last cannot set up the other tracks.
 *
 * <p>Not thread-safe: its owner guards it.
 */
public final class TrackConfigs {
    private record Track(MediaFrame.Kind kind, int id) {
    }

    /** In the order the tracks last changed, so that replaying the values keeps each track's latest. */
    private final Map<Track, MediaFrame> latest = new LinkedHashMap<>();

    /** Remembers a sequence header (audio or video config frame) for each track it carries. */
    public void put(MediaFrame config) {
        int[] ids = switch (config.kind()) {
            case VIDEO -> TrackIds.video(config.payload());
            case AUDIO -> TrackIds.audio(config.payload());
            case DATA -> throw new IllegalArgumentException("not a sequence header: " + config);
        };
        for (int id : ids) {
            Track track = new Track(config.kind(), id);
            // Removed first so the track moves to the end: a newer header replays after older ones.
            latest.remove(track);
            latest.put(track, config);
        }
    }

    /** Every header a joiner needs, once each: video before audio, as publishers send them, each oldest first. */
    @SuppressWarnings("ReferenceEquality") // one message may configure several tracks: sent once
    public List<MediaFrame> frames() {
        List<MediaFrame> frames = new ArrayList<>(latest.size());
        for (MediaFrame.Kind kind : new MediaFrame.Kind[] {MediaFrame.Kind.VIDEO, MediaFrame.Kind.AUDIO}) {
            latest.forEach((track, frame) -> {
                boolean seen = false;
                for (MediaFrame f : frames) {
                    seen |= f == frame;
                }
                if (track.kind() == kind && !seen) {
                    frames.add(frame);
                }
            });
        }
        return frames;
    }

    /** The sequence header of each track of one kind, by track id, lowest first. */
    public List<TrackConfig> tracks(MediaFrame.Kind kind) {
        List<TrackConfig> tracks = new ArrayList<>();
        latest.forEach((track, frame) -> {
            if (track.kind() == kind) {
                tracks.add(new TrackConfig(track.id(), frame.payload()));
            }
        });
        tracks.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return tracks;
    }

    /** The sequence header of one kind's main track: the default track, or else the lowest id. */
    public MediaFrame main(MediaFrame.Kind kind) {
        MediaFrame main = null;
        int mainId = Integer.MAX_VALUE;
        for (Map.Entry<Track, MediaFrame> e : latest.entrySet()) {
            if (e.getKey().kind() == kind && e.getKey().id() < mainId) {
                main = e.getValue();
                mainId = e.getKey().id();
            }
        }
        return main;
    }

    public void clear() {
        latest.clear();
    }

    /**
     * One track's latest sequence header.
     *
     * @param id      the Enhanced RTMP track id, 0 for the default track
     * @param payload the whole message payload; with several tracks in one message, theirs too
     */
    public record TrackConfig(int id, byte[] payload) {
    }
}
