package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.server.RtmpServer;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A taken HTTP port stops the server only when the operator asked for that port. */
@Timeout(30)
class HttpPortIT {

    @Test
    void aTakenDefaultHttpPortLeavesRtmpRunningWithoutHttp() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             TestServer server = new TestServer(ServerConfig.forTests().withHttp(new HttpConfig(
                     InetAddress.getLoopbackAddress(), taken.getLocalPort(), Optional.empty(), false)));
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"))) {
            assertTrue(server.server.httpPort().isEmpty(), "no HTTP listener");
            publisher.publish(publisher.createStream(), "still-works");
        }
    }

    @Test
    void aTakenHttpPortThatWasAskedForStopsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RtmpServer server = new RtmpServer(ServerConfig.forTests().withHttp(new HttpConfig(
                    InetAddress.getLoopbackAddress(), taken.getLocalPort(), Optional.empty(), true)));
            BindException e = assertThrows(BindException.class, server::start);
            assertTrue(e.getMessage().startsWith("HTTP on 127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }
}
