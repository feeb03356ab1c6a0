package dev.rtmpserver.cli;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.cluster.ClusterConfig;
import dev.rtmpserver.edge.PullConfig;
import dev.rtmpserver.hls.HlsConfig;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.relay.PushConfig;
import dev.rtmpserver.relay.PushUrl;
import dev.rtmpserver.server.Limits;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.session.ProtocolLimits;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.StreamPolicy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns parsed {@link Options} and the config file's per-application settings into a {@link ServerConfig}.
 * Every value is checked here, once, and an error names the option and what it accepts. No picocli, no IO
 * and no logging: {@link Main} checks the files the result names.
 */
final class ConfigBuilder {
    private static final int MAX_PORT = 65535;
    /** A web origin as browsers send it: scheme, host, perhaps a port; no path. */
    private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?|https?://\\[[0-9A-Fa-f:.]+](:\\d{1,5})?");
    /** The longest message an RTMP chunk header can announce. */
    private static final int MAX_MESSAGE_BYTES = 0xFFFFFF;
    /** Chunks larger than this only waste memory on the players' side; 16 MiB - 1 is the largest message. */
    private static final int MAX_USEFUL_CHUNK_SIZE = MAX_MESSAGE_BYTES;
    private static final long MIN_PLAYER_QUEUE_BYTES = 64 * 1024;
    private static final String ON_OFF = "must be on or off";
    private static final String WRITE_DELAY = "must be 0.." + Syntax.format(StreamPolicy.MAX_PLAYER_WRITE_DELAY)
            + ", such as 0, 50ms or 350ms";

    private ConfigBuilder() {
    }

    /** @param perApplication the {@code app.NAME.KEY} settings, by application name */
    static ServerConfig build(Options options, Map<String, Map<AppKey, String>> perApplication) {
        StreamPolicy streams = streams(options.live, options.players);
        return new ServerConfig(options.listener.bind, between("--port", options.listener.port, 0, MAX_PORT),
                recording(options.recording, perApplication), session(options), streams,
                appStreams(streams, perApplication), http(options.http, options.hls, options.tls), limits(options.limits), tls(options.tls),
                access(options.access, perApplication), hooks(options.hooks, options.recording),
                pushes(perApplication), pulls(options.live, perApplication), cluster(options.cluster));
    }

    private static PullConfig pulls(Options.LiveStreams live, Map<String, Map<AppKey, String>> perApplication) {
        Map<String, List<String>> origins = perApp(perApplication, AppKey.PULL, ConfigBuilder::pushUrls,
                "must be comma-separated rtmp:// or rtmps:// URLs with a host and an application");
        return new PullConfig(origins, notNegative("--pull-linger", live.pullLinger),
                appsWithOn(perApplication, AppKey.PULL_INSECURE), longerThanZero("--pull-timeout", live.pullTimeout));
    }

    private static Optional<ClusterConfig> cluster(Options.Cluster c) {
        if (c.redis == null) {
            if (c.advertiseUrl != null) {
                throw InvalidOption.missing("--cluster-redis", "--advertise-url is only for a node of a cluster");
            }
            return Optional.empty();
        }
        String scheme = c.redis.getScheme();
        if (!("redis".equals(scheme) || "rediss".equals(scheme)) || c.redis.getHost() == null) {
            throw InvalidOption.of("--cluster-redis", c.redis, "must be a redis://HOST:PORT or rediss://HOST:PORT URL");
        }
        if (c.advertiseUrl == null) {
            throw InvalidOption.missing("--advertise-url", "the other nodes of the cluster pull streams published"
                    + " here from it: rtmp://HOST:PORT as they reach this node");
        }
        String invalid = ClusterConfig.invalidAdvertiseUrl(c.advertiseUrl);
        if (invalid != null) {
            throw InvalidOption.of("--advertise-url", c.advertiseUrl, invalid);
        }
        return Optional.of(ClusterConfig.of(c.redis, c.advertiseUrl));
    }

    private static PushConfig pushes(Map<String, Map<AppKey, String>> perApplication) {
        Map<String, List<String>> targets = perApp(perApplication, AppKey.PUSH, ConfigBuilder::pushUrls,
                "must be comma-separated rtmp:// or rtmps:// URLs with a host and an application");
        return new PushConfig(targets, appsWithOn(perApplication, AppKey.PUSH_INSECURE));
    }

    /** The applications that set the on|off {@code key} on. */
    private static Set<String> appsWithOn(Map<String, Map<AppKey, String>> perApplication, AppKey key) {
        return perApp(perApplication, key, Syntax::onOff, ON_OFF).entrySet().stream().filter(Map.Entry::getValue)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Checked with a sample stream name now, so that a broken URL stops the start rather than a publish. */
    private static List<String> pushUrls(String value) {
        List<String> urls = Arrays.stream(value.split(",")).map(String::strip).filter(u -> !u.isEmpty()).toList();
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no URLs");
        }
        urls.forEach(u -> PushUrl.of(u, "name"));
        return urls;
    }

    private static SessionConfig session(Options o) {
        return new SessionConfig(
                between("--chunk-size", o.live.chunkSize, SessionConfig.MIN_CHUNK_SIZE, MAX_USEFUL_CHUNK_SIZE),
                SessionConfig.DEFAULT_WINDOW_ACK_SIZE,
                longerThanZero("--handshake-timeout", o.timeouts.handshake),
                longerThanZero("--idle-timeout", o.timeouts.idle),
                longerThanZero("--media-timeout", o.timeouts.media),
                longerThanZero("--write-timeout", o.timeouts.write),
                atLeast("--player-queue", o.players.queueBytes, MIN_PLAYER_QUEUE_BYTES),
                longerThanZero("--player-queue-wait", o.players.queueWait),
                longerThanZero("--player-max-lag", o.players.maxLag),
                protocolLimits(o.limits),
                notNegative("--play-wait", o.players.playWait));
    }

    private static ProtocolLimits protocolLimits(Options.LimitsAndShutdown l) {
        return new ProtocolLimits(
                between("--max-message-size", l.maxMessageBytes, ProtocolLimits.MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES),
                atLeast("--max-chunk-size", l.maxChunkSize, SessionConfig.MIN_CHUNK_SIZE),
                between("--max-amf-depth", l.maxAmfDepth, ProtocolLimits.MIN_AMF_DEPTH,
                        ProtocolLimits.DEFAULT_MAX_AMF_DEPTH),
                atLeast("--max-commands-before-connect", l.maxCommandsBeforeConnect, 1));
    }

    private static StreamPolicy streams(Options.LiveStreams live, Options.Players players) {
        return new StreamPolicy(live.gopCache,
                atLeast("--gop-cache-max", live.gopCacheBytes, 1),
                longerThanZero("--gop-cache-max-duration", live.gopCacheLength),
                notNegative("--reconnect-grace", live.reconnectGrace),
                notNegative("--unpublish-grace", live.unpublishGrace),
                longerThanZero("--stale-publisher", live.staleAfter),
                writeDelay("--player-write-delay", players.writeDelay));
    }

    /** Each application's policy: the default one with the switches its own lines override. */
    private static Map<String, StreamPolicy> appStreams(StreamPolicy defaults,
            Map<String, Map<AppKey, String>> perApplication) {
        Map<String, Boolean> gopCache = perApp(perApplication, AppKey.GOP_CACHE, Syntax::onOff, ON_OFF);
        Map<String, Duration> writeDelay = perApp(perApplication, AppKey.PLAYER_WRITE_DELAY,
                ConfigBuilder::writeDelay, WRITE_DELAY);
        Map<String, StreamPolicy> result = new HashMap<>();
        for (String app : perApplication.keySet()) {
            result.put(app, defaults.withGopCache(gopCache.getOrDefault(app, defaults.gopCache()))
                    .withPlayerWriteDelay(writeDelay.getOrDefault(app, defaults.playerWriteDelay())));
        }
        return result;
    }

    private static Limits limits(Options.LimitsAndShutdown l) {
        return new Limits(atLeast("--max-connections", l.maxConnections, 1),
                atLeast("--max-connections-per-ip", l.maxConnectionsPerAddress, 1),
                atLeast("--max-streams", l.maxStreams, 1),
                notNegative("--shutdown-grace", l.shutdownGrace));
    }

    private static Optional<RecordConfig> recording(Options.Recording r,
            Map<String, Map<AppKey, String>> perApplication) {
        Duration segment = notNegative("--record-segment", r.segment);
        long segmentBytes = atLeast("--record-segment-size", r.segmentBytes, 0);
        Map<String, RecordConfig.Selection> selections = perApp(perApplication, AppKey.RECORD,
                RecordConfig.Selection::parse, "must be all, none or a comma-separated list of stream names");
        return Optional.ofNullable(r.dir).map(dir -> new RecordConfig(dir, selections, segment, segmentBytes,
                RecordConfig.DEFAULT_QUEUE_BYTES));
    }

    private static Optional<HttpConfig> http(Options.Http h, Options.Hls hls, Options.Rtmps t) {
        String port = h.port.trim();
        if (port.equals("0") || port.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        String accepted = "must be 1.." + MAX_PORT + ", 0 or off";
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw InvalidOption.of("--http-port", h.port, accepted);
        }
        if (number < 1 || number > MAX_PORT) {
            throw InvalidOption.of("--http-port", h.port, accepted);
        }
        if (h.apiToken != null && h.apiToken.isBlank()) {
            throw InvalidOption.of("--api-token", h.apiToken, "must not be blank");
        }
        HttpConfig config = new HttpConfig(h.bind, number, Optional.ofNullable(h.apiToken), h.portGiven)
                .withAllowOrigins(origins(h.allowOrigin)).withHls(hls(hls));
        if (h.httpsPort != 0) {
            if (h.httpsPort < 1 || h.httpsPort > MAX_PORT) {
                throw InvalidOption.of("--https-port", h.httpsPort, "must be 1.." + MAX_PORT + ", or 0 for no HTTPS");
            }
            if (t.cert == null) {
                throw InvalidOption.missing("--tls-cert", "HTTPS (--https-port) serves the RTMPS certificate: a PEM"
                        + " certificate chain (with --tls-key) or a PKCS#12 .p12/.pfx file");
            }
            config = config.withHttps(new TlsConfig(h.httpsPort, t.cert, t.key,
                    t.password == null ? new char[0] : t.password.toCharArray()));
        }
        return Optional.of(config);
    }

    /** A comma-separated list of web origins (scheme://host[:port]), or * for any. */
    private static List<String> origins(String text) {
        List<String> origins = new ArrayList<>();
        for (String part : text.split(",")) {
            String origin = part.strip();
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.equals(HttpConfig.ANY_ORIGIN) && !ORIGIN.matcher(origin).matches()) {
                throw InvalidOption.of("--http-allow-origin", text, "must be * or comma-separated origins such as"
                        + " https://example.com or http://localhost:3000, without a path");
            }
            origins.add(origin);
        }
        if (origins.isEmpty()) {
            throw InvalidOption.of("--http-allow-origin", text, "must name an origin, or * for any");
        }
        return origins;
    }

    private static HlsConfig hls(Options.Hls h) {
        Duration part = longerThanZero("--hls-part", h.part);
        Duration segment = longerThanZero("--hls-segment", h.segment);
        if (segment.compareTo(part) < 0) {
            throw InvalidOption.of("--hls-segment", h.segment, "must be at least --hls-part (" + h.part + ")");
        }
        return new HlsConfig(h.enabled, segment, part, HlsConfig.DEFAULT_WINDOW);
    }

    private static Optional<TlsConfig> tls(Options.Rtmps t) {
        if (t.port == 0) {
            return Optional.empty();
        }
        if (t.port < 1 || t.port > MAX_PORT) {
            throw InvalidOption.of("--tls-port", t.port, "must be 1.." + MAX_PORT + ", or 0 for no RTMPS");
        }
        if (t.cert == null) {
            throw InvalidOption.missing("--tls-cert",
                    "RTMPS (--tls-port) needs a PEM certificate chain or a PKCS#12 .p12/.pfx file");
        }
        return Optional.of(new TlsConfig(t.port, t.cert, t.key,
                t.password == null ? new char[0] : t.password.toCharArray()));
    }

    private static AccessConfig access(Options.AccessControl a, Map<String, Map<AppKey, String>> perApplication) {
        String tokens = "must be one or more comma-separated tokens";
        return new AccessConfig(perApp(perApplication, AppKey.PUBLISH_TOKEN, ConfigBuilder::tokens, tokens),
                perApp(perApplication, AppKey.PLAY_TOKEN, ConfigBuilder::tokens, tokens),
                httpUrl("--on-publish", a.onPublish), httpUrl("--on-play", a.onPlay),
                longerThanZero("--auth-timeout", a.timeout));
    }

    private static HookConfig hooks(Options.Hooks h, Options.Recording r) {
        HookConfig hooks = new HookConfig(httpUrl("--on-unpublish", h.onUnpublish), httpUrl("--on-done", h.onDone),
                httpUrl("--on-record-done", h.onRecordDone), command("--exec-record-done", h.execRecordDone), h.format,
                longerThanZero("--hook-timeout", h.timeout));
        if (r.dir == null && (hooks.onRecordDone().isPresent() || !hooks.execRecordDone().isEmpty())) {
            throw InvalidOption.missing("--record-dir", "--on-record-done and --exec-record-done report recordings,"
                    + " which are off without it");
        }
        return hooks;
    }

    /** A program and its arguments, split at whitespace: no shell ever sees it, so nothing is quoted or expanded. */
    private static List<String> command(String option, String text) {
        if (text == null) {
            return List.of();
        }
        if (text.isBlank()) {
            throw InvalidOption.of(option, text, "must name a program");
        }
        return List.of(text.strip().split("\\s+"));
    }

    private static Optional<URI> httpUrl(String option, URI url) {
        if (url != null && !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw InvalidOption.of(option, url, "must be an http:// or https:// URL");
        }
        return Optional.ofNullable(url);
    }

    private static Set<String> tokens(String list) {
        Set<String> tokens = new HashSet<>();
        for (String token : list.split(",", -1)) {
            if (!token.isBlank()) {
                tokens.add(token.trim());
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no tokens");
        }
        return tokens;
    }

    /** One key's values, parsed, by application; {@code parse} rejects a value with IllegalArgumentException. */
    private static <T> Map<String, T> perApp(Map<String, Map<AppKey, String>> perApplication, AppKey key,
            Function<String, T> parse, String accepted) {
        Map<String, T> result = new HashMap<>();
        perApplication.forEach((app, settings) -> {
            String value = settings.get(key);
            if (value != null) {
                try {
                    result.put(app, parse.apply(value));
                } catch (IllegalArgumentException e) {
                    throw InvalidOption.of("app." + app + "." + key.key, value, accepted);
                }
            }
        });
        return result;
    }

    private static int between(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw InvalidOption.of(option, value, "must be " + min + ".." + max);
        }
        return value;
    }

    private static int atLeast(String option, int value, int min) {
        return (int) atLeast(option, (long) value, min);
    }

    private static long atLeast(String option, long value, long min) {
        if (value < min) {
            throw InvalidOption.of(option, value, "must be at least " + min);
        }
        return value;
    }

    private static Duration longerThanZero(String option, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw InvalidOption.of(option, value, "must be longer than 0, such as 10s or 500ms");
        }
        return value;
    }

    private static Duration writeDelay(String option, Duration value) {
        if (!validWriteDelay(value)) {
            throw InvalidOption.of(option, value, WRITE_DELAY);
        }
        return value;
    }

    private static Duration writeDelay(String text) {
        Duration value = Syntax.duration(text);
        if (!validWriteDelay(value)) {
            throw new IllegalArgumentException("out of range: " + text);
        }
        return value;
    }

    private static boolean validWriteDelay(Duration value) {
        return !value.isNegative() && value.compareTo(StreamPolicy.MAX_PLAYER_WRITE_DELAY) <= 0;
    }

    private static Duration notNegative(String option, Duration value) {
        if (value.isNegative()) {
            throw InvalidOption.of(option, value, "must be 0 or longer");
        }
        return value;
    }

    /** A value the server cannot run with. The message names the option and says what it accepts. */
    static final class InvalidOption extends IllegalArgumentException {
        private final String option;

        private InvalidOption(String option, String message) {
            super(message);
            this.option = option;
        }

        /** @param option a flag such as {@code --port}, or a config-file key such as {@code app.live.record} */
        static InvalidOption of(String option, Object value, String accepted) {
            String where = option.startsWith("--") ? "option '" + option + "'" : "'" + option + "' in the --config file";
            return new InvalidOption(option, "Invalid value for " + where + ": '" + Syntax.format(value) + "' "
                    + accepted);
        }

        /** An option whose value is well-formed but unusable, explained in full by {@code message}. */
        static InvalidOption because(String option, String message) {
            return new InvalidOption(option, message);
        }

        static InvalidOption missing(String option, String why) {
            return new InvalidOption(option, "Missing option '" + option + "': " + why);
        }

        String option() {
            return option;
        }
    }
}
