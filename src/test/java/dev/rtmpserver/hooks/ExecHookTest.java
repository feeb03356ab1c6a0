package dev.rtmpserver.hooks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real programs: small shell scripts, which the hook itself runs without a shell. */
@Timeout(30)
class ExecHookTest {
    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path script = dir.resolve("hook.sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void getsTheValuesInItsEnvironmentAndThePathAsItsLastArgumentUninterpreted() throws Exception {
        Path out = dir.resolve("out.txt");
        Path script = script("printf '%s|' \"$@\" > " + out + "; printf '%s|%s' \"$RTMP_NAME\" \"$RTMP_SIZE\" >> " + out
                + "\necho uploaded");
        ExecHook hook = new ExecHook("exec-record-done", List.of(script.toString(), "$HOME", "*", "a;b"),
                Duration.ofSeconds(20));
        assertTrue(hook.run(Map.of("RTMP_NAME", "cam&1=x $(id)", "RTMP_SIZE", "42"), "/rec/live/cam.flv"));
        assertEquals("$HOME|*|a;b|/rec/live/cam.flv|cam&1=x $(id)|42", Files.readString(out));
    }

    @Test
    void aFailingProgramFails() throws Exception {
        Path script = script("echo 'no bucket' >&2\nexit 3");
        assertFalse(new ExecHook("exec-record-done", List.of(script.toString()), Duration.ofSeconds(20))
                .run(Map.of(), "/rec/x.flv"));
    }

    @Test
    void aProgramThatCannotStartFails() throws Exception {
        assertFalse(new ExecHook("exec-record-done", List.of(dir.resolve("absent").toString()), Duration.ofSeconds(20))
                .run(Map.of(), "/rec/x.flv"));
    }

    @Test
    void aProgramPastItsLimitIsKilledWithItsChildren() throws Exception {
        Path pid = dir.resolve("child.pid");
        Path script = script("sleep 60 &\necho $! > " + pid + "\nwait");
        long started = System.nanoTime();
        assertFalse(new ExecHook("exec-record-done", List.of(script.toString()), Duration.ofMillis(500))
                .run(Map.of(), "/rec/x.flv"));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "killed at its limit");
        long child = Long.parseLong(Files.readString(pid).strip());
        ProcessHandle.of(child).ifPresent(p -> p.onExit().join());
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "its child is gone too");
    }

    @Test
    void chattyOutputNeverBlocksTheProgram() throws Exception {
        // Far more than a pipe holds: the hook must read it all, logging only the first lines.
        Path script = script("i=0; while [ $i -lt 20000 ]; do echo \"line $i of noise\"; i=$((i+1)); done");
        assertTrue(new ExecHook("exec-record-done", List.of(script.toString()), Duration.ofSeconds(20))
                .run(Map.of(), "/rec/x.flv"));
    }
}
