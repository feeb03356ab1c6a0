package dev.rtmpserver.server;

import dev.rtmpserver.cluster.ClusterConfig;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.record.RecordConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a configuration reload does with a newly read configuration: everything takes effect except what
 * is bound at start (listening sockets, the TLS certificate, the HTTP listener and its token, the record
 * directory, the chunk size every player's shared frame encoding is made for, the hooks, whose sender
 * is made at start, the cluster map, whose Redis client and node id are), which keeps its running value
 * and is named, by its option, as needing a restart.
 *
 * @param applied      the configuration the server runs with from now on
 * @param needsRestart the options whose new value waits for a restart, in {@code --help} order
 */
public record Reload(ServerConfig applied, List<String> needsRestart) {
    public Reload {
        needsRestart = List.copyOf(needsRestart);
    }

    /** Merges {@code next} into {@code running}; no side effects. */
    public static Reload of(ServerConfig running, ServerConfig next) {
        ServerConfig applied = new ServerConfig(running.bind(), running.port(),
                recording(running.recording(), next.recording()),
                next.session().withChunkSize(running.session().chunkSize()), next.streams(), next.appStreams(),
                running.http(), next.limits(), running.tls(), next.access(), running.hooks(), next.pushes(),
                next.pulls(), running.cluster());
        return new Reload(applied, needsRestart(running, next));
    }

    /** The restart-only options whose value differs between the two configurations. */
    static List<String> needsRestart(ServerConfig running, ServerConfig next) {
        List<String> options = new ArrayList<>();
        changed(options, "--port", running.port(), next.port());
        changed(options, "--bind", running.bind(), next.bind());
        changed(options, "--chunk-size", running.session().chunkSize(), next.session().chunkSize());
        changed(options, "--record-dir", running.recording().map(RecordConfig::dir),
                next.recording().map(RecordConfig::dir));
        http(options, running.http(), next.http());
        tls(options, running.tls(), next.tls());
        HookConfig r = running.hooks();
        HookConfig n = next.hooks();
        changed(options, "--on-unpublish", r.onUnpublish(), n.onUnpublish());
        changed(options, "--on-done", r.onDone(), n.onDone());
        changed(options, "--on-record-done", r.onRecordDone(), n.onRecordDone());
        changed(options, "--exec-record-done", r.execRecordDone(), n.execRecordDone());
        changed(options, "--hook-format", r.format(), n.format());
        changed(options, "--hook-timeout", r.timeout(), n.timeout());
        changed(options, "--cluster-redis", running.cluster().map(ClusterConfig::redis),
                next.cluster().map(ClusterConfig::redis));
        changed(options, "--advertise-url", running.cluster().map(ClusterConfig::advertiseUrl),
                next.cluster().map(ClusterConfig::advertiseUrl));
        return options;
    }

    /**
     * Selections and segment limits are read at each publish, but the directory is where files are being
     * written and served from: with recording off at start, or another directory, the running one stays.
     */
    private static Optional<RecordConfig> recording(Optional<RecordConfig> running, Optional<RecordConfig> next) {
        if (running.isEmpty() || next.isEmpty()) {
            return running;
        }
        RecordConfig n = next.get();
        return Optional.of(new RecordConfig(running.get().dir(), n.selection(), n.segmentLength(), n.segmentBytes(),
                n.queueBytes()));
    }

    private static void http(List<String> options, Optional<HttpConfig> running, Optional<HttpConfig> next) {
        if (running.isPresent() != next.isPresent()) {
            options.add("--http-port");
            return;
        }
        if (running.isPresent()) {
            HttpConfig r = running.get();
            HttpConfig n = next.get();
            changed(options, "--http-port", r.port(), n.port());
            changed(options, "--http-bind", r.bind(), n.bind());
            changed(options, "--api-token", r.apiToken(), n.apiToken());
            changed(options, "--https-port", r.https().map(TlsConfig::port), n.https().map(TlsConfig::port));
            changed(options, "--http-allow-origin", r.allowOrigins(), n.allowOrigins());
            changed(options, "--hls", r.hls().enabled(), n.hls().enabled());
            changed(options, "--hls-segment", r.hls().segment(), n.hls().segment());
            changed(options, "--hls-part", r.hls().part(), n.hls().part());
        }
    }

    private static void tls(List<String> options, Optional<TlsConfig> running, Optional<TlsConfig> next) {
        if (running.isPresent() != next.isPresent()) {
            options.add("--tls-port");
            return;
        }
        if (running.isPresent()) {
            TlsConfig r = running.get();
            TlsConfig n = next.get();
            changed(options, "--tls-port", r.port(), n.port());
            changed(options, "--tls-cert", r.certificate(), n.certificate());
            changed(options, "--tls-key", r.key(), n.key());
            if (!Arrays.equals(r.password(), n.password())) {
                options.add("--tls-password");
            }
        }
    }

    private static void changed(List<String> options, String option, Object running, Object next) {
        if (!Objects.equals(running, next)) {
            options.add(option);
        }
    }
}
