package dev.rtmpserver.http;

import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.metrics.BuildInfo;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.metrics.ProcessStats;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.stream.LiveStream;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders the server's figures in the Prometheus text exposition format (version 0.0.4). */
final class Prometheus {
    private static final Path PROC_SELF = Path.of("/proc/self");

    private final StringBuilder sb = new StringBuilder(8192);

    static String render(Counters c, List<Connection.Info> connections, List<LiveStream.View> streams) {
        Prometheus p = new Prometheus();
        Map<String, Integer> roles = new TreeMap<>(Map.of("publisher", 0, "player", 0, "idle", 0));
        connections.forEach(info -> roles.merge(info.role(), 1, Integer::sum));
        p.help("rtmp_connections", "gauge", "Open RTMP connections by role.");
        roles.forEach((role, n) -> p.sample("rtmp_connections", "role", role, n));
        p.gauge("rtmp_streams", "Live streams in the registry, published or awaited.", streams.size());

        p.counter("rtmp_connections_accepted_total", "Connections accepted.", c.connectionsAccepted.sum());
        p.counter("rtmp_connections_refused_total", "Connections refused by a connection limit.",
                c.connectionsRefused.sum());
        p.counter("rtmp_handshake_failures_total", "Connections that failed or timed out in the handshake.",
                c.handshakeFailures.sum());
        p.counter("rtmp_protocol_errors_total", "Connections closed for breaking the protocol.", c.protocolErrors.sum());
        p.counter("rtmp_timeouts_total", "Connections closed by a timeout.", c.timeouts.sum());
        p.counter("rtmp_kicks_total", "Connections closed through the HTTP API.", c.kicks.sum());
        p.counter("rtmp_received_bytes_total", "Bytes received from RTMP peers.", c.bytesIn.sum());
        p.counter("rtmp_sent_bytes_total", "Bytes sent to RTMP peers.", c.bytesOut.sum());
        p.counter("rtmp_received_messages_total", "RTMP messages received.", c.messagesIn.sum());
        p.counter("rtmp_sent_messages_total", "RTMP messages sent.", c.messagesOut.sum());
        p.help("rtmp_limit_exceeded_total", "counter",
                "Connections refused or closed, and publish or play requests refused, by the limit they exceeded.");
        c.limitsExceeded().forEach((limit, n) -> p.sample("rtmp_limit_exceeded_total", "limit", limit, n));
        p.counter("rtmp_publishes_rejected_total", "Publish requests refused.", c.publishesRejected.sum());
        p.counter("rtmp_plays_rejected_total", "Play requests refused.", c.playsRejected.sum());
        p.help("rtmp_frames_dropped_total", "counter", "Frames dropped, by reason.");
        p.sample("rtmp_frames_dropped_total", "reason", "player_behind", c.framesDroppedPlayerBehind.sum());
        p.sample("rtmp_frames_dropped_total", "reason", "recorder_behind", c.framesDroppedRecorderBehind.sum());
        p.sample("rtmp_frames_dropped_total", "reason", "push_behind", c.framesDroppedPushBehind.sum());
        p.counter("rtmp_pulls_started_total", "Edge pulls started for a stream not published here.",
                c.pullsStarted.sum());
        p.counter("rtmp_pulls_failed_total", "Edge pulls given up because no origin had the stream.",
                c.pullsFailed.sum());
        p.counter("rtmp_pull_failovers_total", "Edge pulls that lost their origin and resumed from one.",
                c.pullFailovers.sum());
        p.counter("rtmp_recording_bytes_total", "Bytes written to recordings.", c.recordingBytes.sum());
        p.counter("rtmp_recording_errors_total", "Recordings stopped by an error.", c.recordingErrors.sum());
        p.help("rtmp_hooks_total", "counter",
                "Hook events by hook and result: ok (delivered), failed (given up), dropped (too many in flight).");
        c.hooks().forEach((hook, results) -> results.forEach((result, n) -> p.sb.append("rtmp_hooks_total{hook=\"")
                .append(hook).append("\",result=\"").append(result).append("\"} ").append(n).append('\n')));

        p.counter("rtmp_cluster_redis_errors_total", "Calls to the cluster map's Redis that failed.",
                c.clusterErrors.sum());
        p.counter("rtmp_cluster_redis_outages_total", "Times the cluster map's Redis stopped answering.",
                c.clusterOutages.sum());
        p.counter("rtmp_cluster_registrations_total",
                "Streams written to the cluster map: new publishes, and those written back after Redis lost them.",
                c.clusterRegistrations.sum());
        p.counter("rtmp_cluster_refusals_total", "Publishes refused because another node publishes the stream.",
                c.clusterRefusals.sum());
        p.counter("rtmp_cluster_unchecked_publishes_total",
                "Publishes admitted without asking the cluster map, because its Redis could not be reached.",
                c.clusterUnchecked.sum());

        p.help("rtmp_stream_bitrate_kbps", "gauge", "Incoming bitrate of a stream over the last second.");
        streams.forEach(s -> p.streamSample("rtmp_stream_bitrate_kbps", s, s.stats().bitrateKbps()));
        p.help("rtmp_stream_frame_rate", "gauge", "Video frames per second of a stream over the last five seconds.");
        streams.forEach(s -> p.streamSample("rtmp_stream_frame_rate", s, s.stats().frameRate()));
        p.help("rtmp_stream_keyframe_interval_seconds", "gauge", "Time between the last two keyframes of a stream.");
        streams.forEach(s -> p.streamSample("rtmp_stream_keyframe_interval_seconds", s,
                s.stats().keyframeIntervalMillis() / 1000.0));
        p.help("rtmp_stream_bytes_received_total", "counter", "Media bytes received from a stream's publishers.");
        streams.forEach(s -> p.streamSample("rtmp_stream_bytes_received_total", s, s.stats().bytesIn()));
        p.help("rtmp_stream_bytes_sent_total", "counter",
                "Bytes of a stream written to its players, RTMP chunk headers included.");
        streams.forEach(s -> p.streamSample("rtmp_stream_bytes_sent_total", s, s.bytesSent()));
        p.help("rtmp_stream_players", "gauge", "RTMP players attached to a stream.");
        streams.forEach(s -> p.streamSample("rtmp_stream_players", s, s.players()));
        p.help("rtmp_stream_recorders", "gauge", "Recorders attached to a stream.");
        streams.forEach(s -> p.streamSample("rtmp_stream_recorders", s, s.recorders()));

        p.gauge("rtmp_virtual_threads", "Virtual threads of connections, writers, recorders and playbacks.",
                Threads.liveVirtualThreads());
        p.help("rtmp_build_info", "gauge", "The server's version and the Java runtime it runs on; always 1.");
        p.sb.append("rtmp_build_info{version=\"").append(escape(BuildInfo.version())).append("\",java=\"")
                .append(escape(Runtime.version().toString())).append("\"} 1\n");
        ProcessStats.read(PROC_SELF).ifPresent(p::process);
        p.jvm();
        return p.sb.toString();
    }

    /** The metrics every Prometheus client library exports for its process, under the same names. */
    private void process(ProcessStats s) {
        help("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        sb.append("process_cpu_seconds_total ").append(number(s.cpuSeconds())).append('\n');
        gauge("process_open_fds", "Number of open file descriptors.", s.openFds());
        gauge("process_max_fds", "Maximum number of open file descriptors.", s.maxFds());
        gauge("process_resident_memory_bytes", "Resident memory size in bytes.", s.residentBytes());
        gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", s.virtualBytes());
        gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
    }

    /** The JVM's figures under the names of the Prometheus Java client's JVM metrics, so its dashboards work. */
    private void jvm() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Map<String, MemoryUsage> areas = new TreeMap<>(Map.of("heap", memory.getHeapMemoryUsage(),
                "nonheap", memory.getNonHeapMemoryUsage()));
        help("jvm_memory_used_bytes", "gauge", "Used bytes of a given JVM memory area.");
        areas.forEach((area, u) -> sample("jvm_memory_used_bytes", "area", area, u.getUsed()));
        help("jvm_memory_committed_bytes", "gauge", "Committed (bytes) of a given JVM memory area.");
        areas.forEach((area, u) -> sample("jvm_memory_committed_bytes", "area", area, u.getCommitted()));
        help("jvm_memory_max_bytes", "gauge", "Max (bytes) of a given JVM memory area; -1 if it has none.");
        areas.forEach((area, u) -> sample("jvm_memory_max_bytes", "area", area, u.getMax()));

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        gauge("jvm_threads_current", "Current thread count of a JVM (platform threads; see rtmp_virtual_threads).",
                threads.getThreadCount());
        gauge("jvm_threads_daemon", "Daemon thread count of a JVM.", threads.getDaemonThreadCount());
        gauge("jvm_threads_peak", "Peak thread count of a JVM.", threads.getPeakThreadCount());
        counter("jvm_threads_started_total", "Started thread count of a JVM.", threads.getTotalStartedThreadCount());

        help("jvm_gc_collection_seconds", "summary", "Time spent in a given JVM garbage collector in seconds.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            // -1 means the collector cannot tell; a summary's count and sum must not go below zero.
            sample("jvm_gc_collection_seconds_count", "gc", gc.getName(), Math.max(0, gc.getCollectionCount()));
            sample("jvm_gc_collection_seconds_sum", "gc", gc.getName(), Math.max(0, gc.getCollectionTime()) / 1000.0);
        }

        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        gauge("jvm_classes_currently_loaded", "The number of classes that are currently loaded in the JVM.",
                classes.getLoadedClassCount());
        counter("jvm_classes_loaded_total",
                "The total number of classes that have been loaded since the JVM has started execution.",
                classes.getTotalLoadedClassCount());
        counter("jvm_classes_unloaded_total",
                "The total number of classes that have been unloaded since the JVM has started execution.",
                classes.getUnloadedClassCount());
    }

    private void counter(String name, String help, long value) {
        help(name, "counter", help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    private void gauge(String name, String help, long value) {
        help(name, "gauge", help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    private void gauge(String name, String help, double value) {
        help(name, "gauge", help);
        sb.append(name).append(' ').append(number(value)).append('\n');
    }

    private void help(String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String label, String value, long n) {
        sb.append(name).append('{').append(label).append("=\"").append(escape(value)).append("\"} ")
                .append(n).append('\n');
    }

    private void sample(String name, String label, String value, double n) {
        sb.append(name).append('{').append(label).append("=\"").append(escape(value)).append("\"} ")
                .append(number(n)).append('\n');
    }

    private void streamSample(String name, LiveStream.View s, long n) {
        sb.append(name).append("{app=\"").append(escape(s.key().app())).append("\",stream=\"")
                .append(escape(s.key().name())).append("\"} ").append(n).append('\n');
    }

    private void streamSample(String name, LiveStream.View s, double n) {
        sb.append(name).append("{app=\"").append(escape(s.key().app())).append("\",stream=\"")
                .append(escape(s.key().name())).append("\"} ").append(number(n)).append('\n');
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    /**
     * Label values escape backslash, double quote and line feed as the format says; stream names
     * come from the network, and the format has no escape for other control characters, which
     * some parsers take as line ends, so they become U+FFFD.
     */
    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
                        ? '\uFFFD' : c);
            }
        }
        return sb.toString();
    }
}
