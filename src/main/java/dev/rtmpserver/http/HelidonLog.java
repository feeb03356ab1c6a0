package dev.rtmpserver.http;

import org.tinylog.jul.JulTinylogBridge;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Helidon logs through java.util.logging: its warnings and errors go to tinylog with every other
 * line, its start-up notices (bound sockets, feature lists) nowhere, as this server logs its own.
 */
final class HelidonLog {
    /** Held: java.util.logging keeps its loggers weakly, and a collected one forgets its level. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static boolean installed;

    private HelidonLog() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        JulTinylogBridge.activate();
        HELIDON.setLevel(Level.WARNING);
    }
}
