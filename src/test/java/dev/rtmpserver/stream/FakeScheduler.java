package dev.rtmpserver.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records what the registry schedules; the test runs tasks when its {@link FakeClock} says they are due. */
public final class FakeScheduler implements Scheduler {
    public record Task(long dueNanos, Duration delay, Runnable task) {
    }

    private final FakeClock clock;
    private final List<Task> pending = new ArrayList<>();

    public FakeScheduler(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void schedule(Duration delay, Runnable task) {
        pending.add(new Task(clock.getAsLong() + delay.toNanos(), delay, task));
    }

    public synchronized List<Task> pending() {
        return List.copyOf(pending);
    }

    /** Runs the tasks that are due by the clock, in the order they were scheduled; returns how many ran. */
    public int runDue() {
        List<Task> due = new ArrayList<>();
        synchronized (this) {
            for (Task t : pending) {
                if (clock.getAsLong() - t.dueNanos() >= 0) {
                    due.add(t);
                }
            }
            pending.removeAll(due);
        }
        due.forEach(t -> t.task().run());
        return due.size();
    }

    /** Runs one task now, whether due or not: how a late timer looks to the registry. */
    void run(Task t) {
        synchronized (this) {
            if (!pending.remove(t)) {
                throw new IllegalStateException("not pending: " + t);
            }
        }
        t.task().run();
    }
}
