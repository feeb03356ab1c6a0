package dev.rtmpserver.server;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.cluster.ClusterConfig;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.relay.PushConfig;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.StreamPolicy;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReloadTest {
    private static final Path RECORDINGS = Path.of("/var/lib/rtmp-server/recordings");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final ServerConfig RUNNING = ServerConfig.forTests()
            .withHttp(new HttpConfig(LOOPBACK, 8080, Optional.of("api-secret")))
            .withTls(new TlsConfig(1936, Path.of("cert.p12"), null, "pw".toCharArray()))
            .withRecording(RecordConfig.all(RECORDINGS));

    @Test
    void changedHooksKeepTheirRunningValueAndAreNamed() {
        HookConfig hooks = new HookConfig(Optional.of(URI.create("http://127.0.0.1:9/done")), Optional.empty(),
                Optional.empty(), List.of(), HookConfig.DEFAULT_FORMAT, HookConfig.DEFAULT_TIMEOUT);
        ServerConfig next = new ServerConfig(RUNNING.bind(), RUNNING.port(), RUNNING.recording(), RUNNING.session(),
                RUNNING.streams(), RUNNING.appStreams(), RUNNING.http(), RUNNING.limits(), RUNNING.tls(),
                RUNNING.access(), hooks, RUNNING.pushes(), RUNNING.pulls(), RUNNING.cluster());
        Reload reload = Reload.of(RUNNING, next);
        assertEquals(List.of("--on-unpublish"), reload.needsRestart());
        assertEquals(RUNNING.hooks(), reload.applied().hooks());
    }

    @Test
    void pushTargetsApplyFromTheNextPublishWithoutARestart() {
        PushConfig pushes = new PushConfig(Map.of("live", List.of("rtmp://backup/live")), Set.of());
        Reload reload = Reload.of(RUNNING, RUNNING.withPushes(pushes));
        assertEquals(List.of(), reload.needsRestart());
        assertEquals(pushes, reload.applied().pushes());
    }

    @Test
    void theSameConfigurationNeedsNoRestart() {
        Reload reload = Reload.of(RUNNING, RUNNING);
        assertEquals(List.of(), reload.needsRestart());
        assertEquals(RUNNING.session(), reload.applied().session());
        assertEquals(RUNNING.recording(), reload.applied().recording());
    }

    @Test
    void everyRestartOnlyOptionIsNamedInHelpOrderAndKeepsItsRunningValue() throws Exception {
        InetAddress any = InetAddress.getByAddress(new byte[] {0, 0, 0, 0});
        ServerConfig next = new ServerConfig(any, 1935, Optional.of(RecordConfig.all(Path.of("/elsewhere"))),
                RUNNING.session().withChunkSize(8192), RUNNING.streams(), RUNNING.appStreams(),
                Optional.of(new HttpConfig(any, 8081, Optional.of("new-secret"))), RUNNING.limits(),
                Optional.of(new TlsConfig(443, Path.of("cert.pem"), Path.of("key.pem"), new char[0])),
                RUNNING.access(), RUNNING.hooks(), RUNNING.pushes(), RUNNING.pulls(),
                Optional.of(ClusterConfig.of(URI.create("redis://127.0.0.1:6379"), URI.create("rtmp://node-a:1935"))));

        Reload reload = Reload.of(RUNNING, next);

        assertEquals(List.of("--port", "--bind", "--chunk-size", "--record-dir", "--http-port", "--http-bind",
                "--api-token", "--tls-port", "--tls-cert", "--tls-key", "--tls-password", "--cluster-redis", "--advertise-url"),
                reload.needsRestart());
        ServerConfig applied = reload.applied();
        assertEquals(RUNNING.port(), applied.port());
        assertEquals(RUNNING.bind(), applied.bind());
        assertEquals(SessionConfig.DEFAULT_CHUNK_SIZE, applied.session().chunkSize());
        assertEquals(RECORDINGS, applied.recording().orElseThrow().dir());
        assertEquals(RUNNING.http(), applied.http());
        assertEquals(RUNNING.tls(), applied.tls());
        assertEquals(RUNNING.cluster(), applied.cluster());
    }

    @Test
    void everythingElseIsAppliedWithoutARestart() {
        SessionConfig session = RUNNING.session()
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(5),
                        Duration.ofSeconds(6))
                .withPlayerQueue(1 << 20, Duration.ofSeconds(2), Duration.ofSeconds(7))
                .withPlayWait(Duration.ZERO);
        StreamPolicy streams = StreamPolicy.defaults().withGopCache(false);
        Map<String, StreamPolicy> apps = Map.of("live", streams.withPlayerWriteDelay(Duration.ofMillis(350)));
        Limits limits = new Limits(5, 2, 1, Duration.ofSeconds(1));
        AccessConfig access = new AccessConfig(Map.of("live", Set.of("pub")), Map.of("live", Set.of("view")),
                Optional.of(URI.create("http://127.0.0.1:9000/on_publish")), Optional.empty(), Duration.ofSeconds(2));
        RecordConfig recording = new RecordConfig(RECORDINGS, Map.of("live", RecordConfig.Selection.NONE),
                Duration.ofMinutes(10), 1 << 30, RecordConfig.DEFAULT_QUEUE_BYTES);
        ServerConfig next = RUNNING.withSession(session).withStreams(streams, apps).withLimits(limits)
                .withAccess(access).withRecording(recording);

        Reload reload = Reload.of(RUNNING, next);

        assertEquals(List.of(), reload.needsRestart());
        ServerConfig applied = reload.applied();
        assertEquals(session, applied.session());
        assertEquals(streams, applied.streams());
        assertEquals(apps.get("live"), applied.policyFor("live"));
        assertEquals(limits, applied.limits());
        assertEquals(access, applied.access());
        assertEquals(Optional.of(recording), applied.recording());
    }

    @Test
    void recordingCanBeNeitherStartedNorStoppedByAReload() {
        ServerConfig without = ServerConfig.forTests();
        Reload started = Reload.of(without, without.withRecording(RecordConfig.all(RECORDINGS)));
        assertEquals(List.of("--record-dir"), started.needsRestart());
        assertTrue(started.applied().recording().isEmpty());

        ServerConfig off = new ServerConfig(RUNNING.bind(), RUNNING.port(), Optional.empty(), RUNNING.session(),
                RUNNING.streams(), RUNNING.appStreams(), RUNNING.http(), RUNNING.limits(), RUNNING.tls(),
                RUNNING.access(), RUNNING.hooks(), RUNNING.pushes(), RUNNING.pulls(), RUNNING.cluster());
        Reload stopped = Reload.of(RUNNING, off);
        assertEquals(List.of("--record-dir"), stopped.needsRestart());
        assertEquals(RUNNING.recording(), stopped.applied().recording());
    }

    @Test
    void listenersSwitchedOnOrOffAreNamedByTheirPort() {
        ServerConfig plain = ServerConfig.forTests().withRecording(RecordConfig.all(RECORDINGS));
        assertEquals(List.of("--http-port", "--tls-port"), Reload.of(plain, RUNNING).needsRestart());
        assertEquals(List.of("--http-port", "--tls-port"), Reload.of(RUNNING, plain).needsRestart());
    }

    @Test
    void valuesThatReadTheSameAreNotChanges() {
        // The same password in another array, and a port that is the default rather than asked for.
        ServerConfig next = RUNNING.withTls(new TlsConfig(1936, Path.of("cert.p12"), null, "pw".toCharArray()))
                .withHttp(new HttpConfig(LOOPBACK, 8080, Optional.of("api-secret"), false));
        assertEquals(List.of(), Reload.of(RUNNING, next).needsRestart());
    }
}
