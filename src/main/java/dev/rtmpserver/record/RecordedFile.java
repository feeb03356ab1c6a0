package dev.rtmpserver.record;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A recording file that is complete and closed: at the end of its stream, at a segment split, or at
 * shutdown.
 *
 * @param path     the file, absolute
 * @param file     its path inside the record directory, with {@code /} separators, as played back
 *                 under {@code /vod/}
 * @param duration media time in the file
 * @param video    the video codec's name, such as {@code H.264}; empty if the file has no video
 * @param audio    the audio codec's name, such as {@code AAC}; empty if the file has no audio
 */
public record RecordedFile(String app, String name, Path path, String file, Duration duration, long size,
                           String video, String audio) {
}
