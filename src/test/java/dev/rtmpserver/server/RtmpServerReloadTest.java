package dev.rtmpserver.server;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.session.AccessControl;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.session.SessionContext;
import dev.rtmpserver.stream.Publisher;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamLimitException;
import dev.rtmpserver.stream.StreamPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reload changes in a server, which is never started here: nothing listens and nothing is logged. */
class RtmpServerReloadTest {
    private final RtmpServer server = new RtmpServer(ServerConfig.forTests().withLimits(
            new Limits(100, 10, 1, Limits.DEFAULT_SHUTDOWN_GRACE)));

    @AfterEach
    void close() {
        server.close();
    }

    private static AccessControl.Request publish(String query) {
        return new AccessControl.Request(AccessControl.Action.PUBLISH, "live", "cam", query, "rtmp://127.0.0.1/live",
                "127.0.0.1");
    }

    private static Publisher publisher() {
        return new Publisher() {
            @Override
            public String describe() {
                return "conn-1 /127.0.0.1:50000";
            }

            @Override
            public long lastActivityNanos() {
                return System.nanoTime();
            }

            @Override
            public void evict(String reason) {
            }
        };
    }

    @Test
    void newTokensBindEveryLaterPublishEvenOnConnectionsAlreadyOpen() {
        SessionContext open = server.context();
        assertNull(open.access().deny(publish("")));

        server.reload(server.config().withAccess(new AccessConfig(Map.of("live", Set.of("new")), Map.of(),
                Optional.empty(), Optional.empty(), AccessConfig.DEFAULT_CALLBACK_TIMEOUT)));

        for (SessionContext context : List.of(open, server.context())) {
            assertNotNull(context.access().deny(publish("")));
            assertNotNull(context.access().deny(publish("token=old")));
            assertNull(context.access().deny(publish("token=new")));
        }
        server.reload(server.config().withAccess(AccessConfig.open()));
        assertNull(open.access().deny(publish("")), "and removing them opens the application again");
    }

    @Test
    void newConnectionsGetTheNewSessionSettingsAndOpenOnesKeepTheirs() {
        SessionContext open = server.context();
        SessionConfig next = SessionConfig.defaults().withChunkSize(8192)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4),
                        Duration.ofSeconds(5))
                .withPlayWait(Duration.ofSeconds(7));

        Reload reload = server.reload(server.config().withSession(next));

        assertEquals(List.of("--chunk-size"), reload.needsRestart());
        assertEquals(next.withChunkSize(SessionConfig.DEFAULT_CHUNK_SIZE), server.context().config());
        assertEquals(SessionConfig.defaults(), open.config());
        assertSame(open.registry(), server.context().registry(), "one registry for old and new connections");
    }

    @Test
    void theRegistryFollowsTheNewStreamLimitAndPolicies() {
        server.registry().publish(new StreamKey("live", "a"), publisher());
        assertThrows(StreamLimitException.class, () -> server.registry().publish(new StreamKey("live", "b"),
                publisher()));
        assertTrue(server.registry().policy("live").gopCache());

        server.reload(server.config().withLimits(new Limits(100, 10, 2, Limits.DEFAULT_SHUTDOWN_GRACE))
                .withStreams(StreamPolicy.defaults(), Map.of("live", StreamPolicy.defaults().withGopCache(false))));

        server.registry().publish(new StreamKey("live", "b"), publisher());
        assertThrows(StreamLimitException.class, () -> server.registry().publish(new StreamKey("live", "c"),
                publisher()));
        assertFalse(server.registry().policy("live").gopCache());
        assertTrue(server.registry().policy("other").gopCache());
        assertTrue(server.registry().get(new StreamKey("live", "a")).policy().gopCache(),
                "a stream keeps the policy it began with");
        assertFalse(server.registry().get(new StreamKey("live", "b")).policy().gopCache());
    }
}
