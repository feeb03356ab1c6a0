package dev.rtmpserver.cli;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.server.Limits;
import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.server.TlsConfig;
import dev.rtmpserver.session.ProtocolLimits;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.StreamPolicy;
import org.tinylog.Logger;
import org.tinylog.configuration.Configuration;
import org.tinylog.provider.ProviderRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The {@code rtmp-server} command. */
@Command(name = "rtmp-server", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
                "RTMP live-streaming server: publishers push to rtmp://HOST:PORT/APP/KEY and any number of",
                "players pull the same URL, with no transcoding.",
                ""},
        footer = {
                "",
                "Every option can also be set in the --config file, as NAME=VALUE with the option's long",
                "name without dashes (for example: port=1935). Flags given on the command line win.",
                "Exit status: 0 stopped cleanly, 1 could not start (for example the port is in use),",
                "2 invalid option."})
public final class Main implements Callable<Integer> {
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "1935",
            description = "TCP port for RTMP (0 picks a free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (all interfaces).")
    String bind;

    @Option(names = "--record-dir", paramLabel = "DIR",
            description = "Directory for FLV recordings. Recording is off without it.")
    Path recordDir;

    @Option(names = "--record-segment", paramLabel = "DURATION", defaultValue = "0",
            converter = DurationConverter.class,
            description = "Start a new recording file at the first keyframe past this length; 0 never. Default: ${DEFAULT-VALUE}.")
    Duration recordSegment;

    @Option(names = "--record-segment-size", paramLabel = "BYTES", defaultValue = "0",
            description = "Start a new recording file at the first keyframe past this size; 0 never. Default: ${DEFAULT-VALUE}.")
    long recordSegmentBytes;

    @Option(names = "--http-port", paramLabel = "PORT|off", defaultValue = "8080",
            description = "Port for metrics (/metrics), the JSON API (/api) and the dashboard (/); 0 or off disables it. Default: ${DEFAULT-VALUE}.")
    String httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS",
            description = "Address for the HTTP listener. Default: the --bind address.")
    String httpBind;

    @Option(names = "--api-token", paramLabel = "TOKEN",
            description = "Required (Authorization: Bearer TOKEN) to kick streams or connections through the API; without it only this machine may.")
    String apiToken;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
            description = "Open RTMP connections in all; more are refused. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N", defaultValue = "1000",
            description = "Open RTMP connections from one client address. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerAddress;

    @Option(names = "--max-streams", paramLabel = "N", defaultValue = "10000",
            description = "Published streams at once (players waiting for a publisher do not count). Default: ${DEFAULT-VALUE}.")
    int maxStreams;

    @Option(names = "--max-message-size", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Longest command, data or control message a peer may send, refused from its header; audio and video may use the protocol's 16 MiB. Default: ${DEFAULT-VALUE}.")
    int maxMessageBytes;

    @Option(names = "--max-chunk-size", paramLabel = "BYTES", defaultValue = "2147483647",
            description = "Largest Set Chunk Size accepted from a peer (memory follows message sizes, so the spec's maximum is safe). Default: ${DEFAULT-VALUE}.")
    int maxChunkSize;

    @Option(names = "--max-amf-depth", paramLabel = "N", defaultValue = "64",
            description = "How deeply AMF objects and arrays in a command may nest (2..64). Default: ${DEFAULT-VALUE}.")
    int maxAmfDepth;

    @Option(names = "--max-commands-before-connect", paramLabel = "N", defaultValue = "10",
            description = "Commands a peer may send before a successful connect; each gets an _error reply. Default: ${DEFAULT-VALUE}.")
    int maxCommandsBeforeConnect;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "On SIGTERM, time for players to be told their streams ended and recordings to close. Default: ${DEFAULT-VALUE}.")
    Duration shutdownGrace;

    @Option(names = "--tls-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port for RTMPS (RTMP over TLS, usually 443 or 1936); 0 disables it. Default: ${DEFAULT-VALUE}.")
    int tlsPort;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "The RTMPS certificate: a PEM chain (with --tls-key) or a PKCS#12 .p12/.pfx file.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--tls-password", paramLabel = "PASSWORD", description = "The password of a PKCS#12 --tls-cert.")
    String tlsPassword;

    @Option(names = "--on-publish", paramLabel = "URL",
            description = "Ask this URL (form POST: call, app, name, args, addr, tcurl) before every publish; 2xx allows.")
    URI onPublish;

    @Option(names = "--on-play", paramLabel = "URL",
            description = "Ask this URL before every play, as --on-publish does; 2xx allows.")
    URI onPlay;

    @Option(names = "--auth-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
            description = "A callback that has not answered by then denies. Default: ${DEFAULT-VALUE}.")
    Duration authTimeout;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with option values (see below).")
    Path configFile;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
    String logLevel;

    @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "4096",
            description = "Chunk size the server sends with (128..16777215). Default: ${DEFAULT-VALUE}.")
    int chunkSize;

    @Option(names = "--gop-cache", paramLabel = "on|off", defaultValue = "on", arity = "1",
            converter = OnOffConverter.class,
            description = "Start joining players at the latest keyframe (on) or the next one (off). Default: ${DEFAULT-VALUE}.")
    boolean gopCache;

    @Option(names = "--gop-cache-max", paramLabel = "BYTES", defaultValue = "16777216",
            description = "Largest group of pictures kept for joiners. Default: ${DEFAULT-VALUE}.")
    long gopCacheBytes;

    @Option(names = "--gop-cache-max-duration", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Longest group of pictures kept for joiners. Default: ${DEFAULT-VALUE}.")
    Duration gopCacheLength;

    @Option(names = "--reconnect-grace", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How long players wait, untold, for a publisher whose connection died. Default: ${DEFAULT-VALUE}.")
    Duration reconnectGrace;

    @Option(names = "--unpublish-grace", paramLabel = "DURATION", defaultValue = "3s",
            converter = DurationConverter.class,
            description = "How long players wait, untold, after a publisher stops cleanly, so an encoder that restarts keeps them; 0 tells them at once. Default: ${DEFAULT-VALUE}.")
    Duration unpublishGrace;

    @Option(names = "--stale-publisher", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "A publisher silent this long loses its key to a new publisher. Default: ${DEFAULT-VALUE}.")
    Duration staleAfter;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = DurationConverter.class,
            description = "Close connections that have not completed the handshake by then. Default: ${DEFAULT-VALUE}.")
    Duration handshakeTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Close connections that neither publish nor play for this long. Default: ${DEFAULT-VALUE}.")
    Duration idleTimeout;

    @Option(names = "--media-timeout", paramLabel = "DURATION", defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Close publishers that send no media for this long. Default: ${DEFAULT-VALUE}.")
    Duration mediaTimeout;

    @Option(names = "--write-timeout", paramLabel = "DURATION", defaultValue = "20s",
            converter = DurationConverter.class,
            description = "Close connections whose socket accepts no bytes for this long. Default: ${DEFAULT-VALUE}.")
    Duration writeTimeout;

    @Option(names = "--player-queue", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Live media bytes queued per player before its frames are dropped. Default: ${DEFAULT-VALUE}.")
    long playerQueueBytes;

    @Option(names = "--player-queue-wait", paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How long live media may wait in a player's queue before its frames are dropped. Default: ${DEFAULT-VALUE}.")
    Duration playerQueueWait;

    @Option(names = "--player-max-lag", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Disconnect a player that keeps losing frames for this long. Default: ${DEFAULT-VALUE}.")
    Duration playerMaxLag;

    @Option(names = "--play-wait", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long a player waits for a stream nobody publishes before NetStream.Play.StreamNotFound; 0 waits for ever. Default: ${DEFAULT-VALUE}.")
    Duration playWait;

    @Option(names = "--audio-with-video", paramLabel = "on|off", defaultValue = "off", arity = "1",
            converter = OnOffConverter.class,
            description = "Hold each player's audio for its next video frame and write both at once: about half the"
                    + " writes per player, for up to one frame interval more audio latency. Default: ${DEFAULT-VALUE}.")
    boolean audioWithVideo;

    /** Settings read from {@code app.NAME.KEY} lines of the config file, by application name. */
    private final Map<String, Map<String, String>> appSettings = new HashMap<>();

    private static final long MIN_PLAYER_QUEUE_BYTES = 64 * 1024;

    /** Chunks larger than this only waste memory on the players' side; 16 MiB - 1 is the largest message. */
    private static final int MAX_USEFUL_CHUNK_SIZE = 0xFFFFFF;
    private static final java.util.Set<String> LOG_LEVELS = java.util.Set.of("trace", "debug", "info", "warn", "error");

    public static void main(String[] args) {
        int status = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        flushLog();
        System.exit(status);
    }

    /**
     * Writes out the log lines still queued for tinylog's writing thread. Its own shutdown hook is
     * off (config/tinylog.properties) because it would race ours and lose the lines of a shutdown.
     */
    private static void flushLog() {
        try {
            ProviderRegistry.getLoggingProvider().shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cmd = new CommandLine(main);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println("rtmp-server: " + e.getMessage());
            return EXIT_USAGE;
        });
        try {
            Path config = findConfigFlag(args);
            if (config != null) {
                cmd.setDefaultValueProvider(propertiesProvider(cmd, config, main.appSettings));
            }
        } catch (ParameterException e) {
            err.println("rtmp-server: " + e.getMessage());
            return EXIT_USAGE;
        }
        return cmd.execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = buildConfig();
        Configuration.set("level", logLevel);
        RtmpServer server = new RtmpServer(config);
        try {
            server.start();
        } catch (BindException e) {
            spec.commandLine().getErr().println("rtmp-server: cannot listen for " + e.getMessage());
            return EXIT_START_FAILED;
        } catch (IOException e) {
            String what = recordDir != null && !server.isListening() ? "cannot write to --record-dir " + recordDir
                    : "cannot start";
            spec.commandLine().getErr().println("rtmp-server: " + what + ": " + e);
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Logger.info("shutting down");
            server.close();
            Logger.info("stopped");
            flushLog();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    private ServerConfig buildConfig() {
        if (port < 0 || port > 65535) {
            throw invalid("--port", port, "must be 0..65535");
        }
        if (chunkSize < SessionConfig.MIN_CHUNK_SIZE || chunkSize > MAX_USEFUL_CHUNK_SIZE) {
            throw invalid("--chunk-size", chunkSize, "must be " + SessionConfig.MIN_CHUNK_SIZE + ".." + MAX_USEFUL_CHUNK_SIZE);
        }
        if (!LOG_LEVELS.contains(logLevel)) {
            throw invalid("--log-level", logLevel, "must be one of trace, debug, info, warn, error");
        }
        requirePositive("--handshake-timeout", handshakeTimeout);
        requirePositive("--idle-timeout", idleTimeout);
        requirePositive("--media-timeout", mediaTimeout);
        requirePositive("--write-timeout", writeTimeout);
        requirePositive("--player-queue-wait", playerQueueWait);
        requirePositive("--player-max-lag", playerMaxLag);
        requirePositive("--gop-cache-max-duration", gopCacheLength);
        requirePositive("--stale-publisher", staleAfter);
        requireNotNegative("--reconnect-grace", reconnectGrace);
        requireNotNegative("--unpublish-grace", unpublishGrace);
        requireNotNegative("--play-wait", playWait);
        if (playerQueueBytes < MIN_PLAYER_QUEUE_BYTES) {
            throw invalid("--player-queue", playerQueueBytes, "must be at least " + MIN_PLAYER_QUEUE_BYTES + " bytes");
        }
        if (gopCacheBytes <= 0) {
            throw invalid("--gop-cache-max", gopCacheBytes, "must be positive");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw invalid("--bind", bind, "not an address of this machine");
        }
        if (recordDir != null && Files.exists(recordDir) && !Files.isDirectory(recordDir)) {
            throw invalid("--record-dir", recordDir, "exists and is not a directory");
        }
        SessionConfig session = new SessionConfig(chunkSize, SessionConfig.DEFAULT_WINDOW_ACK_SIZE, handshakeTimeout,
                idleTimeout, mediaTimeout, writeTimeout, playerQueueBytes, playerQueueWait, playerMaxLag,
                protocolLimits(), playWait);
        StreamPolicy streams = new StreamPolicy(gopCache, gopCacheBytes, gopCacheLength, reconnectGrace,
                unpublishGrace, staleAfter, audioWithVideo);
        if (recordSegment.isNegative()) {
            throw invalid("--record-segment", recordSegment, "must not be negative");
        }
        if (recordSegmentBytes < 0) {
            throw invalid("--record-segment-size", recordSegmentBytes, "must not be negative");
        }
        Optional<RecordConfig> recording = recordDir == null ? Optional.empty()
                : Optional.of(new RecordConfig(recordDir, recordSelections(), recordSegment, recordSegmentBytes,
                        RecordConfig.DEFAULT_QUEUE_BYTES));
        requirePositive("--max-connections", maxConnections);
        requirePositive("--max-connections-per-ip", maxConnectionsPerAddress);
        requirePositive("--max-streams", maxStreams);
        if (shutdownGrace.isNegative()) {
            throw invalid("--shutdown-grace", shutdownGrace, "must not be negative");
        }
        Limits limits = new Limits(maxConnections, maxConnectionsPerAddress, maxStreams, shutdownGrace);
        requirePositive("--auth-timeout", authTimeout);
        for (var callback : new URI[] {onPublish, onPlay}) {
            if (callback != null && !("http".equals(callback.getScheme()) || "https".equals(callback.getScheme()))) {
                throw invalid(callback == onPublish ? "--on-publish" : "--on-play", callback, "must be an http(s) URL");
            }
        }
        AccessConfig access = new AccessConfig(appTokens(AppKey.PUBLISH_TOKEN), appTokens(AppKey.PLAY_TOKEN),
                Optional.ofNullable(onPublish), Optional.ofNullable(onPlay), authTimeout);
        return new ServerConfig(address, port, recording, session, streams, appPolicies(streams), http(address),
                limits, tls(), access);
    }

    /** {@code app.NAME.publish-token = a,b} lines of the config file, by application. */
    private Map<String, Set<String>> appTokens(AppKey key) {
        Map<String, Set<String>> result = new HashMap<>();
        appSettings.forEach((app, settings) -> {
            String value = settings.get(key.key);
            if (value != null) {
                Set<String> tokens = new HashSet<>();
                for (String t : value.split(",")) {
                    if (!t.isBlank()) {
                        tokens.add(t.trim());
                    }
                }
                if (tokens.isEmpty()) {
                    throw new ParameterException(spec.commandLine(), "Invalid value for option '--config': app." + app
                            + "." + key.key + " is empty");
                }
                result.put(app, tokens);
            }
        });
        return result;
    }

    private Optional<TlsConfig> tls() {
        if (tlsPort == 0) {
            return Optional.empty();
        }
        if (tlsPort < 0 || tlsPort > 65535) {
            throw invalid("--tls-port", tlsPort, "must be 1..65535, or 0 for no RTMPS");
        }
        if (tlsCert == null || !Files.isReadable(tlsCert)) {
            throw invalid("--tls-cert", tlsCert, "RTMPS needs a readable certificate file");
        }
        if (tlsKey != null && !Files.isReadable(tlsKey)) {
            throw invalid("--tls-key", tlsKey, "is not a readable file");
        }
        return Optional.of(new TlsConfig(tlsPort, tlsCert, tlsKey,
                tlsPassword == null ? new char[0] : tlsPassword.toCharArray()));
    }

    private Optional<HttpConfig> http(InetAddress rtmpAddress) {
        String value = httpPort.trim();
        if (value.equals("0") || value.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        int p;
        try {
            p = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid("--http-port", httpPort, "must be a port number, 0 or off");
        }
        if (p < 1 || p > 65535) {
            throw invalid("--http-port", httpPort, "must be 1..65535, 0 or off");
        }
        InetAddress address = rtmpAddress;
        if (httpBind != null) {
            try {
                address = InetAddress.getByName(httpBind);
            } catch (UnknownHostException e) {
                throw invalid("--http-bind", httpBind, "not an address of this machine");
            }
        }
        if (apiToken != null && apiToken.isBlank()) {
            throw invalid("--api-token", "(blank)", "must not be blank");
        }
        return Optional.of(new HttpConfig(address, p, Optional.ofNullable(apiToken)));
    }

    /** Per-application recording choices from the config file: {@code app.NAME.record = all|none|a,b}. */
    private Map<String, RecordConfig.Selection> recordSelections() {
        Map<String, RecordConfig.Selection> result = new HashMap<>();
        appSettings.forEach((app, settings) -> {
            String value = settings.get(AppKey.RECORD.key);
            if (value != null) {
                try {
                    result.put(app, RecordConfig.Selection.parse(value));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "Invalid value for option '--config': app." + app
                            + "." + AppKey.RECORD.key + ": " + e.getMessage());
                }
            }
        });
        return result;
    }

    private ProtocolLimits protocolLimits() {
        if (maxMessageBytes < ProtocolLimits.MIN_MESSAGE_BYTES || maxMessageBytes > 0xFFFFFF) {
            throw invalid("--max-message-size", maxMessageBytes, "must be " + ProtocolLimits.MIN_MESSAGE_BYTES + ".."
                    + 0xFFFFFF);
        }
        if (maxChunkSize < SessionConfig.MIN_CHUNK_SIZE) {
            throw invalid("--max-chunk-size", maxChunkSize, "must be at least " + SessionConfig.MIN_CHUNK_SIZE);
        }
        if (maxAmfDepth < ProtocolLimits.MIN_AMF_DEPTH || maxAmfDepth > ProtocolLimits.DEFAULT_MAX_AMF_DEPTH) {
            throw invalid("--max-amf-depth", maxAmfDepth, "must be " + ProtocolLimits.MIN_AMF_DEPTH + ".."
                    + ProtocolLimits.DEFAULT_MAX_AMF_DEPTH);
        }
        requirePositive("--max-commands-before-connect", maxCommandsBeforeConnect);
        return new ProtocolLimits(maxMessageBytes, maxChunkSize, maxAmfDepth, maxCommandsBeforeConnect);
    }

    private void requirePositive(String option, int value) {
        if (value <= 0) {
            throw invalid(option, value, "must be positive");
        }
    }

    private void requireNotNegative(String option, Duration value) {
        if (value.isNegative()) {
            throw invalid(option, value, "must not be negative");
        }
    }

    private void requirePositive(String option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw invalid(option, value, "must be longer than zero");
        }
    }

    /** Per-application overrides from the config file, such as {@code app.NAME.gop-cache = off}. */
    private Map<String, StreamPolicy> appPolicies(StreamPolicy defaults) {
        Map<String, StreamPolicy> result = new HashMap<>();
        appSettings.forEach((app, settings) -> {
            StreamPolicy p = defaults;
            for (Map.Entry<String, String> e : settings.entrySet()) {
                String where = "app." + app + "." + e.getKey();
                AppKey key = AppKey.of(e.getKey()).orElseThrow(() -> new ParameterException(spec.commandLine(),
                        "Invalid value for option '--config': unknown per-application key '" + where + "' (known: "
                                + AppKey.allProperties() + ")"));
                // The other keys are read by recordSelections() and appTokens().
                if (key == AppKey.GOP_CACHE) {
                    p = p.withGopCache(parseOnOff(where, e.getValue()));
                } else if (key == AppKey.AUDIO_WITH_VIDEO) {
                    p = p.withAudioWithVideo(parseOnOff(where, e.getValue()));
                }
            }
            result.put(app, p);
        });
        return result;
    }

    private ParameterException invalid(String option, Object value, String why) {
        return new ParameterException(spec.commandLine(),
                "Invalid value for option '" + option + "': '" + value + "' " + why);
    }

    /** The config file must be read before picocli parses, since its values are the defaults. */
    private static Path findConfigFlag(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }

    private static CommandLine.IDefaultValueProvider propertiesProvider(CommandLine cmd, Path file,
            Map<String, Map<String, String>> appSettings) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ParameterException(cmd, "Invalid value for option '--config': cannot read '" + file + "': "
                    + e.getMessage());
        }
        for (String key : props.stringPropertyNames()) {
            String[] parts = key.split("\\.", 3);
            if (parts.length == 3 && parts[0].equals("app") && !parts[1].isEmpty()) {
                appSettings.computeIfAbsent(parts[1], a -> new HashMap<>()).put(parts[2], props.getProperty(key).trim());
                continue;
            }
            OptionSpec option = cmd.getCommandSpec().findOption("--" + key);
            if (option == null || !propertyKey(option).equals(Optional.of(key))) {
                throw new ParameterException(cmd, "Invalid value for option '--config': unknown key '" + key
                        + "' in " + file);
            }
        }
        return argSpec -> {
            if (argSpec instanceof OptionSpec option) {
                String value = propertyKey(option).map(props::getProperty).orElse(null);
                if (value != null) {
                    return value.trim();
                }
            }
            return argSpec.defaultValue();
        };
    }

    /**
     * An option's key in the {@code --config} file: its long name without dashes. {@code --config} itself,
     * {@code --help} and {@code --version} have none, since they make no sense as defaults.
     */
    static Optional<String> propertyKey(OptionSpec option) {
        if (option.usageHelp() || option.versionHelp() || option.longestName().equals("--config")) {
            return Optional.empty();
        }
        return Optional.of(option.longestName().replaceFirst("^--", ""));
    }

    private boolean parseOnOff(String where, String value) {
        try {
            return new OnOffConverter().convert(value);
        } catch (CommandLine.TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--config': " + where + ": "
                    + e.getMessage());
        }
    }

    /** {@code on}/{@code off}, as operators write switches; {@code true}/{@code false} also work. */
    static final class OnOffConverter implements CommandLine.ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "on", "true", "yes" -> true;
                case "off", "false", "no" -> false;
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not on or off");
            };
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/dev/rtmpserver/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"rtmp-server " + p.getProperty("version", "unknown"),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
