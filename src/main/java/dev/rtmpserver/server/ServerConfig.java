package dev.rtmpserver.server;

import dev.rtmpserver.session.SessionConfig;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the server is configured with, validated once. Built by the command line (flags over
 * an optional properties file) or directly by tests.
 *
 * @param bind      the address to listen on
 * @param port      the RTMP port; 0 picks a free one
 * @param recordDir where recordings go; empty means recording is off
 */
public record ServerConfig(InetAddress bind, int port, Optional<Path> recordDir, SessionConfig session) {
    public static final int DEFAULT_PORT = 1935;

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
    }

    /** Loopback, a free port, default session settings: what tests start with. */
    public static ServerConfig forTests() {
        return new ServerConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty(), SessionConfig.defaults());
    }
}
