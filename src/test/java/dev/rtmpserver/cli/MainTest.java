package dev.rtmpserver.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs the command; the HTTP listener stays off so no test depends on port 8080 being free. */
    private int run(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--http-port";
        all[args.length + 1] = "off";
        return Main.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void helpDescribesEveryOptionAndExitsZero() {
        assertEquals(0, run("--help"));
        for (String option : new String[] {"--port", "--bind", "--record-dir", "--config", "--log-level",
                "--chunk-size", "--version"}) {
            assertTrue(out.toString().contains(option), option + " in help");
        }
    }

    @Test
    void helpGroupsTheOptionsUnderTheReadmesHeadings() {
        assertEquals(0, run("--help"));
        int previous = -1;
        for (String heading : new String[] {"General", "RTMP listener", "Live streams", "Players", "Timeouts",
                "Limits and shutdown", "Recording", "HTTP: metrics, API and dashboard", "RTMPS", "Access control"}) {
            int at = out.toString().indexOf(System.lineSeparator() + heading + System.lineSeparator());
            assertTrue(at > previous, heading + " follows the group before it:\n" + out);
            previous = at;
        }
    }

    @Test
    void helpListsThePerApplicationKeysAndTheExitStatuses() {
        assertEquals(0, run("--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        for (AppKey key : AppKey.values()) {
            assertTrue(help.contains(key.property() + " = " + key.valueLabel), key.property() + " in help:\n" + out);
        }
        assertTrue(help.contains("Exit status: 0 stopped cleanly, 1 could not start"), out.toString());
    }

    @Test
    void versionNamesTheProgram() {
        assertEquals(0, run("--version"));
        assertTrue(out.toString().startsWith("rtmp-server "), out.toString());
    }

    @Test
    void badValueGetsOneLineNamingTheFlagAndExitTwo() {
        assertEquals(2, run("--port", "abc"));
        assertOneLineNaming("--port");
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheFlagName() {
        assertEquals(2, run("--port", "70000"));
        assertOneLineNaming("--port");
        err.getBuffer().setLength(0);
        assertEquals(2, run("--chunk-size", "64"));
        assertOneLineNaming("--chunk-size");
        err.getBuffer().setLength(0);
        assertEquals(2, run("--log-level", "loud"));
        assertOneLineNaming("--log-level");
    }

    @Test
    void anOptionGivenTwiceIsRejected() {
        // Were the last value to win, it would be refused for itself, with a message that says so.
        assertEquals(2, run("--chunk-size", "4096", "--bind", "127.0.0.1", "--chunk-size", "64"));
        assertOneLineNaming("--chunk-size");
        assertTrue(err.toString().contains("only once"), err.toString());
    }

    @Test
    void unknownOptionIsRejected() {
        assertEquals(2, run("--no-such-option"));
        assertOneLineNaming("--no-such-option");
    }

    @Test
    void portInUseGetsAClearErrorAndExitOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("--bind", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort())));
            assertTrue(err.toString().contains("cannot listen for RTMP on 127.0.0.1:" + taken.getLocalPort()), err.toString());
        }
    }

    @Test
    void configFileValuesAreUsedAndReportedUnderTheirFlag() throws IOException {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "# comment\nchunk-size = 50\n");
        assertEquals(2, run("--config", config.toString()));
        assertOneLineNaming("--chunk-size");
    }

    @Test
    void flagsOverrideTheConfigFile() throws IOException {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "chunk-size = 50\n");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // The file's bad chunk size is overridden, so the run gets as far as binding the port.
            assertEquals(1, run("--config", config.toString(), "--chunk-size", "8192", "--bind", "127.0.0.1",
                    "--port", String.valueOf(taken.getLocalPort())));
        }
    }

    @Test
    void unknownKeyInConfigFileIsRejected() throws IOException {
        Path config = dir.resolve("server.properties");
        Files.writeString(config, "prot = 1935\n");
        assertEquals(2, run("--config", config.toString()));
        assertOneLineNaming("--config");
        assertTrue(err.toString().contains("prot"));
    }

    @Test
    void missingConfigFileIsRejected() {
        assertEquals(2, run("--config", dir.resolve("absent.properties").toString()));
        assertOneLineNaming("--config");
    }

    @Test
    void shippedDefaultConfigFileIsValid() throws IOException {
        Path shipped = Path.of("config", "rtmp-server.properties");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("--config", shipped.toString(), "--bind", "127.0.0.1",
                    "--port", String.valueOf(taken.getLocalPort())), err.toString());
        }
    }

    @Test
    void durationsAcceptUnitsAndRejectNonsenseNamingTheFlag() {
        assertEquals(2, run("--idle-timeout", "5x"));
        assertOneLineNaming("--idle-timeout");
        err.getBuffer().setLength(0);
        assertEquals(2, run("--reconnect-grace", "-1s"));
        assertOneLineNaming("--reconnect-grace");
        err.getBuffer().setLength(0);
        assertEquals(2, run("--gop-cache", "maybe"));
        assertOneLineNaming("--gop-cache");
    }

    @Test
    void perApplicationSettingsAreReadFromTheConfigFile() throws IOException {
        Path config = dir.resolve("apps.properties");
        Files.writeString(config, """
                app.live.gop-cache = off
                app.events.gop-cache = on
                app.events.player-write-delay = 0
                """);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertEquals(1, run("--config", config.toString(), "--bind", "127.0.0.1",
                    "--port", String.valueOf(taken.getLocalPort())), err.toString());
        }
        Files.writeString(config, "app.live.gop-cahce = off\n");
        err.getBuffer().setLength(0);
        assertEquals(2, run("--config", config.toString()));
        assertOneLineNaming("--config");
        assertTrue(err.toString().contains("app.live.gop-cahce"), err.toString());
        Files.writeString(config, "app.live.player-write-delay = maybe\n");
        err.getBuffer().setLength(0);
        assertEquals(2, run("--config", config.toString()));
        assertOneLineNaming("--config");
        assertTrue(err.toString().contains("app.live.player-write-delay"), err.toString());
    }

    @Test
    void aRetiredOptionNamesWhatReplacedIt() throws IOException {
        assertEquals(2, run("--audio-with-video", "on"));
        assertOneLineNaming("--audio-with-video");
        assertTrue(err.toString().contains("player-write-delay"), err.toString());
        Path config = dir.resolve("retired.properties");
        for (String line : List.of("audio-with-video = on\n", "app.live.audio-with-video = on\n")) {
            Files.writeString(config, line);
            err.getBuffer().setLength(0);
            assertEquals(2, run("--config", config.toString()));
            assertTrue(err.toString().contains("replaced by player-write-delay"), err.toString());
        }
    }

    @Test
    void filesTheConfigurationNamesMustBeUsable() throws IOException {
        Path file = Files.createFile(dir.resolve("a-file"));
        assertEquals(2, run("--record-dir", file.toString()));
        assertOneLineNaming("--record-dir");
        err.getBuffer().setLength(0);
        assertEquals(2, run("--tls-port", "1936", "--tls-cert", dir.resolve("absent.pem").toString()));
        assertOneLineNaming("--tls-cert");
    }

    @Test
    void unwritableRecordDirIsAClearErrorWithExitOne() {
        // Even root cannot create a directory under a regular file.
        assertEquals(1, run("--bind", "127.0.0.1", "--port", "0", "--record-dir", "/dev/null/recordings"));
        assertTrue(err.toString().contains("cannot write to --record-dir /dev/null/recordings"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    private void assertOneLineNaming(String flag) {
        String text = err.toString().strip();
        assertEquals(1, text.lines().count(), "one line: " + text);
        assertTrue(text.contains(flag), "names " + flag + ": " + text);
    }
}
