package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.RtmpMessage.Command;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enhanced RTMP's connect negotiation and reconnect request: a publisher whose connect announced
 * {@code capsEx} Reconnect is asked to reconnect when the server shuts down, and the server waits
 * for it to leave; a legacy publisher is not asked.
 */
@Timeout(60)
class ReconnectRequestIT {
    private static final String RECONNECT = "NetConnection.Connect.ReconnectRequest";

    /** The codes of the NetConnection (stream 0) onStatus commands read until the server closes the connection. */
    private static List<String> connectionStatusesUntilClosed(RtmpClient client, String stopAt) throws IOException {
        List<String> codes = new ArrayList<>();
        try {
            while (true) {
                RawMessage m = client.read();
                if (m.streamId() == 0 && MessageCodec.decode(m) instanceof Command c && c.name().equals("onStatus")
                        && c.argument(0) instanceof Map<?, ?> info && info.get("code") instanceof String code) {
                    codes.add(code);
                    if (code.equals(stopAt)) {
                        return codes;
                    }
                }
            }
        } catch (EOFException | SocketException closed) {
            return codes;
        }
    }

    @Test
    void anEnhancedPublisherIsAskedToReconnectAtShutdownAndALegacyOneIsNot() throws Exception {
        TestServer server = new TestServer();
        RtmpClient enhanced = RtmpClient.connect("127.0.0.1", server.port(), "live",
                Map.of("fourCcList", List.of("hvc1", "avc1"), "capsEx", 1.0));
        RtmpClient legacy = RtmpClient.connect("127.0.0.1", server.port(), "live", Map.of());
        try (enhanced; legacy) {
            assertEquals(List.of("*"), enhanced.serverProperties().get("fourCcList"),
                    "the server says it forwards any codec");
            assertEquals(7.0, enhanced.serverProperties().get("capsEx"), "reconnect, multitrack and ModEx");
            assertEquals(null, legacy.serverProperties().get("capsEx"), "a legacy client is told nothing new");
            enhanced.publish(enhanced.createStream(), "enhanced");
            legacy.publish(legacy.createStream(), "legacy");

            Thread closing = Thread.ofVirtual().start(server::close);
            assertEquals(List.of(RECONNECT), connectionStatusesUntilClosed(enhanced, RECONNECT),
                    "asked to reconnect, before anything else");
            enhanced.close();
            assertTrue(closing.join(java.time.Duration.ofSeconds(30)), "shutdown goes on once the publisher left");
            assertEquals(List.of(), connectionStatusesUntilClosed(legacy, RECONNECT), "never asked");
        }
    }
}
