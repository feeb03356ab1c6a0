package dev.rtmpserver.wire.handshake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A single-threaded stand-in for the other side: its reply is computed from everything written to
 * it before the first read, which is all a handshake needs since each side writes before it reads.
 */
final class ScriptedPeer {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final List<Integer> writeSizes = new ArrayList<>();
    private final UnaryOperator<byte[]> reply;
    private byte[] replyBytes;
    private InputStream replyStream;

    ScriptedPeer(UnaryOperator<byte[]> reply) {
        this.reply = reply;
    }

    /** The side under test writes here. */
    final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) {
            writeSizes.add(1);
            received.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writeSizes.add(len);
            received.write(b, off, len);
        }
    };

    /** The side under test reads the scripted reply here. */
    final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            return replyStream().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return replyStream().read(b, off, len);
        }
    };

    byte[] received() {
        return received.toByteArray();
    }

    /** Sizes of the individual write calls, to check packets are not dribbled out. */
    List<Integer> writeSizes() {
        return List.copyOf(writeSizes);
    }

    /** What the peer answered, once the side under test has started reading. */
    byte[] reply() {
        return replyBytes.clone();
    }

    private InputStream replyStream() {
        if (replyStream == null) {
            replyBytes = reply.apply(received.toByteArray());
            replyStream = new ByteArrayInputStream(replyBytes);
        }
        return replyStream;
    }
}
