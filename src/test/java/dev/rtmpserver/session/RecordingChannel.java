package dev.rtmpserver.session;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * A socket channel for tests: it records every gathering write and takes at most what
 * {@code takes} says of each, as a socket with a full send buffer would.
 */
final class RecordingChannel implements GatheringByteChannel {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    /** How many buffers each call was given. */
    final List<Integer> calls = new ArrayList<>();
    final List<ByteBuffer> given = new ArrayList<>();
    private final IntSupplier takes;

    RecordingChannel(IntSupplier takes) {
        this.takes = takes;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        calls.add(length);
        int max = takes.getAsInt();
        long n = 0;
        for (int i = offset; i < offset + length && n < max; i++) {
            given.add(srcs[i]);
            while (srcs[i].hasRemaining() && n < max) {
                bytes.write(srcs[i].get());
                n++;
            }
        }
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) {
        return (int) write(new ByteBuffer[] {src});
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
