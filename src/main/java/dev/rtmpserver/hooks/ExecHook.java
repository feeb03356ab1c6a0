package dev.rtmpserver.hooks;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.stream.PeerText;
import org.tinylog.Logger;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an operator's program, such as a script that uploads a finished recording: directly, with no
 * shell, so nothing in a stream name or a path is ever interpreted. Its output goes to the log,
 * escaped and cut to a few lines; a program that runs too long is killed.
 */
final class ExecHook {
    static final Duration DEFAULT_LIMIT = Duration.ofMinutes(10);
    /** Enough for an error message; a chatty program must not flood the log. */
    private static final int MAX_OUTPUT_LINES = 5;
    private static final int MAX_LINE_BYTES = 1024;
    /** How long the output is read after the program exits: a child it left behind may hold the pipe open. */
    private static final Duration OUTPUT_WAIT = Duration.ofSeconds(1);

    private final String name;
    private final List<String> command;
    private final Duration limit;

    /**
     * @param name    what the log calls it, such as {@code exec-record-done}
     * @param command the program and its first arguments
     */
    ExecHook(String name, List<String> command, Duration limit) {
        this.name = name;
        this.command = List.copyOf(command);
        this.limit = limit;
    }

    /**
     * Runs the program with {@code environment} added to the server's own and {@code argument} as its last
     * argument, and waits for it; true if it exited with status 0 within the limit.
     */
    boolean run(Map<String, String> environment, String argument) throws InterruptedException {
        List<String> words = new ArrayList<>(command);
        words.add(argument);
        ProcessBuilder builder = new ProcessBuilder(words).redirectErrorStream(true);
        String program = command.get(0);
        Process process;
        try {
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException | IllegalArgumentException e) {
            Logger.warn("{}: cannot run {}: {}", name, program, e.getMessage());
            return false;
        }
        long started = System.nanoTime();
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            Logger.debug("{}: closing the input of {} failed: {}", name, program, e.getMessage());
        }
        Thread output = Threads.startVirtual(name + "-output", () -> log(process.getInputStream(), program));
        if (!process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            // Its children first: once the program is gone they belong to init, out of reach.
            List<ProcessHandle> children = process.descendants().toList();
            process.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            Logger.warn("{}: {} ran longer than {} s for {}, killed", name, program,
                    String.format("%.1f", limit.toMillis() / 1000.0), argument);
            return false;
        }
        output.join(OUTPUT_WAIT);
        int status = process.exitValue();
        String took = String.format("%.1f", (System.nanoTime() - started) / 1e9);
        if (status == 0) {
            Logger.info("{}: {} for {} exited with status 0 after {} s", name, program, argument, took);
        } else {
            Logger.warn("{}: {} for {} exited with status {} after {} s", name, program, argument, status, took);
        }
        return status == 0;
    }

    /**
     * Logs the first lines of the program's output, escaped; reads the rest to its end so that the
     * program never blocks on a full pipe. A carriage return ends a line too (progress meters redraw
     * with it), and empty lines are skipped.
     */
    private void log(InputStream stream, String program) {
        int lines = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(stream)) {
            int b;
            do {
                b = in.read();
                if (b != '\n' && b != '\r' && b != -1) {
                    if (line.size() < MAX_LINE_BYTES) {
                        line.write(b);
                    }
                } else if (line.size() > 0) {
                    if (++lines <= MAX_OUTPUT_LINES) {
                        Logger.info("{}: {}: {}", name, program, PeerText.escape(line.toString(StandardCharsets.UTF_8)));
                    }
                    line.reset();
                }
            } while (b != -1);
        } catch (IOException e) {
            Logger.debug("{}: reading the output of {} failed: {}", name, program, e.getMessage());
        }
        if (lines > MAX_OUTPUT_LINES) {
            Logger.info("{}: {}: {} more lines of output not logged", name, program, lines - MAX_OUTPUT_LINES);
        }
    }
}
