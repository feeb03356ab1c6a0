package dev.rtmpserver.it;

import dev.rtmpserver.client.RtmpClient;
import dev.rtmpserver.client.RtmpStatusException;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a hostile or broken peer sends costs only its own connection. */
@Timeout(60)
class HostileInputIT {

    @Test
    void commandArgumentBuiltFromReferencesIsNotExpandedInRepliesOrLogs() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient attacker = RtmpClient.connect(server.appUrl("live"));
             RtmpClient bystander = RtmpClient.connect(server.appUrl("live"))) {
            // FCPublish(1, null, [ {s: 60 kB string}, ref 1, ref 1, ... 100,000 times ]): 360 kB on the
            // wire, 6 GB if anything expanded it.
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(Amf0.encode("FCPublish", 1.0, null));
            DataOutputStream d = new DataOutputStream(body);
            int refs = 100_000;
            d.writeByte(0x0A);
            d.writeInt(refs + 1);
            d.writeByte(0x03);
            d.writeUTF("s");
            d.write(Amf0.encode("x".repeat(60_000)));
            d.writeShort(0);
            d.writeByte(0x09);
            for (int i = 0; i < refs; i++) {
                d.writeByte(0x07);
                d.writeShort(1);
            }
            attacker.sendRaw(3, new RawMessage(MessageType.COMMAND_AMF0, 0, 0, body.toByteArray()));
            attacker.setReadTimeout(Duration.ofSeconds(20));
            boolean answered = false;
            while (!answered) {
                answered = RtmpClient.values(attacker.read()).contains("onFCPublish");
            }
            assertTrue(bystander.createStream() > 0, "other connections are unaffected");
        }
    }

    @Test
    void hugeSequenceHeadersCloseThePublisherNotThePlayers() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"));
             RtmpClient player = RtmpClient.connect(server.appUrl("live"))) {
            int pubId = publisher.createStream();
            publisher.publish(pubId, "bloat");
            player.play(player.createStream(), "bloat");
            byte[] header = new byte[1024 * 1024];
            header[0] = 0x17;
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    publisher.sendVideo(pubId, i, header);
                }
                publisher.setReadTimeout(Duration.ofSeconds(10));
                while (true) {
                    publisher.read();
                }
            }, "the publisher is disconnected");
            assertTrue(player.createStream() > 0, "the player's connection is fine");
        }
    }

    @Test
    void oneConnectionCannotPublishTheSameKeyTwice() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient publisher = RtmpClient.connect(server.appUrl("live"))) {
            publisher.publish(publisher.createStream(), "twice");
            int second = publisher.createStream();
            RtmpStatusException e = assertThrows(RtmpStatusException.class, () -> publisher.publish(second, "twice"));
            assertEquals("NetStream.Publish.BadName", e.code());
        }
    }

    @Test
    void streamIdsAreReusableAfterDeleteStream() throws IOException {
        try (TestServer server = new TestServer();
             RtmpClient client = RtmpClient.connect(server.appUrl("live"))) {
            for (int i = 0; i < 200; i++) {
                int id = client.createStream();
                client.play(id, "channel-" + i);
                client.deleteStream(id);
            }
            assertTrue(client.createStream() > 0);
        }
    }
}
