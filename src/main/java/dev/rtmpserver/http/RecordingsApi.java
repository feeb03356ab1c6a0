package dev.rtmpserver.http;

import dev.rtmpserver.record.RecordFiles;
import dev.rtmpserver.record.RecordingIndex;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The recordings over HTTP: {@code GET /api/recordings} lists them, {@code GET /recordings/FILE}
 * downloads one (with single byte ranges), {@code DELETE /recordings/FILE} removes a finished one.
 * {@link HttpApi} routes here after the access check, as both paths show and change what
 * clients published.
 */
final class RecordingsApi {
    static final String FILES = "/recordings/";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    /** Offsets and limits as operators type them; nine digits cannot overflow an int. */
    private static final Pattern COUNT = Pattern.compile("\\d{1,9}");
    /** IMF-fixdate (RFC 9110, 5.6.7), which needs the two-digit day that RFC_1123_DATE_TIME leaves out. */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** Null when recording is off. */
    private final RecordFiles files;
    private final RecordingIndex index;

    RecordingsApi(Optional<RecordFiles> files) {
        this.files = files.orElse(null);
        this.index = files.map(RecordingIndex::new).orElse(null);
    }

    /** {@code GET /api/recordings?app=&stream=&from=&to=&limit=&offset=}. */
    Response list(String method, String query) {
        HttpApi.allow(method, "GET");
        recordFiles();
        Map<String, String> p = HttpApi.parameters(query, "app", "stream", "from", "to", "limit", "offset");
        RecordingIndex.Filter filter = new RecordingIndex.Filter(name(p, "app"), name(p, "stream"),
                time(p, "from", false), time(p, "to", true));
        int limit = count(p, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        int offset = count(p, "offset", 0, Integer.MAX_VALUE);
        RecordingIndex.Page page;
        try {
            page = index.list(filter, offset, limit);
        } catch (IOException e) {
            throw new UncheckedIOException("listing the record directory", e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("recordings", page.recordings().stream().map(RecordingsApi::json).toList());
        return Response.json(200, body);
    }

    /** {@code GET}, {@code HEAD} or {@code DELETE /recordings/FILE}; {@code rawPath} is the whole path, still escaped. */
    Response file(String method, String rawPath, HttpRequest request) {
        HttpApi.allow(method, "GET", "DELETE");
        RecordFiles f = recordFiles();
        String relative = HttpApi.decode(rawPath.substring(FILES.length()));
        Path path;
        try {
            path = f.resolveRecording(relative).orElseThrow(() -> new HttpError(404, "no recording " + relative));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "not a recording's path: " + e.getMessage());
        }
        return method.equals("GET") ? download(path, relative, request) : delete(f, path, relative, request.remote());
    }

    private RecordFiles recordFiles() {
        if (files == null) {
            throw new HttpError(404, "recording is off: the server runs without --record-dir");
        }
        return files;
    }

    /**
     * The whole file, or the one range asked for. A file still being recorded is sent as far as
     * it is written now; its ETag changes as it grows, so a resumed download that sends
     * {@code If-Range} gets the whole file rather than a piece of another version.
     */
    private static Response download(Path path, String relative, HttpRequest request) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new HttpError(404, "no recording " + relative);
        }
        long size = attributes.size();
        String etag = "\"" + Long.toHexString(size) + "-"
                + Long.toHexString(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS)) + "\"";
        String lastModified = HTTP_DATE.format(attributes.lastModifiedTime().toInstant());
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "video/x-flv", "Accept-Ranges", "bytes",
                "ETag", etag, "Last-Modified", lastModified));
        String ifRange = request.header("If-Range");
        Optional<ByteRange> range = ifRange == null || ifRange.equals(etag) || ifRange.equals(lastModified)
                ? ByteRange.parse(request.header("Range"), size) : Optional.empty();
        if (range.isEmpty()) {
            headers.put("Content-Length", Long.toString(size));
            return Response.file(200, headers, new FileBody(path, 0, size));
        }
        ByteRange r = range.get();
        headers.put("Content-Length", Long.toString(r.length()));
        headers.put("Content-Range", r.contentRange(size));
        return Response.file(206, headers, new FileBody(path, r.first(), r.length()));
    }

    private static Response delete(RecordFiles f, Path path, String relative, InetSocketAddress from) {
        if (f.isOpen(path)) {
            throw new HttpError(409, relative + " is still being recorded; delete it once it is finished");
        }
        try {
            Files.delete(path);
        } catch (NoSuchFileException e) {
            throw new HttpError(404, "no recording " + relative);
        } catch (IOException e) {
            Logger.warn("HTTP: could not delete recording {}: {}", path, e.toString());
            throw new HttpError(500, "could not delete " + relative + ": " + e.getClass().getSimpleName());
        }
        Logger.info("HTTP: recording {} deleted at the request of {}", path, from.getAddress().getHostAddress());
        return Response.noContent();
    }

    private static Map<String, Object> json(RecordingIndex.Recording r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.file());
        m.put("app", r.app());
        m.put("stream", r.stream());
        m.put("startedAt", r.startedAt().toString());
        m.put("size", r.size());
        r.duration().ifPresent(d -> m.put("duration", d));
        m.put("recording", r.recording());
        m.put("url", url(r.file()));
        return m;
    }

    /** The download path of a file, each segment percent-encoded but for RFC 3986's unreserved characters. */
    static String url(String file) {
        StringBuilder sb = new StringBuilder(FILES);
        for (byte b : file.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~/".indexOf(c) >= 0)) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static Optional<String> name(Map<String, String> p, String key) {
        String value = p.get(key);
        if (value != null && value.isEmpty()) {
            throw new HttpError(400, key + " must not be empty");
        }
        return Optional.ofNullable(value);
    }

    /**
     * An ISO-8601 instant ({@code 2026-11-24T12:00:00Z}, or with an offset) or a UTC date; a date
     * as {@code to} includes that whole day.
     */
    private static Optional<Instant> time(Map<String, String> p, String key, boolean end) {
        String value = p.get(key);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException notInstant) {
            try {
                LocalDate day = LocalDate.parse(value);
                return Optional.of((end ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant());
            } catch (DateTimeParseException notDate) {
                throw new HttpError(400, key + " must be an ISO-8601 instant such as 2026-11-24T12:00:00Z or a date"
                        + " such as 2026-11-24");
            }
        }
    }

    private static int count(Map<String, String> p, String key, int absent, int max) {
        String value = p.get(key);
        if (value == null) {
            return absent;
        }
        if (!COUNT.matcher(value).matches() || Integer.parseInt(value) > max) {
            throw new HttpError(400, key + " must be a whole number from 0" + (max == Integer.MAX_VALUE ? " on"
                    : " to " + max));
        }
        return Integer.parseInt(value);
    }
}
