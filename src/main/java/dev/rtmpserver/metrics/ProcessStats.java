package dev.rtmpserver.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * This process as Linux's {@code /proc/self} describes it, for the standard {@code process_*}
 * metrics. The JVM's own beans give CPU time and descriptor counts only through
 * {@code jdk.management}, which the runtime image leaves out.
 *
 * @param cpuSeconds    user and system CPU time of every thread
 * @param openFds       file descriptors open now
 * @param maxFds        the soft limit on open file descriptors
 * @param residentBytes resident memory
 * @param virtualBytes  virtual memory
 */
public record ProcessStats(double cpuSeconds, long openFds, long maxFds, long residentBytes, long virtualBytes) {
    /** /proc gives CPU time in clock ticks of USER_HZ, which is 100 on every architecture Linux runs Java on. */
    private static final double TICKS_PER_SECOND = 100;
    /** utime and stime, counted from the field after the command name (which may hold spaces and parentheses). */
    private static final int UTIME = 11;
    private static final int STIME = 12;

    /** Reads {@code proc} (normally {@code /proc/self}); empty where there is none, as off Linux. */
    public static Optional<ProcessStats> read(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +", -1);
            double cpu = (Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME])) / TICKS_PER_SECOND;
            String status = Files.readString(proc.resolve("status"));
            long openFds;
            try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                openFds = fds.count();
            }
            return Optional.of(new ProcessStats(cpu, openFds, maxOpenFiles(Files.readString(proc.resolve("limits"))),
                    kilobytes(status, "VmRSS:") * 1024, kilobytes(status, "VmSize:") * 1024));
        } catch (IOException | RuntimeException e) {
            // Not Linux, or a /proc this does not understand: the process_* metrics are left out.
            return Optional.empty();
        }
    }

    /** The soft limit from the "Max open files" line of /proc/self/limits. */
    private static long maxOpenFiles(String limits) {
        for (String line : limits.lines().toList()) {
            if (line.startsWith("Max open files")) {
                return Long.parseLong(line.substring("Max open files".length()).trim().split(" +", -1)[0]);
            }
        }
        throw new IllegalArgumentException("no Max open files line");
    }

    /** The value of a {@code Name:   123 kB} line of /proc/self/status. */
    private static long kilobytes(String status, String name) {
        for (String line : status.lines().toList()) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+", -1)[0]);
            }
        }
        throw new IllegalArgumentException("no " + name + " line");
    }
}
