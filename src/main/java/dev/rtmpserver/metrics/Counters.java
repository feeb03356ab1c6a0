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
    public final LongAdder recordingBytes = new LongAdder();
    public final LongAdder recordingErrors = new LongAdder();
    private final Map<String, LongAdder> limitsExceeded = new ConcurrentHashMap<>();

    public Counters() {
        for (String limit : LIMITS) {
            limitsExceeded.put(limit, new LongAdder());
        }
    }

    /** Counts one connection or request refused by the named limit. */
    public void limitExceeded(String limit) {
        limitsExceeded.computeIfAbsent(limit, l -> new LongAdder()).increment();
    }

    /** A snapshot: limit name to refusals so far. */
    public Map<String, Long> limitsExceeded() {
        Map<String, Long> snapshot = new TreeMap<>();
        limitsExceeded.forEach((limit, n) -> snapshot.put(limit, n.sum()));
        return snapshot;
    }
}
