package dev.rtmpserver.stream;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a short task later, on a timer thread. Injected so that tests can run grace periods without waiting. */
@FunctionalInterface
public interface Scheduler {
    /**
     * Runs {@code task} after {@code delay}; the task must not block, and must handle its own
     * failures: nobody is told of an exception it throws.
     *
     * @throws java.util.concurrent.RejectedExecutionException once the timer is shut down
     */
    void schedule(Duration delay, Runnable task);

    // Nothing cancels a task, and a task handles its own failures: the future has nothing to give.
    @SuppressWarnings("FutureReturnValueIgnored")
    static Scheduler of(ScheduledExecutorService timer) {
        return (delay, task) -> timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
