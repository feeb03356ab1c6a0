package dev.rtmpserver.wire.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our client against our server, each on its own thread, joined by a pair of pipes. */
class HandshakeRoundTripTest {
    private static final long TIMEOUT_SECONDS = 10;
    private static final int PIPE_BUFFER = 4096;
    /** Sent right after the handshake: it must reach the server intact, proving C2 was consumed exactly. */
    private static final byte[] FIRST_CHUNK_BYTES = "after-handshake".getBytes(StandardCharsets.US_ASCII);

    private ExecutorService threads;
    private PipedInputStream serverIn;
    private PipedOutputStream clientOut;
    private PipedInputStream clientIn;
    private PipedOutputStream serverOut;

    @BeforeEach
    void startThreads() {
        threads = Executors.newFixedThreadPool(2);
    }

    private void connectPipes(boolean oneBytePerRead) throws IOException {
        serverIn = newPipe(oneBytePerRead);
        clientOut = new PipedOutputStream(serverIn);
        clientIn = newPipe(oneBytePerRead);
        serverOut = new PipedOutputStream(clientIn);
    }

    @AfterEach
    void stopThreads() throws InterruptedException {
        // Interrupting unblocks a side stuck in a pipe read if the other side failed.
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void simpleClientAndServerCompleteTheHandshakeInSimpleMode() throws Exception {
        connectPipes(false);
        Results results = run(false);

        assertFalse(results.server().digest());
        assertEquals(0L, results.server().peerVersion());
        assertFalse(results.client().digest());
        assertEquals(0L, results.client().peerVersion());
    }

    @Test
    void digestClientAndServerCompleteTheHandshakeInDigestMode() throws Exception {
        connectPipes(false);
        Results results = run(true);

        assertTrue(results.server().digest(), "server should detect the client's C1 digest");
        assertEquals(0x80000702L, results.server().peerVersion());
        assertTrue(results.client().digest(), "client should have verified S1 and S2");
        assertEquals(0x0D0E0A0DL, results.client().peerVersion());
    }

    @Test
    void digestHandshakeCompletesWhenEveryReadReturnsOneByte() throws Exception {
        connectPipes(true);

        Results results = run(true);

        assertTrue(results.server().digest());
        assertTrue(results.client().digest());
    }

    private record Results(HandshakeResult server, HandshakeResult client) {}

    private Results run(boolean digest) throws Exception {
        InputStream serverSide = serverIn;
        InputStream clientSide = clientIn;
        Future<HandshakeResult> server = threads.submit(() -> {
            HandshakeResult result = ServerHandshake.perform(serverSide, serverOut);
            assertArrayEquals(FIRST_CHUNK_BYTES, serverSide.readNBytes(FIRST_CHUNK_BYTES.length));
            return result;
        });
        Future<HandshakeResult> client = threads.submit(() -> {
            HandshakeResult result = ClientHandshake.perform(clientSide, clientOut, digest);
            clientOut.write(FIRST_CHUNK_BYTES);
            clientOut.flush();
            return result;
        });
        HandshakeResult clientResult = client.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        HandshakeResult serverResult = server.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return new Results(serverResult, clientResult);
    }

    /** Short reads are legal for any stream, and the handshake must not assume whole packets per read. */
    private static PipedInputStream newPipe(boolean oneBytePerRead) {
        if (!oneBytePerRead) {
            return new PipedInputStream(PIPE_BUFFER);
        }
        return new PipedInputStream(PIPE_BUFFER) {
            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }
}
