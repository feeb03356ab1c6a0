package dev.rtmpserver.session;

import dev.rtmpserver.concurrent.BufferPool;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The bytes a player gets are those of the chunking rules, however they are written: frames from
 * their shared encoding (patched for another message stream id), everything else through the
 * connection's own chunk writer, whose header compression carries across batches.
 */
@Timeout(30)
class WireBytesTest {
    private static final int CSID_PROTOCOL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;

    /** One message a writer is given: a shared frame, or a message of the connection's own. */
    private record Item(MediaFrame frame, RtmpMessage message, int streamId) {
        static Item frame(MediaFrame frame, int streamId) {
            return new Item(frame, null, streamId);
        }

        static Item message(RtmpMessage message, int streamId) {
            return new Item(null, message, streamId);
        }
    }

    private static byte[] payload(Random r, int size, int first) {
        byte[] p = new byte[size];
        r.nextBytes(p);
        p[0] = (byte) first;
        return p;
    }

    /**
     * A session's worth of messages: a chunk size announced first (and changed midway when
     * {@code resize} is set), commands and control, sequence headers, audio and video interleaved
     * with frames larger than a chunk, a data message, and timestamps past the 24-bit field.
     */
    private static List<Item> session(long seed, int chunkSize, int streamId, int firstTimestamp, boolean resize) {
        Random r = new Random(seed);
        List<Item> items = new ArrayList<>();
        items.add(Item.message(new RtmpMessage.SetChunkSize(chunkSize), 0));
        items.add(Item.message(new RtmpMessage.Command("_result", 1, null, List.of("ok")), 0));
        items.add(Item.message(RtmpMessage.UserControl.of(RtmpMessage.UserControl.STREAM_BEGIN, streamId), 0));
        items.add(Item.frame(MediaFrame.metadata(0, payload(r, 200, 2)), streamId));
        items.add(Item.frame(MediaFrame.video(firstTimestamp, payload(r, 40, 0x17)), streamId));
        items.add(Item.frame(MediaFrame.audio(firstTimestamp, new byte[] {(byte) 0xAF, 0, 0x12, 0x10}), streamId));
        int ts = firstTimestamp;
        for (int i = 0; i < 60; i++) {
            ts += 40;
            int size = i % 25 == 0 ? 3 * chunkSize + 17 : 100 + r.nextInt(Math.max(1, 2 * chunkSize));
            items.add(Item.frame(MediaFrame.video(ts, payload(r, size, i % 25 == 0 ? 0x17 : 0x27)), streamId));
            // Audio on its own chunk stream, with the same size twice in a row now and then.
            items.add(Item.frame(MediaFrame.audio(ts + 3, payload(r, i % 4 == 0 ? 300 : 301, 0xAF)), streamId));
            if (i % 9 == 4) {
                items.add(Item.message(new RtmpMessage.Data(List.of("onCuePoint", "c" + i)), streamId));
                items.add(Item.message(new RtmpMessage.Acknowledgement(i * 1000), 0));
            }
            if (resize && i == 30) {
                items.add(Item.message(new RtmpMessage.SetChunkSize(chunkSize * 2), 0));
                chunkSize *= 2;
            }
        }
        items.add(Item.message(RtmpMessage.UserControl.of(RtmpMessage.UserControl.STREAM_EOF, streamId), 0));
        return items;
    }

    private static int csidOf(int typeId) {
        return switch (typeId) {
            case MessageType.AUDIO -> CSID_AUDIO;
            case MessageType.VIDEO -> CSID_VIDEO;
            case MessageType.DATA_AMF0, MessageType.DATA_AMF3 -> CSID_DATA;
            case MessageType.COMMAND_AMF0, MessageType.COMMAND_AMF3 -> CSID_COMMAND;
            default -> CSID_PROTOCOL;
        };
    }

    /** The rules: each frame chunked on its own for this stream id, the rest by one chunk writer. */
    private static byte[] expected(List<Item> items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChunkWriter writer = new ChunkWriter(bytes);
        for (Item item : items) {
            if (item.frame != null) {
                MediaFrame f = item.frame;
                int csid = csidOf(f.kind().typeId());
                bytes.write(ChunkWriter.encodeStandalone(csid, f.kind().typeId(), item.streamId, f.timestamp(),
                        f.payload(), writer.chunkSize()));
                writer.forget(csid);
            } else {
                RawMessage raw = MessageCodec.encode(item.message, item.streamId, 0);
                writer.write(csidOf(raw.typeId()), raw);
                if (item.message instanceof RtmpMessage.SetChunkSize s) {
                    writer.setChunkSize(s.size());
                }
            }
        }
        return bytes.toByteArray();
    }

    /** Where one writer writes: a stream or a channel, and what arrived there. */
    private interface Sink {
        void drain(Outbound out) throws Exception;

        /** Everything written, once the writer has returned. */
        byte[] bytes() throws Exception;
    }

    private interface SinkFactory {
        Sink open() throws IOException;
    }

    private static void offer(Outbound out, List<Item> items, int from, int to) {
        for (Item item : items.subList(from, to)) {
            if (item.frame != null) {
                out.sendLive(item.streamId, item.frame, 0, new LongAdder());
            } else {
                out.send(item.message, item.streamId);
            }
        }
    }

    /** Queues the items in batches of {@code batch}, each written out before the next is queued. */
    private static void runBatches(Outbound out, List<Item> items, int batch, Sink sink) throws Exception {
        // Everything queued before the writer starts is one batch; later ones follow as it drains.
        offer(out, items, 0, Math.min(batch, items.size()));
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                sink.drain(out);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        for (int from = batch; from < items.size(); from += batch) {
            while (!out.isDrained()) {
                Thread.sleep(1);
            }
            offer(out, items, from, Math.min(from + batch, items.size()));
        }
        while (!out.isDrained()) {
            Thread.sleep(1);
        }
        out.close();
        t.join();
    }

    private static Outbound outbound() {
        return new Outbound(256L * 1024 * 1024, new Counters(), () -> {
        });
    }

    private record Case(int chunkSize, int streamId, int firstTimestamp, boolean resize, int batch) {
    }

    private static final List<Case> CASES = List.of(
            new Case(128, 1, 0, false, 1),
            new Case(128, 1, 0, false, 1000),
            new Case(4096, 1, 1000, false, 7),
            new Case(4096, 5, 1000, true, 3),
            new Case(60_000, 1, 0, false, 40),
            new Case(4096, 1, 0xFFFFFF - 1000, false, 5),
            new Case(4096, 3, 0x7FFFFF00, true, 11),
            new Case(1000, 2, 0xFFFFFF, false, 2));

    /**
     * Every case, written by a player on its stream id after a first player on stream 1 made the
     * frames' shared encodings, so that another stream id patches the first chunk's header.
     */
    private static void check(SinkFactory sinks) throws Exception {
        for (Case c : CASES) {
            List<Item> items = session(c.hashCode(), c.chunkSize, c.streamId, c.firstTimestamp, c.resize);
            if (c.streamId != 1) {
                int chunkSize = c.chunkSize;
                for (Item item : items) {
                    if (item.frame != null) {
                        item.frame.chunked(csidOf(item.frame.kind().typeId()), 1, chunkSize);
                    } else if (item.message instanceof RtmpMessage.SetChunkSize size) {
                        chunkSize = size.size();
                    }
                }
            }
            Sink sink = sinks.open();
            runBatches(outbound(), items, c.batch, sink);
            assertArrayEquals(expected(items), sink.bytes(), c.toString());
        }
    }

    @Test
    void aStreamGetsTheBytesOfTheChunkingRules() throws Exception {
        check(() -> new Sink() {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            public void drain(Outbound out) throws Exception {
                out.drainTo(bytes, new BufferPool(8192, 1));
            }

            @Override
            public byte[] bytes() {
                return bytes.toByteArray();
            }
        });
    }

    @Test
    void aGatheringChannelGetsTheSameBytesWhateverItTakesPerCall() throws Exception {
        check(() -> new Sink() {
            final Random random = new Random(7);
            // A few bytes to a whole batch per call.
            final RecordingChannel channel = new RecordingChannel(() -> 1 + random.nextInt(70_000));

            @Override
            public void drain(Outbound out) throws Exception {
                out.drainTo(channel, BufferPool.direct(4096, 1));
            }

            @Override
            public byte[] bytes() {
                return channel.bytes.toByteArray();
            }
        });
    }

    @Test
    void aSocketChannelGetsTheSameBytes() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            check(() -> {
                SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                SocketChannel accepted = listener.accept();
                // A small send buffer, so that the kernel takes large batches in parts.
                accepted.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                    try (InputStream in = client.socket().getInputStream()) {
                        return in.readAllBytes();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                return new Sink() {
                    @Override
                    public void drain(Outbound out) throws Exception {
                        try (accepted) {
                            out.drainTo(accepted, BufferPool.direct(16 * 1024, 1));
                        }
                    }

                    @Override
                    public byte[] bytes() throws Exception {
                        try (client) {
                            return received.get();
                        }
                    }
                };
            });
        }
    }
}
