package dev.rtmpserver.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How operators write option values, read and written back: a default that {@code --help} shows, or a
 * value an error quotes, reads back as the same value.
 */
final class Syntax {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Syntax() {
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h}; a bare number is seconds. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 10s, 2m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** {@code on} or {@code off}, as operators write switches; {@code true}/{@code false} and yes/no also work. */
    static boolean onOff(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new IllegalArgumentException("'" + text + "' is not on or off");
        };
    }

    /** A value as an operator writes it: {@code 5s}, {@code 500ms}, {@code on}, {@code 127.0.0.1}. */
    static String format(Object value) {
        return switch (value) {
            case Duration d when d.isZero() -> "0";
            case Duration d when d.toMillisPart() != 0 -> d.toMillis() + "ms";
            case Duration d -> d.toSeconds() + "s";
            case Boolean on -> on ? "on" : "off";
            case InetAddress address -> address.getHostAddress();
            default -> value.toString();
        };
    }
}
