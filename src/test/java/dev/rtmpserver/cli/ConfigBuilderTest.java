package dev.rtmpserver.cli;

import dev.rtmpserver.cli.ConfigBuilder.InvalidOption;
import dev.rtmpserver.cluster.ClusterConfig;
import dev.rtmpserver.edge.Pulls;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.hooks.HookFormat;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.StreamPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder on its own: defaults with one change, and what that change must give. */
class ConfigBuilderTest {
    private static final Duration NEGATIVE = Duration.ofSeconds(-1);
    private static final Map<String, Map<AppKey, String>> NO_APPS = Map.of();

    static Stream<Arguments> invalid() {
        return Stream.of(
                invalid(o -> o.listener.port = 65536, "--port", "0..65535"),
                invalid(o -> o.listener.port = -1, "--port", "0..65535"),
                invalid(o -> o.live.chunkSize = 127, "--chunk-size", "128..16777215"),
                invalid(o -> o.live.chunkSize = 16777216, "--chunk-size", "128..16777215"),
                invalid(o -> o.live.gopCacheBytes = 0, "--gop-cache-max", "at least 1"),
                invalid(o -> o.live.gopCacheLength = Duration.ZERO, "--gop-cache-max-duration", "longer than 0"),
                invalid(o -> o.live.reconnectGrace = NEGATIVE, "--reconnect-grace", "0 or longer"),
                invalid(o -> o.live.unpublishGrace = NEGATIVE, "--unpublish-grace", "0 or longer"),
                invalid(o -> o.live.staleAfter = Duration.ZERO, "--stale-publisher", "longer than 0"),
                invalid(o -> o.live.pullLinger = NEGATIVE, "--pull-linger", "0 or longer"),
                invalid(o -> o.live.pullTimeout = Duration.ZERO, "--pull-timeout", "longer than 0"),
                invalid(o -> o.players.queueBytes = 65535, "--player-queue", "at least 65536"),
                invalid(o -> o.players.queueWait = Duration.ZERO, "--player-queue-wait", "longer than 0"),
                invalid(o -> o.players.maxLag = Duration.ZERO, "--player-max-lag", "longer than 0"),
                invalid(o -> o.players.playWait = NEGATIVE, "--play-wait", "0 or longer"),
                invalid(o -> o.players.writeDelay = NEGATIVE, "--player-write-delay", "0..1s"),
                invalid(o -> o.players.writeDelay = Duration.ofMillis(1001), "--player-write-delay", "0..1s"),
                invalid(o -> o.timeouts.handshake = Duration.ZERO, "--handshake-timeout", "longer than 0"),
                invalid(o -> o.timeouts.idle = Duration.ZERO, "--idle-timeout", "longer than 0"),
                invalid(o -> o.timeouts.media = Duration.ZERO, "--media-timeout", "longer than 0"),
                invalid(o -> o.timeouts.write = Duration.ZERO, "--write-timeout", "longer than 0"),
                invalid(o -> o.limits.maxConnections = 0, "--max-connections", "at least 1"),
                invalid(o -> o.limits.maxConnectionsPerAddress = 0, "--max-connections-per-ip", "at least 1"),
                invalid(o -> o.limits.maxStreams = 0, "--max-streams", "at least 1"),
                invalid(o -> o.limits.maxMessageBytes = 4095, "--max-message-size", "4096..16777215"),
                invalid(o -> o.limits.maxMessageBytes = 16777216, "--max-message-size", "4096..16777215"),
                invalid(o -> o.limits.maxChunkSize = 127, "--max-chunk-size", "at least 128"),
                invalid(o -> o.limits.maxAmfDepth = 1, "--max-amf-depth", "2..64"),
                invalid(o -> o.limits.maxAmfDepth = 65, "--max-amf-depth", "2..64"),
                invalid(o -> o.limits.maxCommandsBeforeConnect = 0, "--max-commands-before-connect", "at least 1"),
                invalid(o -> o.limits.shutdownGrace = NEGATIVE, "--shutdown-grace", "0 or longer"),
                invalid(o -> o.recording.segment = NEGATIVE, "--record-segment", "0 or longer"),
                invalid(o -> o.recording.segmentBytes = -1, "--record-segment-size", "at least 0"),
                invalid(o -> o.http.port = "65536", "--http-port", "1..65535, 0 or off"),
                invalid(o -> o.http.port = "-1", "--http-port", "1..65535, 0 or off"),
                invalid(o -> o.http.port = "eighty", "--http-port", "1..65535, 0 or off"),
                invalid(o -> o.http.apiToken = " ", "--api-token", "must not be blank"),
                invalid(o -> o.tls.port = 65536, "--tls-port", "1..65535, or 0 for no RTMPS"),
                invalid(o -> o.tls.port = -1, "--tls-port", "1..65535, or 0 for no RTMPS"),
                invalid(o -> o.tls.port = 1936, "--tls-cert", "a PEM certificate chain or a PKCS#12 .p12/.pfx file"),
                invalid(o -> o.access.onPublish = URI.create("ftp://auth/"), "--on-publish", "http:// or https://"),
                invalid(o -> o.access.onPlay = URI.create("/relative"), "--on-play", "http:// or https://"),
                invalid(o -> o.access.timeout = Duration.ZERO, "--auth-timeout", "longer than 0"),
                invalid(o -> o.hooks.onUnpublish = URI.create("ftp://hooks/"), "--on-unpublish", "http:// or https://"),
                invalid(o -> o.hooks.onDone = URI.create("/done"), "--on-done", "http:// or https://"),
                invalid(o -> {
                    o.recording.dir = Path.of("/srv/recordings");
                    o.hooks.execRecordDone = "  ";
                }, "--exec-record-done", "must name a program"),
                invalid(o -> o.hooks.onRecordDone = URI.create("http://127.0.0.1/done"), "--record-dir",
                        "report recordings"),
                invalid(o -> o.hooks.execRecordDone = "upload.sh", "--record-dir", "report recordings"),
                invalid(o -> o.hooks.timeout = Duration.ZERO, "--hook-timeout", "longer than 0"),
                invalid(o -> o.http.httpsPort = 8443, "--tls-cert", "HTTPS (--https-port) serves the RTMPS certificate"),
                invalid(o -> {
                    o.http.httpsPort = 70000;
                    o.tls.cert = Path.of("cert.pem");
                }, "--https-port", "1..65535, or 0"),
                invalid(o -> o.http.allowOrigin = "https://example.com/page", "--http-allow-origin", "without a path"),
                invalid(o -> o.http.allowOrigin = " , ", "--http-allow-origin", "must name an origin"),
                invalid(o -> o.hls.part = Duration.ZERO, "--hls-part", "longer than 0"),
                invalid(o -> {
                    o.hls.segment = Duration.ofMillis(100);
                    o.hls.part = Duration.ofMillis(250);
                }, "--hls-segment", "at least --hls-part"),
                invalid(o -> o.cluster.redis = URI.create("redis://127.0.0.1:6379"), "--advertise-url",
                        "rtmp://HOST:PORT"),
                invalid(o -> o.cluster.advertiseUrl = URI.create("rtmp://node-a:1935"), "--cluster-redis",
                        "only for a node of a cluster"),
                invalid(o -> {
                    o.cluster.redis = URI.create("http://127.0.0.1:6379");
                    o.cluster.advertiseUrl = URI.create("rtmp://node-a:1935");
                }, "--cluster-redis", "redis://HOST:PORT"),
                invalid(o -> {
                    o.cluster.redis = URI.create("redis://127.0.0.1:6379");
                    o.cluster.advertiseUrl = URI.create("rtmp://node-a:1935/live");
                }, "--advertise-url", "without an application"),
                invalid(o -> {
                    o.cluster.redis = URI.create("redis://127.0.0.1:6379");
                    o.cluster.advertiseUrl = URI.create("http://node-a:1935");
                }, "--advertise-url", "rtmp://HOST[:PORT]"),
                invalidApp(AppKey.GOP_CACHE, "maybe", "on or off"),
                invalidApp(AppKey.PLAYER_WRITE_DELAY, "2s", "0..1s"),
                invalidApp(AppKey.PLAYER_WRITE_DELAY, "soon", "0..1s"),
                invalidApp(AppKey.RECORD, ",", "all, none or a comma-separated list of stream names"),
                invalidApp(AppKey.PUBLISH_TOKEN, "", "one or more comma-separated tokens"),
                invalidApp(AppKey.PLAY_TOKEN, " , ", "one or more comma-separated tokens"));
    }

    @ParameterizedTest(name = "{2}: {3}")
    @MethodSource("invalid")
    void anInvalidValueIsRefusedNamingTheOptionAndWhatItAccepts(Options options,
            Map<String, Map<AppKey, String>> apps, String option, String accepted) {
        InvalidOption e = assertThrows(InvalidOption.class, () -> ConfigBuilder.build(options, apps));
        assertEquals(option, e.option());
        assertTrue(e.getMessage().contains(option), e.getMessage());
        assertTrue(e.getMessage().contains(accepted), e.getMessage());
    }

    static Stream<Arguments> valid() {
        InetAddress any = ServerConfig.DEFAULT_BIND;
        Path dir = Path.of("/srv/recordings");
        return Stream.of(
                valid("port 0 picks a free one", o -> o.listener.port = 0, c -> assertEquals(0, c.port())),
                valid("HTTPS with the RTMPS certificate, without RTMPS", o -> {
                    o.http.httpsPort = 8443;
                    o.tls.cert = Path.of("cert.pem");
                    o.tls.key = Path.of("key.pem");
                }, c -> {
                    assertEquals(8443, c.http().orElseThrow().https().orElseThrow().port());
                    assertEquals(Path.of("cert.pem"), c.http().orElseThrow().https().orElseThrow().certificate());
                    assertTrue(c.tls().isEmpty(), "no RTMPS listener for it");
                }),
                valid("origins allowed by name", o -> o.http.allowOrigin = "https://example.com, http://localhost:3000",
                        c -> assertEquals(List.of("https://example.com", "http://localhost:3000"),
                                c.http().orElseThrow().allowOrigins())),
                valid("HLS off, or cut otherwise", o -> {
                    o.hls.enabled = false;
                    o.hls.segment = Duration.ofSeconds(2);
                    o.hls.part = Duration.ofMillis(500);
                }, c -> assertEquals(new dev.rtmpserver.hls.HlsConfig(false, Duration.ofSeconds(2), Duration.ofMillis(500),
                        dev.rtmpserver.hls.HlsConfig.DEFAULT_WINDOW), c.http().orElseThrow().hls())),
                valid("port 65535", o -> o.listener.port = 65535, c -> assertEquals(65535, c.port())),
                valid("the smallest chunk size", o -> o.live.chunkSize = 128,
                        c -> assertEquals(128, c.session().chunkSize())),
                valid("the largest useful chunk size", o -> o.live.chunkSize = 16777215,
                        c -> assertEquals(16777215, c.session().chunkSize())),
                valid("graces of 0", o -> {
                    o.live.reconnectGrace = Duration.ZERO;
                    o.live.unpublishGrace = Duration.ZERO;
                    o.limits.shutdownGrace = Duration.ZERO;
                }, c -> {
                    assertEquals(Duration.ZERO, c.streams().reconnectGrace());
                    assertEquals(Duration.ZERO, c.streams().unpublishGrace());
                    assertEquals(Duration.ZERO, c.limits().shutdownGrace());
                }),
                valid("play-wait 0 waits for ever", o -> o.players.playWait = Duration.ZERO,
                        c -> assertEquals(Duration.ZERO, c.session().playWait())),
                valid("switches", o -> o.live.gopCache = false, c -> assertFalse(c.streams().gopCache())),
                valid("player-write-delay 0 writes every frame at once", o -> o.players.writeDelay = Duration.ZERO,
                        c -> assertEquals(Duration.ZERO, c.streams().playerWriteDelay())),
                valid("http-port off", o -> o.http.port = "off", c -> assertEquals(Optional.empty(), c.http())),
                valid("http-port 0", o -> o.http.port = "0", c -> assertEquals(Optional.empty(), c.http())),
                valid("HTTP on every interface with a token", o -> {
                    o.http.port = "9090";
                    o.http.portGiven = true;
                    o.http.bind = any;
                    o.http.apiToken = "secret";
                }, c -> assertEquals(Optional.of(new HttpConfig(any, 9090, Optional.of("secret"), true)), c.http())),
                valid("the default HTTP port is not required", o -> {
                }, c -> assertFalse(c.http().orElseThrow().required())),
                valid("HTTP stays on loopback when RTMP listens everywhere", o -> o.listener.bind = any,
                        c -> assertEquals(InetAddress.getLoopbackAddress(), c.http().orElseThrow().bind())),
                valid("no recording without a directory", o -> o.recording.segmentBytes = 1000,
                        c -> assertEquals(Optional.empty(), c.recording())),
                valid("recording in segments", o -> {
                    o.recording.dir = dir;
                    o.recording.segment = Duration.ofMinutes(10);
                    o.recording.segmentBytes = 1 << 30;
                }, c -> {
                    RecordConfig r = c.recording().orElseThrow();
                    assertEquals(dir, r.dir());
                    assertEquals(Duration.ofMinutes(10), r.segmentLength());
                    assertEquals(1 << 30, r.segmentBytes());
                }),
                valid("RTMPS with a PKCS#12 file", o -> {
                    o.tls.port = 1936;
                    o.tls.cert = Path.of("server.p12");
                    o.tls.password = "pw";
                }, c -> {
                    assertEquals(1936, c.tls().orElseThrow().port());
                    assertArrayEquals("pw".toCharArray(), c.tls().orElseThrow().password());
                }),
                valid("no RTMPS on port 0, whatever the certificate", o -> o.tls.cert = Path.of("absent.pem"),
                        c -> assertEquals(Optional.empty(), c.tls())),
                valid("https callbacks", o -> {
                    o.access.onPublish = URI.create("https://auth.example/publish");
                    o.access.onPlay = URI.create("http://127.0.0.1:8000/play");
                }, c -> {
                    assertEquals(Optional.of(URI.create("https://auth.example/publish")), c.access().onPublish());
                    assertEquals(Optional.of(URI.create("http://127.0.0.1:8000/play")), c.access().onPlay());
                }),
                valid("no cluster unless asked", o -> { }, c -> assertEquals(Optional.empty(), c.cluster())),
                valid("a node of a cluster", o -> {
                    o.cluster.redis = URI.create("redis://:secret@10.0.0.5:6380/2");
                    o.cluster.advertiseUrl = URI.create("rtmp://node-a.example:1935/");
                }, c -> {
                    ClusterConfig cluster = c.cluster().orElseThrow();
                    assertEquals(URI.create("redis://:secret@10.0.0.5:6380/2"), cluster.redis());
                    assertEquals("rtmp://node-a.example:1935", cluster.advertised());
                    assertEquals("10.0.0.5:6380", cluster.redisAddress());
                    assertEquals(ClusterConfig.DEFAULT_TTL, cluster.ttl());
                }),
                valid("hooks, the program split at whitespace", o -> {
                    o.recording.dir = dir;
                    o.hooks.onUnpublish = URI.create("http://127.0.0.1:8000/unpublish");
                    o.hooks.onRecordDone = URI.create("https://hooks.example/record_done?key=1");
                    o.hooks.execRecordDone = " /usr/local/bin/upload  --bucket\tb ";
                    o.hooks.format = HookFormat.JSON;
                }, c -> {
                    HookConfig h = c.hooks();
                    assertEquals(Optional.of(URI.create("http://127.0.0.1:8000/unpublish")), h.onUnpublish());
                    assertEquals(Optional.empty(), h.onDone());
                    assertEquals(Optional.of(URI.create("https://hooks.example/record_done?key=1")), h.onRecordDone());
                    assertEquals(List.of("/usr/local/bin/upload", "--bucket", "b"), h.execRecordDone());
                    assertEquals(HookFormat.JSON, h.format());
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void aValidValueReachesTheConfiguration(String what, Options options, Consumer<ServerConfig> expect) {
        expect.accept(ConfigBuilder.build(options, NO_APPS));
    }

    @Test
    void perApplicationSettingsOverrideTheirApplicationOnly() {
        Map<String, Map<AppKey, String>> apps = Map.of(
                "live", Map.of(AppKey.GOP_CACHE, "off", AppKey.PUBLISH_TOKEN, "a, b", AppKey.RECORD, "cam1"),
                "events", Map.of(AppKey.PLAYER_WRITE_DELAY, "350ms", AppKey.PLAY_TOKEN, "viewers"));
        Options options = new Options();
        options.recording.dir = Path.of("/srv/recordings");
        ServerConfig config = ConfigBuilder.build(options, apps);

        assertFalse(config.policyFor("live").gopCache());
        assertEquals(StreamPolicy.DEFAULT_PLAYER_WRITE_DELAY, config.policyFor("live").playerWriteDelay());
        assertTrue(config.policyFor("events").gopCache());
        assertEquals(Duration.ofMillis(350), config.policyFor("events").playerWriteDelay());
        assertEquals(config.streams(), config.policyFor("other"));
        assertEquals(Map.of("live", Set.of("a", "b")), config.access().publishTokens());
        assertEquals(Map.of("events", Set.of("viewers")), config.access().playTokens());
        RecordConfig recording = config.recording().orElseThrow();
        assertTrue(recording.records("live", "cam1"));
        assertFalse(recording.records("live", "cam2"));
        assertTrue(recording.records("events", "anything"));
    }

    @Test
    void pushTargetsAreListedPerApplicationAndCheckedAtStart() {
        ServerConfig config = ConfigBuilder.build(new Options(), Map.of(
                "live", Map.of(AppKey.PUSH, "rtmp://a/live, rtmps://b/app/{name}", AppKey.PUSH_INSECURE, "on"),
                "events", Map.of(AppKey.PUSH, "rtmp://c/events", AppKey.PUSH_INSECURE, "off")));
        assertEquals(Map.of("live", List.of("rtmp://a/live", "rtmps://b/app/{name}"), "events",
                List.of("rtmp://c/events")), config.pushes().targets());
        assertEquals(Set.of("live"), config.pushes().insecure());

        for (String bad : new String[] {"http://a/live", " , ", "rtmp://a"}) {
            InvalidOption e = assertThrows(InvalidOption.class, () -> ConfigBuilder.build(new Options(),
                    Map.of("live", Map.of(AppKey.PUSH, bad))));
            assertTrue(e.getMessage().contains("app.live.push"), e.getMessage());
        }
    }

    @Test
    void originsAreListedPerApplicationWithTheirCertificateChecks() {
        ServerConfig config = ConfigBuilder.build(new Options(), Map.of(
                "live", Map.of(AppKey.PULL, "rtmps://origin/live", AppKey.PULL_INSECURE, "on"),
                "events", Map.of(AppKey.PULL, "rtmps://origin/events")));
        assertEquals(Map.of("live", List.of("rtmps://origin/live"), "events", List.of("rtmps://origin/events")),
                config.pulls().origins());
        assertEquals(Set.of("live"), config.pulls().insecure());
        assertEquals(Pulls.DEFAULT_TIMEOUT, config.pulls().timeout());

        Options options = new Options();
        options.live.pullTimeout = Duration.ofMillis(1500);
        assertEquals(Duration.ofMillis(1500), ConfigBuilder.build(options, NO_APPS).pulls().timeout());

        InvalidOption e = assertThrows(InvalidOption.class, () -> ConfigBuilder.build(new Options(),
                Map.of("live", Map.of(AppKey.PULL_INSECURE, "maybe"))));
        assertTrue(e.getMessage().contains("app.live.pull-insecure"), e.getMessage());
    }

    private static Arguments invalid(Consumer<Options> change, String option, String accepted) {
        Options options = new Options();
        change.accept(options);
        return Arguments.of(options, NO_APPS, option, accepted);
    }

    private static Arguments invalidApp(AppKey key, String value, String accepted) {
        return Arguments.of(new Options(), Map.of("live", Map.of(key, value)), "app.live." + key.key, accepted);
    }

    private static Arguments valid(String what, Consumer<Options> change, Consumer<ServerConfig> expect) {
        Options options = new Options();
        change.accept(options);
        return Arguments.of(what, options, expect);
    }
}
