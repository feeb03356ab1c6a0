package dev.rtmpserver.hls;

import dev.rtmpserver.wire.mp4.Fmp4;
import dev.rtmpserver.wire.mp4.Mp4Sample;
import dev.rtmpserver.wire.mp4.Mp4Track;

import java.util.List;

/** Fragmented MP4 (CMAF), as LL-HLS players take it. */
final class Fmp4Packager implements Packager {
    @Override
    public byte[] init(List<Mp4Track> tracks) {
        return Fmp4.initSegment(tracks);
    }

    @Override
    public byte[] fragment(int sequenceNumber, List<Mp4Sample> samples) {
        return Fmp4.fragment(sequenceNumber, samples);
    }

    @Override
    public String codecs(Mp4Track track) {
        return Fmp4.codecs(track);
    }
}
