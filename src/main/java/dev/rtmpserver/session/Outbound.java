package dev.rtmpserver.session;

import dev.rtmpserver.stream.MediaFrame;
import dev.rtmpserver.wire.chunk.ChunkWriter;
import dev.rtmpserver.wire.chunk.RawMessage;
import dev.rtmpserver.wire.message.MessageCodec;
import dev.rtmpserver.wire.message.MessageType;
import dev.rtmpserver.wire.message.RtmpMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything one connection sends, in order, written by that connection's own writer thread.
 *
 * <p>Control and command messages are always queued. Media is queued by {@link PlayerSink}, which
 * reads {@link #queuedMediaBytes()} to decide what to drop, so that a slow socket costs only its
 * own player. The writer drains the whole queue at once and flushes once per batch, so a burst of
 * frames costs one system call per buffer, not one per frame.
 */
final class Outbound {
    private static final int CSID_PROTOCOL = 2;
    private static final int CSID_COMMAND = 3;
    private static final int CSID_AUDIO = 4;
    private static final int CSID_DATA = 5;
    private static final int CSID_VIDEO = 6;

    /** @param chunkSize for a Set Chunk Size message, the size the writer switches to after it */
    private record Item(int typeId, int streamId, int timestamp, byte[] payload, boolean media, int chunkSize) {
    }

    /** Guards queue, queuedMediaBytes and closed. Held only for queue operations, never for IO. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readyOrClosed = lock.newCondition();
    private ArrayDeque<Item> queue = new ArrayDeque<>();
    private long queuedMediaBytes;
    private boolean closed;

    void send(RtmpMessage message, int streamId) {
        RawMessage raw = MessageCodec.encode(message, streamId, 0);
        int chunkSize = message instanceof RtmpMessage.SetChunkSize s ? s.size() : 0;
        enqueue(new Item(raw.typeId(), streamId, 0, raw.payload(), false, chunkSize));
    }

    void sendMedia(int streamId, MediaFrame frame) {
        enqueue(new Item(frame.kind().typeId(), streamId, frame.timestamp(), frame.payload(), true, 0));
    }

    long queuedMediaBytes() {
        lock.lock();
        try {
            return queuedMediaBytes;
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Item item) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            queue.addLast(item);
            if (item.media) {
                queuedMediaBytes += item.payload.length;
            }
            readyOrClosed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Drops whatever is queued and makes the writer return. */
    void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queuedMediaBytes = 0;
            readyOrClosed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The writer loop: runs until {@link #close()} or until the socket fails. */
    void drainTo(OutputStream out) throws IOException, InterruptedException {
        ChunkWriter writer = new ChunkWriter(out);
        ArrayDeque<Item> batch = new ArrayDeque<>();
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    readyOrClosed.await();
                }
                if (closed) {
                    return;
                }
                ArrayDeque<Item> full = queue;
                queue = batch;
                batch = full;
                queuedMediaBytes = 0;
            } finally {
                lock.unlock();
            }
            for (Item item = batch.pollFirst(); item != null; item = batch.pollFirst()) {
                writer.write(csidOf(item.typeId), item.typeId, item.streamId, item.timestamp, item.payload, 0,
                        item.payload.length);
                if (item.chunkSize > 0) {
                    writer.setChunkSize(item.chunkSize);
                }
            }
            out.flush();
        }
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
}
