package dev.rtmpserver.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** CPU time and memory of a process, and of the whole machine, from Linux's /proc. */
final class ProcStats {
    /** What Linux has used on every common architecture; used when getconf cannot say. */
    static final long ASSUMED_CLOCK_TICKS = 100;

    private ProcStats() {
    }

    /** The clock ticks per second that /proc counts in, and where that number came from. */
    record ClockTicks(long perSecond, boolean assumed) {
    }

    static ClockTicks clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readNBytes(64);
            if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                long ticks = Long.parseLong(new String(out, StandardCharsets.US_ASCII).strip());
                if (ticks > 0) {
                    return new ClockTicks(ticks, false);
                }
            }
            p.destroyForcibly();
        } catch (IOException | NumberFormatException e) {
            // fall through to the assumption, which the report states
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ClockTicks(ASSUMED_CLOCK_TICKS, true);
    }

    /** utime + stime of a process in clock ticks, its threads included; -1 if it is gone. */
    static long cpuTicks(long pid) {
        long[] t = cpuTicksSplit(pid);
        return t == null ? -1 : t[0] + t[1];
    }

    /**
     * utime and stime of a process in clock ticks, or null if it is gone: system time is mostly
     * socket calls, so the split shows whether a server spends its CPU in the kernel or in itself.
     */
    static long[] cpuTicksSplit(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name in parentheses may itself hold spaces and parentheses.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
            // After the name, field 3 (state) is f[0]; utime and stime are fields 14 and 15.
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM), or -1. */
    static long statusKb(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // reported as unknown
        }
        return -1;
    }

    /** Busy and total clock ticks of all CPUs together, from the first line of /proc/stat. */
    record HostTicks(long busy, long total) {
        /** Busy clock ticks of all CPUs between {@code earlier} and this sample. */
        long busyTicksSince(HostTicks earlier) {
            return busy - earlier.busy;
        }

        /** The fraction of all CPUs that was busy between {@code earlier} and this sample. */
        double busySince(HostTicks earlier) {
            long t = total - earlier.total;
            return t <= 0 ? Double.NaN : (double) (busy - earlier.busy) / t;
        }
    }

    static HostTicks hostTicks() {
        try (var lines = Files.lines(Path.of("/proc/stat"))) {
            String[] f = lines.findFirst().orElse("").trim().split("\\s+", -1);
            long total = 0;
            // user nice system idle iowait irq softirq steal; guest time is already in user.
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new HostTicks(total - idle, total);
        } catch (IOException | RuntimeException e) {
            return new HostTicks(0, 0);
        }
    }
}
