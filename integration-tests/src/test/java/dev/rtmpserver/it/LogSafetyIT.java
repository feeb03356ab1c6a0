package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile client can make the server write to its log, read from the log file of the real
 * jar: no forged lines, no stack traces.
 */
@Timeout(60)
class LogSafetyIT {
    private static final Pattern LISTENING = Pattern.compile("RTMP listening on [0-9.]+:(\\d+)");
    private static final String FORGED = "2026-12-02 02:00:00.000 WARN [main] FORGED";

    @TempDir
    Path dir;

    @Test
    void peerTextCannotForgeLogLinesAndBadTokensLogNoStackTrace() throws Exception {
        Path jar = Path.of(System.getProperty("rtmp.projectDir", "."), "target", "rtmp-server.jar");
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "app.live.publish-token = s3cret\n");
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", config.toString(), "--port", "0", "--bind", "127.0.0.1",
                "--http-port", "off")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = Await.value(() -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                return m.find() ? Integer.parseInt(m.group(1)) : null;
            }, "the server to listen; log: " + log);
            try (RtmpClient publisher = RtmpClient.connect("rtmp://127.0.0.1:" + port + "/live")) {
                for (String name : new String[] {"cam\n" + FORGED, "cam\r\n" + FORGED + "?token=s3cret",
                        "cam\0?token=s3cret", "cam?token=%zz", "cam?token=%", "cam\u202egpj.exe"}) {
                    assertThrows(RtmpStatusException.class, () -> publisher.publish(publisher.createStream(), name));
                }
            }
            // The application name is peer text too: rejected at connect.
            assertThrows(RtmpStatusException.class,
                    () -> RtmpClient.connect("127.0.0.1", port, "live\n" + FORGED, false).close());
            Await.until(() -> {
                try {
                    String text = Files.readString(log);
                    return text.split("publish live/", -1).length > 6 && text.contains("rejected");
                } catch (java.io.IOException e) {
                    return false;
                }
            }, "the refusals to be logged");
        } finally {
            server.destroy();
            assertTrue(server.waitFor(15, TimeUnit.SECONDS), "exits on SIGTERM");
        }
        String output = Files.readString(log);
        for (String line : output.split("\n", -1)) {
            assertFalse(line.startsWith(FORGED), "a forged line:\n" + output);
            assertFalse(line.contains("\0") || line.contains("\r"), "a raw control character:\n" + output);
        }
        assertTrue(output.contains("\\n" + FORGED), "the name is logged escaped:\n" + output);
        // A right-to-left override would show the rest of its line reversed.
        assertFalse(output.contains("\u202e"), "a raw bidirectional override:\n" + output);
        assertTrue(output.contains("cam\\u202egpj.exe"), "the override is logged escaped:\n" + output);
        assertFalse(output.contains("ERROR"), "no errors:\n" + output);
        assertFalse(output.contains("\tat "), "no stack traces:\n" + output);
        assertFalse(output.contains("s3cret"), "no tokens:\n" + output);
    }
}
