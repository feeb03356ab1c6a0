package dev.rtmpserver.http;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One range of a file's bytes, {@code first} to {@code last} inclusive, as a {@code Range} header
 * asks for it (RFC 9110, section 14).
 */
record ByteRange(long first, long last) {
    private static final Pattern SPEC = Pattern.compile("(\\d*)-(\\d*)");
    /** Longer numbers may not fit a long; they are past the end of any file anyway. */
    private static final int MAX_DIGITS = 18;

    long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} of a 206 answer. */
    String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * What a {@code Range} header asks of a file of {@code size} bytes.
     *
     * @param header the header, or null
     * @return the range to send, clipped to the file; empty for the whole file, which is the answer
     *         without a header, to another unit than bytes, and to several ranges, which a server
     *         may answer whole rather than as multipart
     * @throws HttpError 416 with {@code Content-Range: bytes *}{@code /size} for a malformed
     *                   single range ({@code bytes=5-3}, {@code bytes=abc}) or one that starts past
     *                   the end
     */
    static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return Optional.empty();
        }
        String set = header.substring(eq + 1).strip();
        if (set.indexOf(',') >= 0) {
            return Optional.empty();
        }
        Matcher m = SPEC.matcher(set);
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            throw unsatisfiable(size, "malformed range");
        }
        if (m.group(1).isEmpty()) {
            long suffix = number(m.group(2));
            if (suffix == 0 || size == 0) {
                throw unsatisfiable(size, "empty range");
            }
            return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = number(m.group(1));
        long last = m.group(2).isEmpty() ? size - 1 : number(m.group(2));
        if (last < first) {
            throw unsatisfiable(size, "range ends before it starts");
        }
        if (first >= size) {
            throw unsatisfiable(size, "range starts past the end");
        }
        return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
    }

    private static long number(String digits) {
        String significant = digits.replaceFirst("^0+(?=\\d)", "");
        return significant.length() > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(significant);
    }

    private static HttpError unsatisfiable(long size, String why) {
        return new HttpError(416, why + "; the file has " + size + " bytes", Map.of("Content-Range", "bytes */" + size));
    }
}
