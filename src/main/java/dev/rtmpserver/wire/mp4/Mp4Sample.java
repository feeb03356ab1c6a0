package dev.rtmpserver.wire.mp4;

import java.util.Objects;

/**
 * One media sample of a {@link Fmp4#fragment fragment}: an access unit of video (length-prefixed
 * NAL units for H.264 and HEVC, OBUs for AV1, a frame for VP9) or a raw audio frame (an AAC
 * frame without ADTS header, an Opus packet).
 *
 * <p>The record does not copy {@code data}: samples are views into frames that are already held
 * once for every subscriber.
 *
 * @param trackId           the {@link Mp4Track#id} the sample belongs to
 * @param decodeTime        decode time in the track's timescale
 * @param duration          ticks until the track's next sample is decoded
 * @param compositionOffset presentation time minus decode time, in ticks; negative is allowed
 * @param sync              a random access point: a keyframe, or any audio frame
 * @param data              holds the sample's bytes
 * @param offset            where in {@code data} they start
 * @param length            how many there are
 */
public record Mp4Sample(int trackId, long decodeTime, int duration, int compositionOffset, boolean sync,
                        byte[] data, int offset, int length) {

    /**
     * @throws IllegalArgumentException if the track id, a time or the duration is out of range, or
     *                                  the bytes do not lie inside {@code data}
     */
    public Mp4Sample {
        Objects.requireNonNull(data, "data");
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new IllegalArgumentException(length + " bytes from " + offset + " do not lie inside " + data.length);
        }
        if (trackId < 1) {
            throw new IllegalArgumentException("track ids start at 1, not " + trackId);
        }
        if (decodeTime < 0 || duration < 0) {
            throw new IllegalArgumentException("decode time and duration cannot be negative: " + decodeTime + ", "
                    + duration);
        }
    }

    /** A sample that is all of {@code data}. */
    public Mp4Sample(int trackId, long decodeTime, int duration, int compositionOffset, boolean sync, byte[] data) {
        this(trackId, decodeTime, duration, compositionOffset, sync, data, 0, data.length);
    }

    /** Sizes rather than bytes: a frame printed in full would bury a failure message. */
    @Override
    public String toString() {
        return "Mp4Sample[track=" + trackId + ", decodeTime=" + decodeTime + ", duration=" + duration
                + ", compositionOffset=" + compositionOffset + (sync ? ", sync" : "") + ", " + length + " bytes]";
    }
}
