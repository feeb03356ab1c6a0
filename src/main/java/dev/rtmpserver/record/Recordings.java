package dev.rtmpserver.record;

import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PublishListener;
import dev.rtmpserver.stream.StreamRegistry;
import org.tinylog.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import dev.rtmpserver.metrics.Counters;

/** Starts a {@link Recorder} for every publish that the configuration selects, and ends them all on shutdown. */
public final class Recordings implements PublishListener {
    private final RecordConfig config;
    private final RecordFiles files;
    private final StreamRegistry registry;
    /** The recorder of each stream that is still taking frames. */
    private final ConcurrentHashMap<LiveStream, Recorder> active = new ConcurrentHashMap<>();
    /** Every recorder whose thread has not finished, including those finishing their file. */
    private final Set<Recorder> running = ConcurrentHashMap.newKeySet();
    private final Counters counters;
    private final Consumer<RecordedFile> finished;

    /**
     * @param finished told of every file once it is complete, on its recorder's thread
     * @throws IOException if the record directory cannot be created or written, so that the server
     *                     refuses to start rather than silently record nothing
     */
    public Recordings(RecordConfig config, StreamRegistry registry, Counters counters,
                      Consumer<RecordedFile> finished) throws IOException {
        this.config = config;
        this.counters = counters;
        this.finished = finished;
        this.files = new RecordFiles(config.dir());
        this.registry = registry;
        Path probe = Files.createTempFile(files.root(), ".write-test", ".tmp");
        Files.delete(probe);
    }

    Counters counters() {
        return counters;
    }

    void finished(RecordedFile file) {
        finished.accept(file);
    }

    public RecordFiles files() {
        return files;
    }

    /** Recordings whose files are still open. */
    public int runningCount() {
        return running.size();
    }

    /** Recordings stopped by an error (a full disk, say) since start. */
    public long failures() {
        return counters.recordingErrors.sum();
    }

    @Override
    public void published(LiveStream stream, boolean continuing) {
        if (!config.records(stream.key().app(), stream.key().name())) {
            return;
        }
        Recorder recorder = new Recorder(stream, files, config, this);
        if (active.putIfAbsent(stream, recorder) != null) {
            // A publisher reconnected within its grace period: the same recording carries on.
            return;
        }
        running.add(recorder);
        recorder.start();
        registry.subscribe(stream.key(), recorder);
    }

    void ending(Recorder recorder) {
        active.remove(recorder.stream(), recorder);
    }

    void ended(Recorder recorder) {
        active.remove(recorder.stream(), recorder);
        running.remove(recorder);
        registry.unsubscribe(recorder.stream(), recorder);
    }

    void failed(Recorder recorder) {
        counters.recordingErrors.increment();
        ending(recorder);
    }

    /** Ends every recording and waits, up to {@code timeout}, until their files are complete. */
    public void closeAll(Duration timeout) {
        List<Recorder> all = List.copyOf(running);
        all.forEach(Recorder::stop);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Recorder r : all) {
            try {
                r.awaitEnd(Math.max(0, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!running.isEmpty()) {
            Logger.warn("{} recordings did not finish within {}", running.size(), timeout);
        }
    }
}
