package dev.rtmpserver.record;

import dev.rtmpserver.wire.flv.FlvHeader;
import dev.rtmpserver.wire.flv.FlvTag;
import dev.rtmpserver.wire.flv.Metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recordings on disk: every {@code APP/*.flv} directly under the record directory, which is
 * where {@link RecordFiles} puts them. Listing reads the two directory levels and each file's
 * attributes, and of the files themselves only the first couple of kilobytes (the onMetaData) of
 * those on the page it returns, so it stays fast with thousands of files.
 */
public final class RecordingIndex {
    /** What {@link RecordFiles#create} names a file: the stream, its UTC start, maybe a number. */
    private static final Pattern NAME = Pattern.compile("(.+)-(\\d{8}-\\d{6})(?:-\\d+)?\\.flv");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /**
     * The recorder's onMetaData is about 1.5 KB; other writers add keyframe tables that can run to
     * megabytes, which a listing does not read.
     */
    private static final int MAX_METADATA_BYTES = 16 * 1024;
    private static final int TAG_START = (int) FlvHeader.FIRST_TAG_POSITION;

    private final RecordFiles files;

    public RecordingIndex(RecordFiles files) {
        this.files = files;
    }

    /**
     * One recording.
     *
     * @param file      its path relative to the record directory, with forward slashes
     * @param stream    the stream name as the file name has it (reduced to safe characters)
     * @param startedAt from the file name, or its modification time for a file named otherwise
     * @param duration  seconds, from its onMetaData; empty where unknown or not read
     * @param recording whether a recorder is still writing it
     */
    public record Recording(String file, String app, String stream, Instant startedAt, long size, Instant modified,
                            OptionalDouble duration, boolean recording) {
    }

    /**
     * Which recordings to list; empty means any.
     *
     * @param from the earliest start, inclusive
     * @param to   the latest start, exclusive
     */
    public record Filter(Optional<String> app, Optional<String> stream, Optional<Instant> from, Optional<Instant> to) {
        public static final Filter ALL = new Filter(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());

        boolean admits(Instant startedAt) {
            return from.map(f -> !startedAt.isBefore(f)).orElse(true) && to.map(startedAt::isBefore).orElse(true);
        }
    }

    /** A page of the recordings that match, newest first, and how many match in all. */
    public record Page(int total, List<Recording> recordings) {
    }

    /**
     * The recordings that pass {@code filter}, newest first (by start, then by modification
     * time), from {@code offset} on, at most {@code limit} of them; only these get their duration
     * read. Files that vanish meanwhile are left out.
     *
     * @throws IOException if the record directory cannot be read
     */
    public Page list(Filter filter, int offset, int limit) throws IOException {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        List<Recording> found = new ArrayList<>();
        try (DirectoryStream<Path> apps = Files.newDirectoryStream(files.root())) {
            for (Path appDir : apps) {
                String app = appDir.getFileName().toString();
                if (filter.app().map(app::equals).orElse(true) && isDirectory(appDir)) {
                    listApp(appDir, app, filter, found);
                }
            }
        }
        found.sort(Comparator.comparing(Recording::startedAt).thenComparing(Recording::modified).reversed()
                .thenComparing(Recording::file));
        List<Recording> page = new ArrayList<>();
        for (int i = offset; i < found.size() && page.size() < limit; i++) {
            Recording r = found.get(i);
            page.add(new Recording(r.file(), r.app(), r.stream(), r.startedAt(), r.size(), r.modified(),
                    duration(files.root().resolve(r.file())), r.recording()));
        }
        return new Page(found.size(), page);
    }

    private void listApp(Path appDir, String app, Filter filter, List<Recording> found) {
        try (DirectoryStream<Path> names = Files.newDirectoryStream(appDir, "*" + RecordFiles.EXTENSION)) {
            for (Path file : names) {
                String name = file.getFileName().toString();
                Matcher m = NAME.matcher(name);
                String stream = m.matches() ? m.group(1) : name.substring(0, name.length()
                        - RecordFiles.EXTENSION.length());
                if (!filter.stream().map(stream::equals).orElse(true)) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue;
                }
                if (!attributes.isRegularFile()) {
                    continue;
                }
                Instant modified = attributes.lastModifiedTime().toInstant();
                Instant startedAt = m.matches() ? stamp(m.group(2)).orElse(modified) : modified;
                startedAt = startedAt.truncatedTo(ChronoUnit.SECONDS);
                if (filter.admits(startedAt)) {
                    found.add(new Recording(app + "/" + name, app, stream, startedAt, attributes.size(), modified,
                            OptionalDouble.empty(), files.isOpen(file)));
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // Removed or made unreadable since the outer listing saw it: nothing of it to list.
        }
    }

    private static boolean isDirectory(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }

    /** Digits that look like a stamp may still not be a date (month 13); then the file's time is used. */
    private static Optional<Instant> stamp(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text, STAMP).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The duration the file's onMetaData declares, if its first tag is a small onMetaData with a
     * finite, non-negative duration. While recording, the recorder rewrites it every 2 s.
     */
    static OptionalDouble duration(Path file) {
        try (FileChannel channel = FileChannel.open(file)) {
            byte[] head = new byte[TAG_START + FlvTag.HEADER_BYTES];
            if (read(channel, 0, head) < head.length) {
                return OptionalDouble.empty();
            }
            FlvHeader.decode(Arrays.copyOf(head, FlvHeader.LENGTH));
            int size = (head[TAG_START + 1] & 0xff) << 16 | (head[TAG_START + 2] & 0xff) << 8
                    | (head[TAG_START + 3] & 0xff);
            if (head[TAG_START] != FlvTag.SCRIPT || size > MAX_METADATA_BYTES) {
                return OptionalDouble.empty();
            }
            byte[] payload = new byte[size];
            if (read(channel, head.length, payload) < size || !Metadata.isOnMetaData(payload)) {
                return OptionalDouble.empty();
            }
            if (Metadata.decodeOnMetaData(payload).get("duration") instanceof Double d && Double.isFinite(d) && d >= 0) {
                return OptionalDouble.of(d);
            }
            return OptionalDouble.empty();
        } catch (IOException e) {
            // Unreadable, gone, or not FLV (ProtocolException): the listing shows it without a duration.
            return OptionalDouble.empty();
        }
    }

    private static int read(FileChannel channel, long position, byte[] into) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        return buffer.position();
    }
}
