package dev.rtmpserver.it;

import com.sun.net.httpserver.HttpServer;
import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may publish and play: tokens from the configuration, and an HTTP callback. */
@Timeout(60)
class AccessControlIT {

    private static void publishes(TestServer server, String name) throws IOException {
        try (RtmpClient c = RtmpClient.connect(server.appUrl("live"))) {
            c.publish(c.createStream(), name);
        }
    }

    private static String publishRefusal(TestServer server, String name) throws IOException {
        try (RtmpClient c = RtmpClient.connect(server.appUrl("live"))) {
            int id = c.createStream();
            return assertThrows(RtmpStatusException.class, () -> c.publish(id, name)).code();
        }
    }

    @Test
    void configTokensAllowAndRefusePublishAndPlay() throws IOException {
        AccessConfig access = new AccessConfig(Map.of("live", Set.of("pub-secret")), Map.of("live", Set.of("view")),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(2));
        try (TestServer server = new TestServer(ServerConfig.forTests().withAccess(access))) {
            publishes(server, "cam1?token=pub-secret");
            assertEquals("NetStream.Publish.BadName", publishRefusal(server, "cam2"), "no token");
            assertEquals("NetStream.Publish.BadName", publishRefusal(server, "cam2?token=wrong"), "wrong token");
            try (RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
                player.play(player.createStream(), "cam1?token=view");
                int id = player.createStream();
                RtmpStatusException e = assertThrows(RtmpStatusException.class, () -> player.play(id, "cam1?token=x"));
                assertEquals("NetStream.Play.Failed", e.code());
                assertFalse(e.getMessage().contains("pub-secret") || e.getMessage().contains("view"),
                        "no secret in the reply: " + e.getMessage());
            }
            assertTrue(server.server.counters().publishesRejected.sum() >= 2);
            assertTrue(server.server.counters().playsRejected.sum() >= 1);
        }
    }

    @Test
    void callbackAllowsOnTwoHundredAndDeniesOtherwiseOrWhenItTimesOut() throws Exception {
        List<String> forms = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        hook.createContext("/on_publish", ex -> {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            forms.add(form);
            if (form.contains("name=slow")) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.sendResponseHeaders(form.contains("name=allowed") ? 200 : 403, -1);
            ex.close();
        });
        hook.start();
        URI url = URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/on_publish");
        AccessConfig access = new AccessConfig(Map.of(), Map.of(), Optional.of(url), Optional.empty(),
                Duration.ofMillis(700));
        try (TestServer server = new TestServer(ServerConfig.forTests().withAccess(access))) {
            publishes(server, "allowed?key=1");
            assertEquals("NetStream.Publish.BadName", publishRefusal(server, "refused"));
            assertEquals("NetStream.Publish.BadName", publishRefusal(server, "slow"), "a callback that times out denies");
            assertTrue(forms.get(0).contains("call=publish") && forms.get(0).contains("app=live")
                    && forms.get(0).contains("args=key%3D1") && forms.get(0).contains("addr=127.0.0.1"), forms.get(0));
        } finally {
            release.countDown();
            hook.stop(0);
        }
    }
}
