package dev.rtmpserver.cli;

import org.tinylog.Logger;

import java.util.function.BiConsumer;

/**
 * The process's one handler for exceptions that end a thread, virtual ones included: they go to the log
 * with the thread's name, instead of to stderr, out of order with the log lines around them.
 */
final class UncaughtExceptionLogger implements Thread.UncaughtExceptionHandler {
    private final BiConsumer<String, Throwable> log;

    UncaughtExceptionLogger() {
        this((thread, e) -> Logger.error(e, "uncaught exception in thread {}", thread));
    }

    /** @param log receives the thread's name and the exception */
    UncaughtExceptionLogger(BiConsumer<String, Throwable> log) {
        this.log = log;
    }

    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(new UncaughtExceptionLogger());
    }

    @Override
    public void uncaughtException(Thread thread, Throwable e) {
        log.accept(thread.getName(), e);
    }
}
