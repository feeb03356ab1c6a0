package dev.rtmpserver.it;

import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;

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

    @Override
    public void close() {
        server.close();
    }
}
