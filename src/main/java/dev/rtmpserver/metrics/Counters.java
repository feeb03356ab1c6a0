package dev.rtmpserver.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * The server's event counters, incremented on hot paths by many threads at once (hence
 * {@link LongAdder}) and read when /metrics is scraped. One instance per server.
 */
public final class Counters {
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
}
