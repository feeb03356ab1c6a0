package dev.rtmpserver.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessStatsTest {
    @TempDir
    Path proc;

    @Test
    void readsCpuMemoryAndDescriptorsFromProc() throws Exception {
        // A command name may hold spaces and parentheses: fields are counted from the last ')'.
        Files.writeString(proc.resolve("stat"), "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 51 0 0 0 "
                + "1234 566 0 0 20 0 42 0 1234567 8589934592 25000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0"
                + " 0 0 0\n");
        Files.writeString(proc.resolve("status"), """
                Name:\tjava
                VmPeak:\t 9000000 kB
                VmSize:\t 8388608 kB
                VmRSS:\t  102400 kB
                Threads:\t42
                """);
        Files.writeString(proc.resolve("limits"), """
                Limit                     Soft Limit           Hard Limit           Units
                Max cpu time              unlimited            unlimited            seconds
                Max open files            65536                524288               files
                """);
        Files.createDirectories(proc.resolve("fd"));
        for (int fd = 0; fd < 5; fd++) {
            Files.createFile(proc.resolve("fd").resolve(Integer.toString(fd)));
        }
        ProcessStats s = ProcessStats.read(proc).orElseThrow();
        assertEquals(18.0, s.cpuSeconds(), 1e-9, "(1234 + 566) ticks of 1/100 s");
        assertEquals(5, s.openFds());
        assertEquals(65536, s.maxFds(), "the soft limit");
        assertEquals(102400L * 1024, s.residentBytes());
        assertEquals(8388608L * 1024, s.virtualBytes());
    }

    @Test
    void withoutProcThereAreNone() {
        assertEquals(Optional.empty(), ProcessStats.read(proc.resolve("missing")));
    }

    @Test
    void thisProcessReadsItself() {
        if (Files.isDirectory(Path.of("/proc/self/fd"))) {
            ProcessStats s = ProcessStats.read(Path.of("/proc/self")).orElseThrow();
            assertTrue(s.openFds() > 0 && s.maxFds() >= s.openFds() && s.residentBytes() > 0
                    && s.virtualBytes() >= s.residentBytes(), s.toString());
        }
    }
}
