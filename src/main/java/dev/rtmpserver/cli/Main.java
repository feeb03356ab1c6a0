package dev.rtmpserver.cli;

import dev.rtmpserver.cli.ConfigBuilder.InvalidOption;
import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.http.ConfigReload;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;
import org.tinylog.Logger;
import org.tinylog.configuration.Configuration;
import org.tinylog.provider.ProviderRegistry;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code rtmp-server} command: parses the {@link Options} over the {@link ConfigFile}, builds the
 * configuration ({@link ConfigBuilder}), starts the server, reloads on SIGHUP ({@link Reloader}) and waits for
 * SIGTERM.
 */
public final class Main {
    static final int EXIT_START_FAILED = 1;
    static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        UncaughtExceptionLogger.install();
        int status = run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8));
        flushLog();
        System.exit(status);
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        Options options = new Options();
        ServerConfig config;
        try {
            config = read(args, options, out, err);
            if (config == null) {
                return 0;
            }
        } catch (ParameterException | InvalidOption e) {
            err.println("rtmp-server: " + e.getMessage());
            return EXIT_USAGE;
        }
        // tinylog takes its configuration once, at the first log line; only a JVM that logged before
        // the command ran (a test run) finds it frozen, and keeps the level it had.
        if (!Configuration.isFrozen()) {
            Configuration.set("level", options.general.logLevel.name());
        }
        RtmpServer server = new RtmpServer(config);
        Reloader reloader = new Reloader(args, options, server);
        server.setConfigReload(reloader);
        reloadOnHangUp(reloader);
        exitCleanlyOn("TERM");
        exitCleanlyOn("INT");
        return startAndWait(server, err);
    }

    /**
     * Reads {@code args} over the --config file they name into {@code options} and builds the configuration
     * from them, with every check: start-up and each reload read it the same way.
     *
     * @return null if --help or --version was asked for, and answered on {@code out}
     */
    static ServerConfig read(String[] args, Options options, PrintWriter out, PrintWriter err) {
        CommandLine cmd = Options.commandLine(options).setOut(out).setErr(err);
        Options.refuseRetired(args, cmd);
        ConfigFile file = ConfigFile.of(args, cmd);
        cmd.setDefaultValueProvider(file.over(cmd.getDefaultValueProvider()));
        ParseResult parsed = cmd.parseArgs(args);
        Options.refuseRepeatedOptions(parsed);
        if (CommandLine.printHelpIfRequested(parsed)) {
            return null;
        }
        options.http.portGiven = parsed.hasMatchedOption("--http-port") || file.sets("http-port");
        ServerConfig config = ConfigBuilder.build(options, file.perApplication());
        checkFiles(config);
        return config;
    }

    /** The builder does no IO, so whether the files the configuration names are usable is checked here. */
    private static void checkFiles(ServerConfig config) {
        Optional<Path> recordDir = config.recording().map(RecordConfig::dir);
        if (recordDir.isPresent() && Files.exists(recordDir.get()) && !Files.isDirectory(recordDir.get())) {
            throw InvalidOption.of("--record-dir", recordDir.get(), "must be a directory, or not exist yet");
        }
        if (config.tls().isPresent()) {
            TlsConfig tls = config.tls().get();
            requireReadable("--tls-cert", tls.certificate());
            if (tls.key() != null) {
                requireReadable("--tls-key", tls.key());
            }
            try {
                tls.sslContext();
            } catch (TlsConfig.TlsFileException e) {
                throw InvalidOption.because(e.option(), e.getMessage());
            } catch (IOException e) {
                throw InvalidOption.because("--tls-cert", "cannot read " + tls.certificate() + ": " + e.getMessage());
            }
        }
    }

    private static void requireReadable(String option, Path file) {
        if (!Files.isReadable(file)) {
            throw InvalidOption.of(option, file, "must be a readable file");
        }
    }

    /**
     * SIGHUP reloads the configuration, as daemons do; the JVM's own answer would be to exit. The reload
     * reads files and may wait for another, so it runs on a thread of its own, never the signal thread.
     */
    private static void reloadOnHangUp(Reloader reloader) {
        try {
            Signals.on("HUP", () -> Threads.startVirtual("sighup", () -> {
                try {
                    reloader.reload("SIGHUP");
                } catch (ConfigReload.Rejected e) {
                    // Logged by the reloader; the running configuration stays.
                }
            }));
        } catch (IllegalArgumentException e) {
            // Under -Xrs the JVM may not handle signals, so SIGHUP keeps its default action.
            Logger.warn("SIGHUP will stop the server: {}", e.getMessage());
        }
    }

    /**
     * The JVM's own answer to SIGTERM and SIGINT exits with 143 and 130, which service managers and
     * scripts read as failures; a requested stop that ends cleanly is status 0. Exiting runs the
     * shutdown hook, which stops the server.
     */
    private static void exitCleanlyOn(String name) {
        try {
            Signals.on(name, () -> System.exit(0));
        } catch (IllegalArgumentException e) {
            // Under -Xrs the JVM leaves signals alone: the default exit status then stands.
            Logger.debug("SIG{} keeps its default action: {}", name, e.getMessage());
        }
    }

    private static int startAndWait(RtmpServer server, PrintWriter err) {
        ServerConfig config = server.config();
        try {
            server.start();
        } catch (BindException e) {
            err.println("rtmp-server: cannot listen for " + e.getMessage());
            return EXIT_START_FAILED;
        } catch (IOException e) {
            String what = config.recording().isPresent() && !server.isListening()
                    ? "cannot write to --record-dir " + config.recording().get().dir() : "cannot start";
            err.println("rtmp-server: " + what + ": " + e);
            return EXIT_START_FAILED;
        }
        HeapWatch.startIfSerial();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Logger.info("shutting down");
            server.close();
            Logger.info("stopped");
            flushLog();
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Nothing interrupts the main thread; were it to happen, exiting runs the shutdown hook all the same.
            Thread.currentThread().interrupt();
        }
        return 0;
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
}
