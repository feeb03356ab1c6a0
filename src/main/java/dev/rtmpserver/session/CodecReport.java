package dev.rtmpserver.session;

import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.wire.amf.AmfEcmaArray;
import dev.rtmpserver.wire.media.CodecSummary;
import org.tinylog.Logger;

import java.util.Arrays;
import java.util.Map;

/**
 * Logs a publish's codecs: once when each sequence header first arrives, and again only if the
 * publisher changes it. Where the H.264 stream carries no timing, the frame rate the publisher
 * declared in its metadata is added.
 */
final class CodecReport {
    private byte[] videoConfig;
    private byte[] audioConfig;
    private Double declaredFrameRate;

    void onVideoConfig(StreamKey key, byte[] payload) {
        if (Arrays.equals(payload, videoConfig)) {
            return;
        }
        videoConfig = payload;
        String line = CodecSummary.video(payload);
        if (!line.endsWith("fps") && declaredFrameRate != null) {
            line += String.format(" %.3g fps (declared)", declaredFrameRate);
        }
        Logger.info("{}: {}", key, line);
    }

    void onAudioConfig(StreamKey key, byte[] payload) {
        if (Arrays.equals(payload, audioConfig)) {
            return;
        }
        audioConfig = payload;
        Logger.info("{}: {}", key, CodecSummary.audio(payload));
    }

    void onMetadata(Object properties) {
        Map<?, ?> map = properties instanceof AmfEcmaArray a ? a.entries()
                : properties instanceof Map<?, ?> m ? m : Map.of();
        if (map.get("framerate") instanceof Double fps && fps > 0) {
            declaredFrameRate = fps;
        }
    }
}
