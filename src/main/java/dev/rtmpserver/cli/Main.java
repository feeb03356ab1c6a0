package dev.rtmpserver.cli;

import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.SessionConfig;
import org.tinylog.Logger;
import org.tinylog.configuration.Configuration;
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

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with option values (see below).")
    Path configFile;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
    String logLevel;

    @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "4096",
            description = "Chunk size the server sends with (128..16777215). Default: ${DEFAULT-VALUE}.")
    int chunkSize;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Close connections that have not completed the handshake by then. Default: ${DEFAULT-VALUE}.")
    int handshakeTimeoutSeconds;

    @Option(names = "--player-queue", paramLabel = "BYTES", defaultValue = "4194304",
            description = "Media bytes queued per player before its frames are dropped. Default: ${DEFAULT-VALUE}.")
    long playerQueueBytes;

    /** Chunks larger than this only waste memory on the players' side; 16 MiB - 1 is the largest message. */
    private static final int MAX_USEFUL_CHUNK_SIZE = 0xFFFFFF;
    private static final java.util.Set<String> LOG_LEVELS = java.util.Set.of("trace", "debug", "info", "warn", "error");

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println("rtmp-server: " + e.getMessage());
            return EXIT_USAGE;
        });
        try {
            Path config = findConfigFlag(args);
            if (config != null) {
                cmd.setDefaultValueProvider(propertiesProvider(cmd, config));
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
            spec.commandLine().getErr().println("rtmp-server: cannot listen on " + bind + ":" + port + ": "
                    + e.getMessage());
            return EXIT_START_FAILED;
        } catch (IOException e) {
            spec.commandLine().getErr().println("rtmp-server: cannot start: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Logger.info("shutting down");
            server.close();
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
        if (handshakeTimeoutSeconds <= 0) {
            throw invalid("--handshake-timeout", handshakeTimeoutSeconds, "must be a positive number of seconds");
        }
        if (playerQueueBytes < 64 * 1024) {
            throw invalid("--player-queue", playerQueueBytes, "must be at least 65536 bytes");
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
        SessionConfig session = new SessionConfig(chunkSize, SessionConfig.DEFAULT_WINDOW_ACK_SIZE,
                Duration.ofSeconds(handshakeTimeoutSeconds), playerQueueBytes);
        return new ServerConfig(address, port, Optional.ofNullable(recordDir), session);
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

    private static CommandLine.IDefaultValueProvider propertiesProvider(CommandLine cmd, Path file) {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        } catch (IOException e) {
            throw new ParameterException(cmd, "Invalid value for option '--config': cannot read '" + file + "': "
                    + e.getMessage());
        }
        for (String key : props.stringPropertyNames()) {
            if (key.equals("config") || cmd.getCommandSpec().findOption("--" + key) == null
                    || key.equals("help") || key.equals("version")) {
                throw new ParameterException(cmd, "Invalid value for option '--config': unknown key '" + key
                        + "' in " + file);
            }
        }
        return argSpec -> {
            if (argSpec instanceof OptionSpec option) {
                String value = props.getProperty(option.longestName().replaceFirst("^--", ""));
                if (value != null) {
                    return value.trim();
                }
            }
            return argSpec.defaultValue();
        };
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
