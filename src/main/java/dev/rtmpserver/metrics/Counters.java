package dev.rtmpserver.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's event counters, incremented on hot paths by many threads at once (hence
 * {@link LongAdder}) and read when /metrics is scraped. One instance per server.
 */
public final class Counters {
    /**
     * The limits that refuse or close connections, by the names they carry in /metrics; listed so
     * that each is exported (as 0) before it first trips.
     */
    private static final List<String> LIMITS = List.of("connections", "connections_per_address", "streams",
            "message_size", "chunk_size", "chunk_streams", "pending_bytes", "amf_depth", "amf_references",
            "commands_before_connect");
    /** The hooks, by the names they carry in /metrics; listed so that each is exported (as 0) before it first runs. */
    public static final List<String> HOOKS = List.of("unpublish", "done", "record_done", "exec_record_done");
    /** Delivered (a 2xx answer, a program's exit status 0). */
    public static final String HOOK_OK = "ok";
    /** Given up: out of retries, an answer that was not 2xx, a program that failed. */
    public static final String HOOK_FAILED = "failed";
    /** Never tried, because too many hook events were in flight already. */
    public static final String HOOK_DROPPED = "dropped";
    private static final List<String> HOOK_RESULTS = List.of(HOOK_OK, HOOK_FAILED, HOOK_DROPPED);

    public final LongAdder connectionsAccepted = new LongAdder();
    public final LongAdder connectionsRefused = new LongAdder();
    public final LongAdder handshakeFailures = new LongAdder();
    public final LongAdder protocolErrors = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder messagesIn = new LongAdder();
    public final LongAdder messagesOut = new LongAdder();
    public final LongAdder publishesRejected = new LongAdder();
    public final LongAdder playsRejected = new LongAdder();
    public final LongAdder timeouts = new LongAdder();
    public final LongAdder kicks = new LongAdder();
    /** Frames a player lost because its queue was full or it waited too long. */
    public final LongAdder framesDroppedPlayerBehind = new LongAdder();
    /** Frames a recorder lost because the disk did not keep up. */
    public final LongAdder framesDroppedRecorderBehind = new LongAdder();
    /** Frames a push target lost because its server did not take them fast enough. */
    public final LongAdder framesDroppedPushBehind = new LongAdder();
    /** Edge pulls started for a stream nobody published here. */
    public final LongAdder pullsStarted = new LongAdder();
    /** Edge pulls given up: no origin had the stream, or none came back within the reconnect grace. */
    public final LongAdder pullsFailed = new LongAdder();
    /** Edge pulls that lost their origin and carried on from the same or another one. */
    public final LongAdder pullFailovers = new LongAdder();
    public final LongAdder recordingBytes = new LongAdder();
    public final LongAdder recordingErrors = new LongAdder();
    /** Calls to the cluster map's Redis that failed: unreachable, too slow, or refused. */
    public final LongAdder clusterErrors = new LongAdder();
    /** Times the cluster map's Redis stopped answering after it had answered (or at start). */
    public final LongAdder clusterOutages = new LongAdder();
    /** Streams written to the cluster map: new publishes, and streams written back after Redis lost them. */
    public final LongAdder clusterRegistrations = new LongAdder();
    /** Publishes refused because another node of the cluster publishes the stream. */
    public final LongAdder clusterRefusals = new LongAdder();
    /** Publishes admitted without asking the cluster map, because its Redis could not be reached. */
    public final LongAdder clusterUnchecked = new LongAdder();
    private final Map<String, LongAdder> limitsExceeded = new ConcurrentHashMap<>();
    /** By hook, then by result. */
    private final Map<String, Map<String, LongAdder>> hooks = new ConcurrentHashMap<>();

    public Counters() {
        for (String limit : LIMITS) {
            limitsExceeded.put(limit, new LongAdder());
        }
        for (String hook : HOOKS) {
            Map<String, LongAdder> results = new ConcurrentHashMap<>();
            for (String result : HOOK_RESULTS) {
                results.put(result, new LongAdder());
            }
            hooks.put(hook, results);
        }
    }

    /** Counts one connection or request refused by the named limit. */
    public void limitExceeded(String limit) {
        limitsExceeded.computeIfAbsent(limit, l -> new LongAdder()).increment();
    }

    /** Counts one event of {@code hook}: {@link #HOOK_OK}, {@link #HOOK_FAILED} or {@link #HOOK_DROPPED}. */
    public void hook(String hook, String result) {
        hooks.computeIfAbsent(hook, h -> new ConcurrentHashMap<>()).computeIfAbsent(result, r -> new LongAdder())
                .increment();
    }

    /** A snapshot: hook to result to events so far, sorted by both. */
    public Map<String, Map<String, Long>> hooks() {
        Map<String, Map<String, Long>> snapshot = new TreeMap<>();
        hooks.forEach((hook, results) -> {
            Map<String, Long> counts = new TreeMap<>();
            results.forEach((result, n) -> counts.put(result, n.sum()));
            snapshot.put(hook, counts);
        });
        return snapshot;
    }

    /** A snapshot: limit name to refusals so far. */
    public Map<String, Long> limitsExceeded() {
        Map<String, Long> snapshot = new TreeMap<>();
        limitsExceeded.forEach((limit, n) -> snapshot.put(limit, n.sum()));
        return snapshot;
    }
}
