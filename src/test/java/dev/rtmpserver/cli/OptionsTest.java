package dev.rtmpserver.cli;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.edge.Pulls;
import dev.rtmpserver.hls.HlsConfig;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.Limits;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.ProtocolLimits;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.StreamPolicy;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each default is written once, where its value ends up, and --help shows exactly that. */
class OptionsTest {
    /** Every option's default and where it comes from; an option not listed has none. */
    private static final Map<String, Object> DEFAULTS = Map.ofEntries(
            entry("--log-level", Options.LogLevel.info),
            entry("--port", ServerConfig.DEFAULT_PORT),
            entry("--bind", ServerConfig.DEFAULT_BIND),
            entry("--chunk-size", SessionConfig.DEFAULT_CHUNK_SIZE),
            entry("--gop-cache", StreamPolicy.defaults().gopCache()),
            entry("--gop-cache-max", StreamPolicy.DEFAULT_GOP_CACHE_BYTES),
            entry("--gop-cache-max-duration", StreamPolicy.DEFAULT_GOP_CACHE_LENGTH),
            entry("--reconnect-grace", StreamPolicy.DEFAULT_RECONNECT_GRACE),
            entry("--unpublish-grace", StreamPolicy.DEFAULT_UNPUBLISH_GRACE),
            entry("--stale-publisher", StreamPolicy.DEFAULT_STALE_AFTER),
            entry("--pull-linger", Pulls.DEFAULT_LINGER),
            entry("--pull-timeout", Pulls.DEFAULT_TIMEOUT),
            entry("--player-queue", SessionConfig.DEFAULT_PLAYER_QUEUE_BYTES),
            entry("--player-queue-wait", SessionConfig.DEFAULT_PLAYER_QUEUE_WAIT),
            entry("--player-max-lag", SessionConfig.DEFAULT_PLAYER_MAX_LAG),
            entry("--play-wait", SessionConfig.DEFAULT_PLAY_WAIT),
            entry("--player-write-delay", StreamPolicy.DEFAULT_PLAYER_WRITE_DELAY),
            entry("--handshake-timeout", SessionConfig.DEFAULT_HANDSHAKE_TIMEOUT),
            entry("--idle-timeout", SessionConfig.DEFAULT_IDLE_TIMEOUT),
            entry("--media-timeout", SessionConfig.DEFAULT_MEDIA_TIMEOUT),
            entry("--write-timeout", SessionConfig.DEFAULT_WRITE_TIMEOUT),
            entry("--max-connections", Limits.DEFAULT_MAX_CONNECTIONS),
            entry("--max-connections-per-ip", Limits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS),
            entry("--max-streams", Limits.DEFAULT_MAX_STREAMS),
            entry("--max-message-size", ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES),
            entry("--max-chunk-size", ProtocolLimits.DEFAULT_MAX_CHUNK_SIZE),
            entry("--max-amf-depth", ProtocolLimits.DEFAULT_MAX_AMF_DEPTH),
            entry("--max-commands-before-connect", ProtocolLimits.DEFAULT_MAX_COMMANDS_BEFORE_CONNECT),
            entry("--shutdown-grace", Limits.DEFAULT_SHUTDOWN_GRACE),
            // Off, which these options write as 0; no record has a setting of its own for it.
            entry("--record-segment", Duration.ZERO),
            entry("--record-segment-size", 0L),
            entry("--tls-port", 0),
            entry("--https-port", 0),
            entry("--http-port", HttpConfig.DEFAULT_PORT),
            entry("--http-bind", HttpConfig.DEFAULT_BIND),
            entry("--http-allow-origin", HttpConfig.ANY_ORIGIN),
            entry("--hls", HlsConfig.defaults().enabled()),
            entry("--hls-segment", HlsConfig.DEFAULT_SEGMENT),
            entry("--hls-part", HlsConfig.DEFAULT_PART),
            entry("--auth-timeout", AccessConfig.DEFAULT_CALLBACK_TIMEOUT),
            entry("--hook-format", HookConfig.DEFAULT_FORMAT),
            entry("--hook-timeout", HookConfig.DEFAULT_TIMEOUT));

    @Test
    void helpShowsEveryOptionsDefaultAsItsRecordHasIt() {
        CommandLine cmd = Options.commandLine(new Options());
        String help = cmd.getUsageMessage().replaceAll("\\s+", " ");
        Set<String> options = new HashSet<>();
        for (OptionSpec option : cmd.getCommandSpec().options()) {
            String name = option.longestName();
            options.add(name);
            assertNull(option.defaultValue(), name + " has a default in its annotation, a second copy of it");
            String description = String.join(" ", option.description());
            assertTrue(help.contains(description), "--help shows " + description);
            if (DEFAULTS.containsKey(name)) {
                String shown = Syntax.format(DEFAULTS.get(name));
                assertEquals(shown, Options.defaultValue(option), name);
                assertTrue(description.endsWith(" Default: " + shown + "."), description);
            } else {
                assertNull(Options.defaultValue(option), name + " has a default this test does not know");
                assertFalse(description.contains("Default:"), description);
            }
        }
        assertTrue(options.containsAll(DEFAULTS.keySet()), "options " + options + " include " + DEFAULTS.keySet());
    }

    @Test
    void theDefaultsShownReadBackAsTheRecordsOwn() {
        Options options = new Options();
        Options.commandLine(options).parseArgs();
        ServerConfig config = ConfigBuilder.build(options, Map.of());
        assertEquals(ServerConfig.DEFAULT_BIND, config.bind());
        assertEquals(ServerConfig.DEFAULT_PORT, config.port());
        assertEquals(SessionConfig.defaults(), config.session());
        assertEquals(StreamPolicy.defaults(), config.streams());
        assertEquals(Limits.defaults(), config.limits());
        assertEquals(AccessConfig.open(), config.access());
        assertEquals(HookConfig.none(), config.hooks());
        assertEquals(Optional.of(new HttpConfig(HttpConfig.DEFAULT_BIND, HttpConfig.DEFAULT_PORT, Optional.empty(),
                false)), config.http(), "the default HTTP port, not asked for, so not required");
        assertEquals(Optional.empty(), config.recording());
        assertEquals(Optional.empty(), config.tls());
        assertEquals(Options.LogLevel.info, options.general.logLevel);
    }
}
