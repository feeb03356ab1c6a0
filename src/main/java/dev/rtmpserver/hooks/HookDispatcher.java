package dev.rtmpserver.hooks;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.metrics.Counters;
import org.tinylog.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Delivers hook events away from every media path and connection thread: each event runs on a
 * thread of its own, and whoever submits it never waits. A POST that fails (no connection, no
 * answer in time, a 5xx) is retried on the {@link RetrySchedule}, then given up with a warning; a
 * receiver's other answers are final. Past {@link #DEFAULT_MAX_IN_FLIGHT} events in flight (a
 * receiver down while thousands of streams end) new events are dropped and counted, so a dead
 * receiver costs bounded memory.
 */
final class HookDispatcher {
    static final int DEFAULT_MAX_IN_FLIGHT = 1000;
    /** A flood of drops logs one warning a second. */
    private static final long DROP_WARNING_INTERVAL_NANOS = 1_000_000_000L;

    /** Sends one POST and returns the HTTP status; a timeout is an {@link HttpTimeoutException}. */
    @FunctionalInterface
    interface Sender {
        int post(URI url, String contentType, String body, Duration timeout) throws IOException, InterruptedException;
    }

    /** Waits between attempts: {@link Thread#sleep(Duration)}, or a test's record of the waits. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** A delivery other than a POST (a program run); true if it succeeded. */
    @FunctionalInterface
    interface Job {
        boolean run() throws InterruptedException;
    }

    private final Sender sender;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final BiConsumer<String, Runnable> threads;
    private final LongSupplier clock;
    private final int maxInFlight;
    private final Duration timeout;
    private final Counters counters;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final AtomicLong dropped = new AtomicLong();
    /** {@link #clock} time of the last drop warning. */
    private final AtomicLong lastDropWarning;

    /**
     * @param random   numbers in [0, 1) for the retry schedule's jitter
     * @param threads  runs each event on a thread of the given name: {@link Threads#startVirtual} in the server
     * @param clock    {@link System#nanoTime()} or a test's: how often drops are logged
     */
    HookDispatcher(Sender sender, Sleeper sleeper, DoubleSupplier random, BiConsumer<String, Runnable> threads,
                   LongSupplier clock, int maxInFlight, Duration timeout, Counters counters) {
        this.sender = sender;
        this.sleeper = sleeper;
        this.random = random;
        this.threads = threads;
        this.clock = clock;
        // So that the first drop warns.
        this.lastDropWarning = new AtomicLong(clock.getAsLong() - DROP_WARNING_INTERVAL_NANOS);
        this.maxInFlight = maxInFlight;
        this.timeout = timeout;
        this.counters = counters;
    }

    /** POSTs with the JDK's HttpClient, each event on a virtual thread of its own. */
    static HookDispatcher create(Duration timeout, Counters counters) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        Sender sender = (url, contentType, body, t) -> http.send(HttpRequest.newBuilder(url).timeout(t)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        return new HookDispatcher(sender, Thread::sleep, Math::random, Threads::startVirtual, System::nanoTime,
                DEFAULT_MAX_IN_FLIGHT, timeout, counters);
    }

    /**
     * Queues a POST of {@code body} to {@code url}; never blocks.
     *
     * @param subject what the event is about, such as {@code live/cam1}, for the log
     */
    void post(String hook, String subject, URI url, HookFormat format, String body) {
        run(hook, () -> deliver(hook + " for " + subject + " to " + shown(url), url, format.contentType(), body));
    }

    /** Queues {@code job} under the same cap as the POSTs; never blocks. */
    void run(String hook, Job job) {
        if (!reserve()) {
            dropped(hook);
            return;
        }
        try {
            threads.accept("hook-" + hook, () -> {
                try {
                    counters.hook(hook, job.run() ? Counters.HOOK_OK : Counters.HOOK_FAILED);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    counters.hook(hook, Counters.HOOK_FAILED);
                } catch (RuntimeException e) {
                    counters.hook(hook, Counters.HOOK_FAILED);
                    Logger.error(e, "hook {} failed", hook);
                } finally {
                    release();
                }
            });
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** @param what the hook, its subject and its URL, for the log */
    private boolean deliver(String what, URI url, String contentType, String body) throws InterruptedException {
        for (int retry = 0; ; retry++) {
            if (retry > 0) {
                sleeper.sleep(RetrySchedule.delay(retry, random));
            }
            String failure;
            boolean worthRetrying;
            try {
                int status = sender.post(url, contentType, body, timeout);
                if (status / 100 == 2) {
                    Logger.debug("hook {} delivered (HTTP {})", what, status);
                    return true;
                }
                failure = "HTTP " + status;
                worthRetrying = status / 100 == 5;
            } catch (HttpTimeoutException e) {
                failure = "no answer within " + timeout.toMillis() + " ms";
                worthRetrying = true;
            } catch (IOException e) {
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                worthRetrying = true;
            }
            if (!worthRetrying || retry == RetrySchedule.RETRIES) {
                Logger.warn("hook {} given up after {} attempt(s): {}", what, retry + 1, failure);
                return false;
            }
            Logger.debug("hook {} failed ({}), will retry", what, failure);
        }
    }

    private boolean reserve() {
        while (true) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void release() {
        if (inFlight.decrementAndGet() == 0) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void dropped(String hook) {
        counters.hook(hook, Counters.HOOK_DROPPED);
        long total = dropped.incrementAndGet();
        long now = clock.getAsLong();
        long last = lastDropWarning.get();
        if (now - last >= DROP_WARNING_INTERVAL_NANOS && lastDropWarning.compareAndSet(last, now)) {
            Logger.warn("hook {} dropped: {} hook events already in flight ({} dropped so far)", hook, maxInFlight,
                    total);
        }
    }

    /** Events submitted and not finished yet, retries included. */
    int inFlight() {
        return inFlight.get();
    }

    /** Waits up to {@code limit} until no event is in flight; false if some still are. */
    boolean awaitIdle(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A URL for the log: its query and user info may hold secrets, so only where it goes is shown. */
    static String shown(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
