package dev.rtmpserver.record;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps application and stream names, which come from the network, to files that can never lie
 * outside the record directory, and resolves playback paths under the same rule.
 */
public final class RecordFiles {
    /** Long enough for any sensible stream name, short enough for every file system's limit of 255. */
    static final int MAX_NAME_CHARS = 100;
    /** A name that needs more numbered variants than this is under attack, not in use. */
    private static final int MAX_SUFFIX = 1000;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    static final String EXTENSION = ".flv";

    private final Path root;
    /**
     * Files a recorder may still write. A name enters before the file is created, so whoever
     * finds the file on disk also finds it here.
     */
    private final Set<Path> open = ConcurrentHashMap.newKeySet();

    /** @param root the record directory; it is created if missing */
    public RecordFiles(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * Keeps letters, digits, '-', '_' and '.', replaces anything else (separators, NUL, control
     * characters, spaces) with '_', and never starts with a dot, so the result is one plain,
     * visible file name component.
     */
    static String safeName(String name) {
        StringBuilder sb = new StringBuilder(Math.min(name.length(), MAX_NAME_CHARS));
        for (int i = 0; i < name.length() && sb.length() < MAX_NAME_CHARS; i++) {
            char c = name.charAt(i);
            boolean plain = c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
            sb.append(plain ? c : '_');
        }
        while (!sb.isEmpty() && sb.charAt(0) == '.') {
            sb.setCharAt(0, '_');
        }
        return sb.isEmpty() ? "_" : sb.toString();
    }

    /**
     * Creates a new, empty file {@code ROOT/app/stream-yyyyMMdd-HHmmss.flv} (UTC), adding
     * {@code -1}, {@code -2}, ... rather than ever overwriting an existing file.
     */
    public Created create(String app, String stream, ZonedDateTime now) throws IOException {
        Path dir = inside(root.resolve(safeName(app)));
        Files.createDirectories(dir);
        String base = safeName(stream) + "-" + STAMP.format(now.withZoneSameInstant(ZoneOffset.UTC));
        for (int n = 0; n <= MAX_SUFFIX; n++) {
            Path file = inside(dir.resolve(base + (n == 0 ? "" : "-" + n) + EXTENSION));
            // Already there only while another recorder writes that file, which then stays open.
            boolean added = open.add(file);
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
                return new Created(file, channel);
            } catch (FileAlreadyExistsException e) {
                // Taken (same second, or a restart): try the next number.
            } finally {
                if (channel == null && added) {
                    open.remove(file);
                }
            }
        }
        throw new IOException("no free file name for " + base + " in " + dir);
    }

    /** {@code file}'s path inside the record directory, with {@code /} separators whatever the platform's. */
    public String relative(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    /** A file just created for writing; {@link #closed} once the recorder is done with it. */
    public record Created(Path path, FileChannel channel) {
    }

    /** Tells that {@code path}, which {@link #create} made, is no longer written. */
    public void closed(Path path) {
        open.remove(path);
    }

    /** Whether a recorder may still write {@code path}, a file of {@link #create} or one found under {@link #root}. */
    public boolean isOpen(Path path) {
        return open.contains(path);
    }

    /**
     * The recording a playback request names, such as {@code live/cam1-20261124-120000.flv}, if it
     * is a regular FLV file inside the record directory. Anything else (absolute paths,
     * {@code ..}, symbolic links leading out) is empty.
     */
    public Optional<Path> resolveForPlayback(String relative) {
        if (relative.isEmpty() || relative.indexOf('\0') >= 0 || relative.startsWith("/") || relative.contains("\\")) {
            return Optional.empty();
        }
        String withExtension = relative.endsWith(EXTENSION) ? relative : relative + EXTENSION;
        try {
            Path candidate = root.resolve(withExtension).normalize();
            if (!candidate.startsWith(root) || !Files.isRegularFile(candidate)) {
                return Optional.empty();
            }
            Path real = candidate.toRealPath();
            return real.startsWith(root) ? Optional.of(real) : Optional.empty();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * The recording the HTTP API names, such as {@code live/cam1-20261124-120000.flv}: a path
     * relative to the record directory, already percent-decoded. Stricter than playback, as these
     * paths come straight from URLs and may delete: no dot or empty segments rather than
     * normalizing them away, and the {@code .flv} is required.
     *
     * @return the file's real path, or empty if there is no regular {@code .flv} file at that path
     *         whose real path (through any symbolic links) lies inside the record directory
     * @throws IllegalArgumentException naming the rule, if the path breaks one: absolute, a
     *                                  {@code .} or {@code ..} or empty segment, a backslash, a
     *                                  control character, or no {@code .flv} at the end
     */
    public Optional<Path> resolveRecording(String relative) {
        checkRecordingPath(relative);
        try {
            Path real = root.resolve(relative).toRealPath();
            boolean ok = real.startsWith(root) && real.getFileName().toString().endsWith(EXTENSION)
                    && Files.isRegularFile(real);
            return ok ? Optional.of(real) : Optional.empty();
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static void checkRecordingPath(String relative) {
        if (relative.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        for (int i = 0; i < relative.length(); i++) {
            char c = relative.charAt(i);
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("control character in the path");
            }
            if (c == '\\') {
                throw new IllegalArgumentException("backslash in the path");
            }
        }
        if (relative.startsWith("/")) {
            throw new IllegalArgumentException("absolute path");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("empty segment in the path");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("'" + segment + "' segment in the path");
            }
        }
        if (!relative.endsWith(EXTENSION)) {
            throw new IllegalArgumentException("not an " + EXTENSION + " file");
        }
    }

    private Path inside(Path p) throws IOException {
        Path normalized = p.normalize();
        if (!normalized.startsWith(root)) {
            throw new IOException("refusing to write outside the record directory: " + normalized);
        }
        return normalized;
    }
}
