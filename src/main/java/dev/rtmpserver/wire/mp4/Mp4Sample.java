package dev.rtmpserver.wire.mp4;

/** One media sample. decodeTime and duration in the track's timescale. */
public record Mp4Sample(int trackId, long decodeTime, int duration, int compositionOffset, boolean sync,
                        byte[] data, int offset, int length) {
}
