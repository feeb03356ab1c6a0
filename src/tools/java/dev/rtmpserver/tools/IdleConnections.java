package dev.rtmpserver.tools;

import dev.rtmpserver.client.StreamUrl;
import dev.rtmpserver.wire.amf.Amf0;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.handshake.ClientHandshake;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.RtmpMessage.Command;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many RTMP connections that each wait to play a stream nobody publishes, and holds them:
 * the audience of a show that has not started, and the server's cost per connection at rest.
 * Connections come from several loopback addresses (127.0.0.2 and up, {@value #PER_ADDRESS}
 * each) so that per-address limits and ephemeral ports do not run out.
 *
 * <pre>java -cp rtmp-server-tools.jar dev.rtmpserver.tools.IdleConnections rtmp://127.0.0.1:1935/live/waiting N SECONDS</pre>
 *
 * Prints {@code READY n} once n connections are open, holds them for SECONDS, then closes them.
 */
public final class IdleConnections {
    static final int PER_ADDRESS = 500;
    private static final int CONCURRENCY = 32;

    private IdleConnections() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: IdleConnections rtmp://host[:port]/app/stream CONNECTIONS SECONDS");
            System.exit(2);
        }
        StreamUrl url = StreamUrl.parse(args[0]);
        int count = Integer.parseInt(args[1]);
        long seconds = Long.parseLong(args[2]);
        ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        Semaphore slots = new Semaphore(CONCURRENCY);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                slots.acquire();
                int n = i;
                pool.execute(() -> {
                    try {
                        open.add(open(url, n));
                    } catch (IOException e) {
                        if (failed.incrementAndGet() <= 5) {
                            System.err.println("connection " + n + " failed: " + e);
                        }
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        System.out.printf("READY %d opened in %.1f s, %d failed%n", open.size(),
                (System.nanoTime() - start) / 1e9, failed.get());
        System.out.flush();
        Thread.sleep(Duration.ofSeconds(seconds));
        List<Socket> all = new ArrayList<>(open);
        for (Socket s : all) {
            s.close();
        }
    }

    /** Handshake, connect, createStream and play, sent without waiting for the replies. */
    private static Socket open(StreamUrl url, int n) throws IOException {
        Socket socket = new Socket();
        try {
            InetAddress local = InetAddress.getByAddress(new byte[] {127, 0, (byte) (n / PER_ADDRESS / 250),
                (byte) (2 + n / PER_ADDRESS % 250)});
            socket.bind(new InetSocketAddress(local, 0));
            socket.connect(new InetSocketAddress(url.host(), url.port()), 10_000);
            socket.setSoTimeout(10_000);
            ClientHandshake.perform(socket.getInputStream(), socket.getOutputStream(), false);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1024);
            ChunkWriter writer = new ChunkWriter(out);
            String tcUrl = "rtmp://" + url.host() + ":" + url.port() + "/" + url.app();
            writer.write(3, MessageCodec.encode(new Command("connect", 1, Amf0.object("app", url.app(),
                    "tcUrl", tcUrl, "flashVer", "LNX 9,0,124,2", "fpad", false, "capabilities", 15.0,
                    "audioCodecs", 4071.0, "videoCodecs", 252.0, "videoFunction", 1.0), List.of()), 0, 0));
            writer.write(3, MessageCodec.encode(new Command("createStream", 2, null, List.of()), 0, 0));
            // The first stream a connection creates is stream 1, on this server and on nginx-rtmp.
            writer.write(8, MessageCodec.encode(new Command("play", 0, null, List.of(url.name())), 1, 0));
            out.flush();
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
