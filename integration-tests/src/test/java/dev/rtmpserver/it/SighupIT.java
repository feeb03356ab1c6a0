package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGHUP, which a closed terminal or a habitual {@code kill -HUP} sends, leaves the packaged server
 * running: it reloads the bundled configuration file the launcher passes, and keeps taking
 * connections. Its handler needs the jdk.unsupported module, so only the bundled runtime shows that
 * the module is in it.
 */
@Timeout(90)
class SighupIT {
    private static final Pattern LISTENING = Pattern.compile("RTMP listening on [0-9.]+:(\\d+)");
    private static final String RELOADED = "configuration reloaded from ";

    @TempDir
    Path dir;

    @Test
    void sighupReloadsTheBundledConfigurationAndTheServerKeepsAcceptingConnections() throws Exception {
        Tools.output(Duration.ofSeconds(60), "tar", "xzf", PackagedBinaryIT.tarball().toString(), "-C",
                dir.toString());
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(dir.resolve("rtmp-server/bin/rtmp-server").toString(), "--port", "0",
                "--bind", "127.0.0.1", "--http-port", "off")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = Await.value(() -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                return m.find() ? Integer.parseInt(m.group(1)) : null;
            }, "the packaged server to listen; log: " + log);

            Tools.output(Duration.ofSeconds(10), "kill", "-HUP", String.valueOf(server.pid()));
            Await.value(() -> Files.readString(log).contains(RELOADED) ? true : null, "the reload log line");
            String reloaded = Files.readString(log);
            assertTrue(reloaded.contains(RELOADED + dir.resolve("rtmp-server/config/rtmp-server.properties")),
                    "the file the launcher passes:\n" + reloaded);
            assertFalse(reloaded.contains("not applied until restart"), "nothing changed:\n" + reloaded);
            assertTrue(server.isAlive(), "still running after SIGHUP:\n" + Files.readString(log));
            try (RtmpClient client = RtmpClient.connect("rtmp://127.0.0.1:" + port + "/live")) {
                assertTrue(client.createStream() > 0, "a stream id from the server");
            }
        } finally {
            server.destroy();
            assertTrue(server.waitFor(15, TimeUnit.SECONDS), "exits on SIGTERM");
        }
        String output = Files.readString(log);
        assertTrue(output.strip().endsWith("] stopped"), "and stops cleanly on SIGTERM:\n" + output);
    }
}
