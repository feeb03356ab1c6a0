package dev.rtmpserver.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Which build this is, for {@code --version}, {@code rtmp_build_info} and the API. */
public final class BuildInfo {
    private static final String VERSION = read();

    private BuildInfo() {
    }

    /** The project version Maven wrote into the jar, or {@code unknown} when run from unpackaged classes without it. */
    public static String version() {
        return VERSION;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/rtmpserver/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading version.properties from the jar", e);
        }
        return p.getProperty("version", "unknown");
    }
}
