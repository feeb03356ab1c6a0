package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import dev.rtmpserver.wire.message.RtmpMessage.UserControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGHUP and {@code POST /api/reload} on the real jar: an edited --config file takes effect for new
 * publishes while a publisher and a player carry on untouched, an invalid file changes nothing, and a
 * changed port is named as needing a restart.
 */
@Timeout(120)
class ReloadIT {
    private static final Pattern LISTENING = Pattern.compile("RTMP listening on [0-9.]+:(\\d+)");
    private static final String RELOADED = "configuration reloaded from ";
    private static final String REJECTED = "configuration not reloaded from ";

    @TempDir
    Path dir;

    private Path config;
    private Path log;

    @Test
    void anEditedConfigurationAppliesToNewPublishesWhileTheLiveStreamPlaysOn() throws Exception {
        Path jar = Path.of(System.getProperty("rtmp.projectDir", "."), "target", "rtmp-server.jar");
        config = dir.resolve("server.properties");
        log = dir.resolve("server.log");
        write(0, "old-s3cret");
        int httpPort = freePort();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "--config", config.toString(), "--bind", "127.0.0.1",
                "--http-port", String.valueOf(httpPort), "--max-connections", "100")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Tools.Run encoder = null;
        try (HttpClient http = HttpClient.newHttpClient()) {
            int port = Await.value(() -> {
                Matcher m = LISTENING.matcher(Files.readString(log));
                return m.find() ? Integer.parseInt(m.group(1)) : null;
            }, "the server to listen; log: " + log);
            String app = "rtmp://127.0.0.1:" + port + "/live";
            encoder = Tools.publishTestStream("reload-encoder", app + "/cam?token=old-s3cret", "320x240", 100, true,
                    true);
            Player player = new Player(RtmpClient.connect(app));
            player.awaitMoreMedia();

            write(0, "new-s3cret");
            hangUp(server);
            awaitLog(RELOADED + config + " (SIGHUP)", 1);
            assertEquals("NetStream.Publish.BadName", publishRefusal(app, "cam2?token=old-s3cret"), "the old token");
            publishes(app, "cam2?token=new-s3cret");
            player.awaitMoreMedia();

            write(0, "third-s3cret", "max-streams = none");
            hangUp(server);
            awaitLog(REJECTED + config + " (SIGHUP), the running one stays: Invalid value for option '--max-streams'",
                    1);
            write(0, "third-s3cret", "max-stream = 1");
            HttpResponse<String> rejected = reload(http, httpPort);
            assertEquals(400, rejected.statusCode(), rejected.body());
            assertTrue(rejected.body().contains("unknown key 'max-stream'"), rejected.body());
            awaitLog(REJECTED + config + " (POST /api/reload)", 1);
            assertEquals("NetStream.Publish.BadName", publishRefusal(app, "cam3?token=third-s3cret"),
                    "nothing of a rejected file applies");
            publishes(app, "cam3?token=new-s3cret");
            player.awaitMoreMedia();

            write(0, "new-s3cret", "max-streams = 1");
            HttpResponse<String> limited = reload(http, httpPort);
            assertEquals(200, limited.statusCode(), limited.body());
            assertEquals("{\"reloaded\":true,\"needsRestart\":[]}\n", limited.body());
            assertEquals("NetStream.Publish.BadName", publishRefusal(app, "cam4?token=new-s3cret"),
                    "one stream is live");
            awaitLog("maximum of 1 published streams", 1);
            write(0, "new-s3cret", "max-streams = 10");
            assertEquals(200, reload(http, httpPort).statusCode());
            publishes(app, "cam4?token=new-s3cret");

            write(19350, "new-s3cret", "max-streams = 10");
            HttpResponse<String> moved = reload(http, httpPort);
            assertEquals("{\"reloaded\":true,\"needsRestart\":[\"--port\"]}\n", moved.body());
            awaitLog("not applied until restart: --port", 1);
            publishes(app, "cam5?token=new-s3cret");

            player.awaitMoreMedia();
            assertNull(player.trouble.get(), "the player was never told its stream ended, nor dropped");
            assertTrue(encoder.process().isAlive(), "the encoder is still publishing:\n" + encoder.output());
            player.client.close();
        } finally {
            if (encoder != null) {
                encoder.kill();
            }
            server.destroy();
            assertTrue(server.waitFor(15, TimeUnit.SECONDS), "exits on SIGTERM");
        }
        String output = Files.readString(log);
        assertEquals(2, output.lines().filter(l -> l.contains(" ERROR ")).count(), "the two rejections:\n" + output);
        assertFalse(output.contains("s3cret"), "no tokens in the log:\n" + output);
    }

    /** The config file: its connection limit is overridden by a flag, and would refuse the test's third connection. */
    private void write(int port, String publishToken, String... more) throws IOException {
        Files.writeString(config, "port = " + port + "\nmax-connections = 2\napp.live.publish-token = " + publishToken
                + "\n" + String.join("\n", more) + "\n");
    }

    private static void hangUp(Process server) throws Exception {
        Tools.output(Duration.ofSeconds(10), "kill", "-HUP", String.valueOf(server.pid()));
    }

    private static HttpResponse<String> reload(HttpClient http, int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the log has {@code count} lines containing {@code text}. */
    private void awaitLog(String text, int count) {
        Await.value(() -> Files.readString(log).lines().filter(l -> l.contains(text)).count() >= count ? true : null,
                count + " log line(s) with '" + text + "'; log: " + log);
    }

    private static void publishes(String app, String name) throws IOException {
        try (RtmpClient c = RtmpClient.connect(app)) {
            c.publish(c.createStream(), name);
        }
    }

    private static String publishRefusal(String app, String name) throws IOException {
        try (RtmpClient c = RtmpClient.connect(app)) {
            int id = c.createStream();
            return assertThrows(RtmpStatusException.class, () -> c.publish(id, name)).code();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Plays live/cam on a thread of its own for the whole test, counting media and noting the first sign
     * that the stream ended for it: an end-of-stream status, Stream EOF, or the connection closing.
     */
    private static final class Player {
        final RtmpClient client;
        final AtomicLong media = new AtomicLong();
        final AtomicReference<String> trouble = new AtomicReference<>();

        Player(RtmpClient client) throws IOException {
            this.client = client;
            client.setReadTimeout(Duration.ofSeconds(10));
            client.play(client.createStream(), "cam");
            Thread.ofVirtual().name("reload-it-player").start(this::read);
        }

        private void read() {
            try {
                while (true) {
                    var m = client.read();
                    if (m.typeId() == MessageType.AUDIO || m.typeId() == MessageType.VIDEO) {
                        media.incrementAndGet();
                    } else if (MessageCodec.decode(m) instanceof Command c && c.name().equals("onStatus")
                            && c.argument(0) instanceof Map<?, ?> info
                            && ("NetStream.Play.UnpublishNotify".equals(info.get("code"))
                                || "NetStream.Play.Stop".equals(info.get("code")))) {
                        trouble.compareAndSet(null, "told " + info.get("code"));
                    } else if (MessageCodec.decode(m) instanceof UserControl u && u.event() == UserControl.STREAM_EOF) {
                        trouble.compareAndSet(null, "sent Stream EOF");
                    }
                }
            } catch (IOException | RuntimeException e) {
                trouble.compareAndSet(null, "reading failed: " + e);
            }
        }

        /** Waits for media beyond what has arrived so far, failing at once if the stream ended for the player. */
        void awaitMoreMedia() {
            long seen = media.get();
            Await.until(() -> trouble.get() != null || media.get() > seen + 10, "more media for the player");
            assertNull(trouble.get(), "the player lost its stream");
        }
    }
}
