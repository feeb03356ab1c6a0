package dev.rtmpserver.hls;

import dev.rtmpserver.wire.mp4.Mp4Sample;
import dev.rtmpserver.wire.mp4.Mp4Track;

import java.util.List;

/** Turns tracks and samples into bytes: fragmented MP4 in the server, something readable in tests. */
interface Packager {
    byte[] init(List<Mp4Track> tracks);

    byte[] fragment(int sequenceNumber, List<Mp4Sample> samples);

    /** The track's RFC 6381 codec string, for CODECS. */
    String codecs(Mp4Track track);
}
