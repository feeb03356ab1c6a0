package dev.rtmpserver.http;

import java.util.List;

/** Reads the server's configuration again and applies it, for {@code POST /api/reload}; the server decides how. */
@FunctionalInterface
public interface ConfigReload {
    /**
     * @throws Rejected if the configuration read is invalid; the running one then stays
     */
    Result reload();

    /**
     * @param reloaded     false when there was nothing to read again (no {@code --config} file)
     * @param needsRestart the options whose new value takes effect only after a restart
     */
    record Result(boolean reloaded, List<String> needsRestart) {
        public Result {
            needsRestart = List.copyOf(needsRestart);
        }
    }

    /** A configuration that cannot be applied; the message names the option and the problem. */
    final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }
}
