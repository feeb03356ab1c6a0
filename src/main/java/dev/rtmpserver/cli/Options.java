package dev.rtmpserver.cli;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.hls.HlsConfig;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.edge.Pulls;
import dev.rtmpserver.hooks.HookFormat;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.metrics.BuildInfo;
import dev.rtmpserver.server.Limits;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.ProtocolLimits;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.StreamPolicy;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every option of {@code rtmp-server}, in groups, in the order {@code --help} and the README show them.
 * Each field starts at its default, taken from the record the value ends up in; picocli shows it, written
 * as operators write it, wherever a description says {@code ${DEFAULT-VALUE}}.
 */
@Command(name = "rtmp-server", mixinStandardHelpOptions = true, versionProvider = Options.Version.class,
        sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
        description = {"RTMP live-streaming server: publishers push to rtmp://HOST:PORT/APP/KEY and any number of"
                + " players pull the same URL, with no transcoding.", ""},
        footer = {
                "%nEvery option can also be set in the --config file, as NAME=VALUE with the option's long name"
                        + " without dashes (for example: port=1935). Flags given on the command line win.",
                "%nSIGTERM or Ctrl-C stops the server cleanly. SIGHUP (or POST /api/reload) reads the --config"
                        + " file and the flags again and applies them without dropping a connection, to new"
                        + " connections, publishes and plays; --log-level, --port, --bind, --chunk-size, --record-dir,"
                        + " --http-port, --http-bind, --api-token, --https-port, --http-allow-origin, --hls*"
                        + " and --tls-* wait for a restart.",
                "%nExit status: 0 stopped cleanly, 1 could not start (for example the port is in use),"
                        + " 2 invalid option."})
final class Options {
    @ArgGroup(validate = false, heading = "%nGeneral%n")
    General general = new General();

    @ArgGroup(validate = false, heading = "%nRTMP listener%n")
    Listener listener = new Listener();

    @ArgGroup(validate = false, heading = "%nLive streams%n")
    LiveStreams live = new LiveStreams();

    @ArgGroup(validate = false, heading = "%nPlayers%n")
    Players players = new Players();

    @ArgGroup(validate = false, heading = "%nTimeouts%n")
    Timeouts timeouts = new Timeouts();

    @ArgGroup(validate = false, heading = "%nLimits and shutdown%n")
    LimitsAndShutdown limits = new LimitsAndShutdown();

    @ArgGroup(validate = false, heading = "%nRecording%n")
    Recording recording = new Recording();

    @ArgGroup(validate = false, heading = "%nHTTP: metrics, API and dashboard%n")
    Http http = new Http();

    @ArgGroup(validate = false, heading = "%nBrowsers: LL-HLS%n")
    Hls hls = new Hls();

    @ArgGroup(validate = false, heading = "%nRTMPS%n")
    Rtmps tls = new Rtmps();

    @ArgGroup(validate = false, heading = "%nAccess control%n")
    AccessControl access = new AccessControl();

    @ArgGroup(validate = false, heading = "%nHooks%n")
    Hooks hooks = new Hooks();

    @ArgGroup(validate = false, heading = "%nCluster%n")
    Cluster cluster = new Cluster();

    static final class General {
        /** Read by {@link ConfigFile} before parsing, since its values are the other options' defaults. */
        @Option(names = "--config", paramLabel = "FILE", description = "Properties file with option values (see below).")
        Path configFile;

        @Option(names = "--log-level", paramLabel = "LEVEL",
                description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
        LogLevel logLevel = LogLevel.info;
    }

    /** tinylog's levels, named as operators type them, so that picocli's error lists them that way too. */
    enum LogLevel { trace, debug, info, warn, error }

    static final class Listener {
        @Option(names = "--port", paramLabel = "PORT",
                description = "TCP port for RTMP (0 picks a free port). Default: ${DEFAULT-VALUE}.")
        int port = ServerConfig.DEFAULT_PORT;

        @Option(names = "--bind", paramLabel = "ADDRESS",
                description = "Address to listen on (0.0.0.0: all interfaces). Default: ${DEFAULT-VALUE}.")
        InetAddress bind = ServerConfig.DEFAULT_BIND;
    }

    static final class LiveStreams {
        @Option(names = "--chunk-size", paramLabel = "BYTES",
                description = "Chunk size the server sends with (128..16777215). Default: ${DEFAULT-VALUE}.")
        int chunkSize = SessionConfig.DEFAULT_CHUNK_SIZE;

        @Option(names = "--gop-cache", paramLabel = "on|off", arity = "1",
                description = "Start joining players at the latest keyframe (on) or the next one (off)."
                        + " Default: ${DEFAULT-VALUE}.")
        boolean gopCache = StreamPolicy.defaults().gopCache();

        @Option(names = "--gop-cache-max", paramLabel = "BYTES",
                description = "Largest group of pictures kept for joiners. Default: ${DEFAULT-VALUE}.")
        long gopCacheBytes = StreamPolicy.DEFAULT_GOP_CACHE_BYTES;

        @Option(names = "--gop-cache-max-duration", paramLabel = "DURATION",
                description = "Longest group of pictures kept for joiners. Default: ${DEFAULT-VALUE}.")
        Duration gopCacheLength = StreamPolicy.DEFAULT_GOP_CACHE_LENGTH;

        @Option(names = "--reconnect-grace", paramLabel = "DURATION",
                description = "How long players wait, untold, for a publisher whose connection died."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration reconnectGrace = StreamPolicy.DEFAULT_RECONNECT_GRACE;

        @Option(names = "--unpublish-grace", paramLabel = "DURATION",
                description = "How long players wait, untold, after a publisher stops cleanly, so an encoder that"
                        + " restarts keeps them; 0 tells them at once. Default: ${DEFAULT-VALUE}.")
        Duration unpublishGrace = StreamPolicy.DEFAULT_UNPUBLISH_GRACE;

        @Option(names = "--stale-publisher", paramLabel = "DURATION",
                description = "A publisher silent this long loses its key to a new publisher. Default: ${DEFAULT-VALUE}.")
        Duration staleAfter = StreamPolicy.DEFAULT_STALE_AFTER;

        @Option(names = "--pull-linger", paramLabel = "DURATION",
                description = "How long an edge keeps pulling a stream from its origin after its last player left,"
                        + " so a returning viewer starts at once. Default: ${DEFAULT-VALUE}.")
        Duration pullLinger = Pulls.DEFAULT_LINGER;

        @Option(names = "--pull-timeout", paramLabel = "DURATION",
                description = "How long an edge waits for an origin to connect, to answer and to send a stream's"
                        + " first media before trying the next origin, and how long a pulled stream may be silent"
                        + " before the edge reconnects. Default: ${DEFAULT-VALUE}.")
        Duration pullTimeout = Pulls.DEFAULT_TIMEOUT;
    }

    static final class Players {
        @Option(names = "--player-queue", paramLabel = "BYTES",
                description = "Live media bytes queued per player before its frames are dropped."
                        + " Default: ${DEFAULT-VALUE}.")
        long queueBytes = SessionConfig.DEFAULT_PLAYER_QUEUE_BYTES;

        @Option(names = "--player-queue-wait", paramLabel = "DURATION",
                description = "How long live media may wait in a player's queue before its frames are dropped."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration queueWait = SessionConfig.DEFAULT_PLAYER_QUEUE_WAIT;

        @Option(names = "--player-max-lag", paramLabel = "DURATION",
                description = "Disconnect a player that keeps losing frames for this long. Default: ${DEFAULT-VALUE}.")
        Duration maxLag = SessionConfig.DEFAULT_PLAYER_MAX_LAG;

        @Option(names = "--play-wait", paramLabel = "DURATION",
                description = "How long a player waits for a stream nobody publishes before"
                        + " NetStream.Play.StreamNotFound; 0 waits for ever. Default: ${DEFAULT-VALUE}.")
        Duration playWait = SessionConfig.DEFAULT_PLAY_WAIT;

        @Option(names = "--player-write-delay", paramLabel = "DURATION",
                description = "How long a player's live media may wait to be written together with the media after"
                        + " it: one wake-up and a few system calls per player per delay instead of per frame, for"
                        + " up to this much more latency; 0 writes every frame at once. At most 1s."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration writeDelay = StreamPolicy.DEFAULT_PLAYER_WRITE_DELAY;
    }

    static final class Timeouts {
        @Option(names = "--handshake-timeout", paramLabel = "DURATION",
                description = "Close connections that have not completed the handshake by then."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration handshake = SessionConfig.DEFAULT_HANDSHAKE_TIMEOUT;

        @Option(names = "--idle-timeout", paramLabel = "DURATION",
                description = "Close connections that neither publish nor play for this long."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration idle = SessionConfig.DEFAULT_IDLE_TIMEOUT;

        @Option(names = "--media-timeout", paramLabel = "DURATION",
                description = "Close publishers that send no media for this long. Default: ${DEFAULT-VALUE}.")
        Duration media = SessionConfig.DEFAULT_MEDIA_TIMEOUT;

        @Option(names = "--write-timeout", paramLabel = "DURATION",
                description = "Close connections whose socket accepts no bytes for this long."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration write = SessionConfig.DEFAULT_WRITE_TIMEOUT;
    }

    static final class LimitsAndShutdown {
        @Option(names = "--max-connections", paramLabel = "N",
                description = "Open RTMP connections in all; more are refused. Default: ${DEFAULT-VALUE}.")
        int maxConnections = Limits.DEFAULT_MAX_CONNECTIONS;

        @Option(names = "--max-connections-per-ip", paramLabel = "N",
                description = "Open RTMP connections from one client address. Default: ${DEFAULT-VALUE}.")
        int maxConnectionsPerAddress = Limits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

        @Option(names = "--max-streams", paramLabel = "N",
                description = "Published streams at once (players waiting for a publisher do not count)."
                        + " Default: ${DEFAULT-VALUE}.")
        int maxStreams = Limits.DEFAULT_MAX_STREAMS;

        @Option(names = "--max-message-size", paramLabel = "BYTES",
                description = "Longest command, data or control message a peer may send, refused from its header;"
                        + " audio and video may use the protocol's 16 MiB. Default: ${DEFAULT-VALUE}.")
        int maxMessageBytes = ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES;

        @Option(names = "--max-chunk-size", paramLabel = "BYTES",
                description = "Largest Set Chunk Size accepted from a peer (memory follows message sizes, so the"
                        + " spec's maximum is safe). Default: ${DEFAULT-VALUE}.")
        int maxChunkSize = ProtocolLimits.DEFAULT_MAX_CHUNK_SIZE;

        @Option(names = "--max-amf-depth", paramLabel = "N",
                description = "How deeply AMF objects and arrays in a command may nest (2..64)."
                        + " Default: ${DEFAULT-VALUE}.")
        int maxAmfDepth = ProtocolLimits.DEFAULT_MAX_AMF_DEPTH;

        @Option(names = "--max-commands-before-connect", paramLabel = "N",
                description = "Commands a peer may send before a successful connect; each gets an _error reply."
                        + " Default: ${DEFAULT-VALUE}.")
        int maxCommandsBeforeConnect = ProtocolLimits.DEFAULT_MAX_COMMANDS_BEFORE_CONNECT;

        @Option(names = "--shutdown-grace", paramLabel = "DURATION",
                description = "On SIGTERM, time for players to be told their streams ended and recordings to close."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration shutdownGrace = Limits.DEFAULT_SHUTDOWN_GRACE;
    }

    static final class Recording {
        @Option(names = "--record-dir", paramLabel = "DIR",
                description = "Directory for FLV recordings. Recording is off without it.")
        Path dir;

        @Option(names = "--record-segment", paramLabel = "DURATION",
                description = "Start a new recording file at the first keyframe past this length; 0 never."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration segment = Duration.ZERO;

        @Option(names = "--record-segment-size", paramLabel = "BYTES",
                description = "Start a new recording file at the first keyframe past this size; 0 never."
                        + " Default: ${DEFAULT-VALUE}.")
        long segmentBytes = 0;
    }

    static final class Http {
        @Option(names = "--http-port", paramLabel = "PORT|off",
                description = "Port for metrics (/metrics), the JSON API (/api) and the dashboard (/); 0 or off"
                        + " disables it. If the default port is taken the server runs without HTTP; a port"
                        + " given here or in --config must be free. Default: ${DEFAULT-VALUE}.")
        String port = String.valueOf(HttpConfig.DEFAULT_PORT);
        /**
         * --http-port was given (as a flag or in the config file): the server then does not start
         * without it. Set after parsing, by whoever knows where values came from.
         */
        boolean portGiven;

        @Option(names = "--http-bind", paramLabel = "ADDRESS",
                description = "Address for the HTTP listener; the default lets only this machine in, 0.0.0.0 lets"
                        + " in every interface (then set --api-token). Default: ${DEFAULT-VALUE}.")
        InetAddress bind = HttpConfig.DEFAULT_BIND;

        @Option(names = "--api-token", paramLabel = "TOKEN",
                description = "Required (Authorization: Bearer TOKEN) for every /api and /recordings request, reads"
                        + " included; without it only this machine may use them.")
        String apiToken;

        @Option(names = "--https-port", paramLabel = "PORT",
                description = "Port for HTTPS: the same paths over TLS with the --tls-cert certificate, and HTTP/2,"
                        + " which LL-HLS players on Apple devices want; on --http-bind; 0 disables it."
                        + " Default: ${DEFAULT-VALUE}.")
        int httpsPort = 0;

        @Option(names = "--http-allow-origin", paramLabel = "ORIGINS",
                description = "Web origins whose pages may fetch the streams (FLV, HLS) from scripts, with commas"
                        + " between them; * lets every page. Default: ${DEFAULT-VALUE}.")
        String allowOrigin = HttpConfig.ANY_ORIGIN;
    }

    static final class Hls {
        @Option(names = "--hls", paramLabel = "on|off", arity = "1",
                description = "Package every live stream as LL-HLS at /APP/NAME/index.m3u8 (with HTTP on)."
                        + " Default: ${DEFAULT-VALUE}.")
        boolean enabled = HlsConfig.defaults().enabled();

        @Option(names = "--hls-segment", paramLabel = "DURATION",
                description = "A segment ends at the first keyframe this long after it began."
                        + " Default: ${DEFAULT-VALUE}.")
        Duration segment = HlsConfig.DEFAULT_SEGMENT;

        @Option(names = "--hls-part", paramLabel = "DURATION",
                description = "A part ends at the first frame this long after it began (LL-HLS advises 200 ms"
                        + " to 1 s). Default: ${DEFAULT-VALUE}.")
        Duration part = HlsConfig.DEFAULT_PART;
    }

    static final class Rtmps {
        @Option(names = "--tls-port", paramLabel = "PORT",
                description = "Port for RTMPS (RTMP over TLS, usually 443 or 1936); 0 disables it."
                        + " Default: ${DEFAULT-VALUE}.")
        int port = 0;

        @Option(names = "--tls-cert", paramLabel = "FILE",
                description = "The RTMPS certificate: a PEM chain (with --tls-key) or a PKCS#12 .p12/.pfx file.")
        Path cert;

        @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM (PKCS#8) private key of --tls-cert.")
        Path key;

        @Option(names = "--tls-password", paramLabel = "PASSWORD", description = "The password of a PKCS#12 --tls-cert.")
        String password;
    }

    static final class AccessControl {
        @Option(names = "--on-publish", paramLabel = "URL",
                description = "Ask this URL (form POST: call, app, name, args, addr, tcurl) before every publish;"
                        + " 2xx allows.")
        URI onPublish;

        @Option(names = "--on-play", paramLabel = "URL",
                description = "Ask this URL before every play, as --on-publish does; 2xx allows.")
        URI onPlay;

        @Option(names = "--auth-timeout", paramLabel = "DURATION",
                description = "A callback that has not answered by then denies. Default: ${DEFAULT-VALUE}.")
        Duration timeout = AccessConfig.DEFAULT_CALLBACK_TIMEOUT;
    }

    static final class Hooks {
        @Option(names = "--on-unpublish", paramLabel = "URL",
                description = "POST to this URL when a publish ends (call=unpublish, app, name, addr, duration, bytes,"
                        + " reason: unpublish, connection_lost or server_close).")
        URI onUnpublish;

        @Option(names = "--on-done", paramLabel = "URL",
                description = "POST to this URL when a play ends (call=done, app, name, addr, duration, bytes).")
        URI onDone;

        @Option(names = "--on-record-done", paramLabel = "URL",
                description = "POST to this URL when a recording file is complete (call=record_done, app, name,"
                        + " path, file, duration, size, video, audio).")
        URI onRecordDone;

        @Option(names = "--exec-record-done", paramLabel = "CMD",
                description = "Run this program when a recording file is complete: CMD split at spaces, no shell,"
                        + " the file's path added as its last argument, --on-record-done's fields in its environment"
                        + " (RTMP_APP, RTMP_NAME, RTMP_PATH, RTMP_FILE, RTMP_DURATION, RTMP_SIZE, RTMP_VIDEO,"
                        + " RTMP_AUDIO).")
        String execRecordDone;

        @Option(names = "--hook-format", paramLabel = "form|json",
                description = "The body of every hook POST: a form, or a JSON object. Default: ${DEFAULT-VALUE}.")
        HookFormat format = HookConfig.DEFAULT_FORMAT;

        @Option(names = "--hook-timeout", paramLabel = "DURATION",
                description = "A hook POST not answered by then failed; failures are retried after about 1, 2 and"
                        + " 4 s, then given up. Default: ${DEFAULT-VALUE}.")
        Duration timeout = HookConfig.DEFAULT_TIMEOUT;
    }

    static final class Cluster {
        @Option(names = "--cluster-redis", paramLabel = "URL",
                description = "Make this server a node of a cluster that keeps which node publishes which stream"
                        + " in the Redis at this URL: redis://HOST:PORT, or rediss:// for TLS, with a user, password"
                        + " and database as Redis URLs carry them. A publish of a stream another node publishes is"
                        + " refused; while Redis cannot be reached, publishes are admitted here. Needs"
                        + " --advertise-url.")
        URI redis;

        @Option(names = "--advertise-url", paramLabel = "URL",
                description = "rtmp://HOST:PORT under which the other nodes of the cluster reach this one.")
        URI advertiseUrl;
    }

    /**
     * Options and config-file keys that were removed, and what to use instead: naming the replacement
     * helps more than "unknown option". The same names are refused as {@code app.NAME.} keys.
     */
    static final Map<String, String> RETIRED = Map.of("audio-with-video",
            "was replaced by player-write-delay, which holds audio and video alike for up to that long"
                    + " (40ms covers a frame interval at 25 fps)");

    /** Refuses a retired option on the command line, saying what replaced it. */
    static void refuseRetired(String[] args, CommandLine cmd) {
        for (String arg : args) {
            String name = arg.startsWith("--") ? arg.substring(2).split("=", 2)[0] : "";
            String replacement = RETIRED.get(name);
            if (replacement != null) {
                throw new ParameterException(cmd, "option '--" + name + "' " + replacement);
            }
        }
    }

    /**
     * The command line over {@code options}: it reads values as {@link Syntax} writes them, and takes each
     * option's default from the value its field starts with.
     */
    static CommandLine commandLine(Options options) {
        CommandLine cmd = new CommandLine(options);
        cmd.registerConverter(Duration.class, converter(Syntax::duration));
        cmd.registerConverter(Boolean.class, converter(Syntax::onOff));
        cmd.registerConverter(boolean.class, converter(Syntax::onOff));
        cmd.registerConverter(InetAddress.class, Options::address);
        cmd.registerConverter(HookFormat.class, converter(HookFormat::parse));
        cmd.setDefaultValueProvider(Options::defaultValue);
        cmd.getCommandSpec().usageMessage().footer(withPerApplicationKeys(cmd.getCommandSpec().usageMessage().footer()));
        return cmd;
    }

    /** The config-file-only keys have no flag for picocli to list: the help lists them after the flags. */
    private static String[] withPerApplicationKeys(String[] footer) {
        List<String> lines = new ArrayList<>();
        lines.add("%nPer application, in the --config file only (NAME is the application: live in"
                + " rtmp://host/live/cam1):");
        for (AppKey key : AppKey.values()) {
            lines.add(key.property() + " = " + key.valueLabel + ": " + key.description
                    + (key.defaultValue == null ? "" : " Default: " + key.defaultValue + "."));
        }
        lines.addAll(List.of(footer));
        return lines.toArray(String[]::new);
    }

    /**
     * What an option is when not given, as {@code --help} shows it; null for none. Picocli reads it back
     * through the option's converter, so the field ends up with the value it started with.
     */
    static String defaultValue(ArgSpec arg) {
        boolean helpFlag = arg instanceof OptionSpec option && (option.usageHelp() || option.versionHelp());
        return helpFlag || arg.initialValue() == null ? null : Syntax.format(arg.initialValue());
    }

    /**
     * Picocli refuses an option given twice, unless the option is in a group: there a repeat starts a new
     * match of the group, and the last one wins. This refuses it there too, so a long command line or a
     * script with a stray duplicate cannot silently run with a value the operator did not mean.
     */
    static void refuseRepeatedOptions(ParseResult parsed) {
        Set<OptionSpec> seen = new HashSet<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            if (!seen.add(option)) {
                throw new ParameterException(parsed.commandSpec().commandLine(), "option '" + option.longestName()
                        + "' (" + option.paramLabel() + ") should be specified only once");
            }
        }
    }

    private static <T> ITypeConverter<T> converter(Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }

    /** A host name is looked up here, while parsing, so that the configuration builder does no IO. */
    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text.trim());
        } catch (UnknownHostException e) {
            throw new TypeConversionException("'" + text + "' is neither an IP address nor a known host name");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rtmp-server " + BuildInfo.version(),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
