package dev.rtmpserver.server;

import dev.rtmpserver.http.HttpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /healthz} against a running server whose RTMP listening socket is closed underneath it;
 * in this package to reach {@link RtmpServer#listeningSocket()}.
 */
@Timeout(60)
class ListenerHealthIT {

    @Test
    void aListenerThatStopsAcceptingTurnsHealthTo503() throws Exception {
        ServerConfig config = ServerConfig.forTests().withHttp(new HttpConfig(InetAddress.getLoopbackAddress(), 0,
                Optional.empty()));
        try (RtmpServer server = new RtmpServer(config).start(); HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest healthz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort().orElseThrow()
                    + "/healthz")).build();
            String rtmp = "rtmp 127.0.0.1:" + server.port();
            String http = "http 127.0.0.1:" + server.httpPort().orElseThrow();

            HttpResponse<String> up = client.send(healthz, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode());
            assertEquals("ok\n" + rtmp + " up\n" + http + " up\n", up.body());

            server.listeningSocket().close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            HttpResponse<String> down;
            do {
                Thread.sleep(20);
                down = client.send(healthz, HttpResponse.BodyHandlers.ofString());
            } while (down.statusCode() == 200 && System.nanoTime() < deadline);
            assertEquals(503, down.statusCode());
            assertEquals("down\n" + rtmp + " down: listening socket closed\n" + http + " up\n", down.body());
            assertFalse(server.listeners().get(0).up());
            assertTrue(server.listeners().get(1).up());
        }
    }
}
