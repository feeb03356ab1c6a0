package dev.rtmpserver.cli;

import dev.rtmpserver.cli.ConfigBuilder.InvalidOption;
import dev.rtmpserver.http.ConfigReload;
import dev.rtmpserver.server.Reload;
import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;
import org.tinylog.Logger;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SIGHUP and {@code POST /api/reload}: the arguments the server started with are read again, over their
 * --config file as it is now, exactly as at start, and the server applies what can change without a
 * restart. A file that would not start the server changes nothing.
 */
final class Reloader implements ConfigReload {
    private final String[] args;
    /** Null when the server was started without --config: then nothing can have changed. */
    private final Path file;
    /** tinylog cannot change its level once it has logged. */
    private final Options.LogLevel logLevel;
    private final RtmpServer server;
    /** One reload at a time, so that an older reading of the file is never applied over a newer one. */
    private final ReentrantLock lock = new ReentrantLock();

    /** @param started the options the server was started with */
    Reloader(String[] args, Options started, RtmpServer server) {
        this.args = args.clone();
        this.file = started.general.configFile;
        this.logLevel = started.general.logLevel;
        this.server = server;
    }

    @Override
    public Result reload() {
        return reload("POST /api/reload");
    }

    /** @param trigger what asked for the reload, for the log */
    Result reload(String trigger) {
        if (file == null) {
            Logger.warn("configuration not reloaded ({}): the server was started without --config, so there is no"
                    + " file to read again", trigger);
            return new Result(false, List.of());
        }
        lock.lock();
        try {
            Options options = new Options();
            ServerConfig next;
            try {
                PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
                next = Main.read(args, options, nowhere, nowhere);
            } catch (ParameterException | InvalidOption e) {
                Logger.error("configuration not reloaded from {} ({}), the running one stays: {}", file, trigger,
                        e.getMessage());
                throw new Rejected(e.getMessage());
            }
            Reload reload = server.reload(next);
            List<String> needsRestart = new ArrayList<>();
            if (options.general.logLevel != logLevel) {
                needsRestart.add("--log-level");
            }
            needsRestart.addAll(reload.needsRestart());
            Logger.info("configuration reloaded from {} ({})", file, trigger);
            if (!needsRestart.isEmpty()) {
                Logger.warn("not applied until restart: {}", String.join(", ", needsRestart));
            }
            return new Result(true, needsRestart);
        } finally {
            lock.unlock();
        }
    }
}
