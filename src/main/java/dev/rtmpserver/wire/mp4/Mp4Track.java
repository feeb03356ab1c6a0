package dev.rtmpserver.wire.mp4;

/** One track of the init segment. timescale: 90000 for video, the sample rate for AAC, 48000 for Opus. */
public record Mp4Track(int id, boolean video, String sampleEntry, int timescale, byte[] codecConfig, int width,
                       int height, int channels, int sampleRate) {
}
