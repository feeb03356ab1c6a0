package dev.rtmpserver.cli;

import dev.rtmpserver.concurrent.Threads;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UncaughtExceptionLoggerTest {
    @Test
    void anExceptionThatEndsAVirtualThreadReachesTheDefaultHandler() throws Exception {
        CompletableFuture<String> logged = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(new UncaughtExceptionLogger(
                (thread, e) -> logged.complete(thread + ": " + e.getMessage())));
        try {
            Threads.startVirtual("conn-7-writer", () -> {
                throw new IllegalStateException("boom");
            }).join();
            assertEquals("conn-7-writer: boom", logged.get(5, TimeUnit.SECONDS));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }
}
