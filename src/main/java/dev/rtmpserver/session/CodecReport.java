package dev.rtmpserver.session;

import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.amf.AmfEcmaArray;
import dev.rtmpserver.wire.media.CodecSummary;
import dev.rtmpserver.wire.media.TrackIds;
import dev.rtmpserver.wire.media.VideoCodec;
import dev.rtmpserver.wire.media.VideoTag;
import dev.rtmpserver.wire.media.Vp9FrameSize;
import org.tinylog.Logger;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Logs a publish's codecs: once when each sequence header first arrives, and again only if the
 * publisher changes it. Where the H.264 stream carries no timing, the frame rate the publisher
 * declared in its metadata is added.
 */
final class CodecReport {
    /** The last header logged per track, keyed like "video 0", so a multitrack publish logs each track once. */
    private final Map<String, byte[]> logged = new HashMap<>();
    private Double declaredFrameRate;
    /** A VP9 sequence start not logged yet, and its tracks. */
    private byte[] pendingVp9;
    private int[] pendingVp9Tracks;

    void onVideoConfig(StreamKey key, byte[] payload) {
        int[] tracks = TrackIds.video(payload);
        if (!changed("video", tracks, payload)) {
            return;
        }
        if (VideoTag.parse(payload).codec() == VideoCodec.VP9) {
            // Its configuration has no picture size: the line waits for the first keyframe's.
            pendingVp9 = payload;
            pendingVp9Tracks = tracks;
            return;
        }
        logVideo(key, tracks, CodecSummary.video(payload));
    }

    /** A coded video frame: completes a VP9 line that waits for its size. */
    void onVideoFrame(StreamKey key, byte[] payload) {
        if (pendingVp9 == null) {
            return;
        }
        Vp9FrameSize size = Vp9FrameSize.ofMessage(payload);
        int frameType = VideoTag.parse(payload).frameType();
        // Metadata (colour info) and command messages come between; a picture, sized or not, ends the wait.
        if (size != null || (frameType != VideoTag.FRAME_TYPE_COMMAND && frameType != 0)) {
            logVideo(key, pendingVp9Tracks, CodecSummary.video(pendingVp9, size));
            pendingVp9 = null;
        }
    }

    private void logVideo(StreamKey key, int[] tracks, String line) {
        if (!line.endsWith("fps") && declaredFrameRate != null) {
            line += String.format(" %.3g fps (declared)", declaredFrameRate);
        }
        Logger.info("{}: {}{}", key, trackLabel(tracks), line);
    }

    void onAudioConfig(StreamKey key, byte[] payload) {
        int[] tracks = TrackIds.audio(payload);
        if (!changed("audio", tracks, payload)) {
            return;
        }
        Logger.info("{}: {}{}", key, trackLabel(tracks), CodecSummary.audio(payload));
    }

    private boolean changed(String kind, int[] tracks, byte[] payload) {
        boolean changed = false;
        for (int track : tracks) {
            byte[] previous = logged.put(kind + " " + track, payload);
            changed |= !Arrays.equals(previous, payload);
        }
        return changed;
    }

    /** Nothing for the default track, which is all most streams have. */
    private static String trackLabel(int[] tracks) {
        if (tracks.length == 1 && tracks[0] == TrackIds.DEFAULT_TRACK) {
            return "";
        }
        return (tracks.length == 1 ? "track " : "tracks ")
                + Arrays.stream(tracks).mapToObj(Integer::toString).collect(Collectors.joining(",")) + ": ";
    }

    void onMetadata(Object properties) {
        Map<?, ?> map = properties instanceof AmfEcmaArray a ? a.entries()
                : properties instanceof Map<?, ?> m ? m : Map.of();
        if (map.get("framerate") instanceof Double fps && fps > 0) {
            declaredFrameRate = fps;
        }
    }
}
