package dev.rtmpserver.it;

import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;

import java.io.IOException;

/** The server in-process on a free loopback port. */
final class TestServer implements AutoCloseable {
    final RtmpServer server;

    TestServer() throws IOException {
        this(ServerConfig.forTests());
    }

    TestServer(ServerConfig config) throws IOException {
        server = new RtmpServer(config).start();
    }

    int port() {
        return server.port();
    }

    String url(String app, String key) {
        return "rtmp://127.0.0.1:" + port() + "/" + app + "/" + key;
    }

    String appUrl(String app) {
        return "rtmp://127.0.0.1:" + port() + "/" + app;
    }

    /**
     * Waits until {@code app/name} is published with its video sequence header in, then a
     * keyframe interval and a half more, so that a player joining now joins mid-group.
     */
    void awaitPublishedAWhile(String app, String name) throws InterruptedException {
        StreamKey key = new StreamKey(app, name);
        Await.until(() -> {
            LiveStream s = server.registry().get(key);
            return s != null && s.isPublished() && s.view().videoConfig() != null;
        }, key + " is published");
        Thread.sleep(1500);
    }

    @Override
    public void close() {
        server.close();
    }
}
