package dev.rtmpserver.wire.flv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel that counts the writes made through it and can accept fewer bytes per write
 * than offered, as the channel contract allows, to show the writer copes with both.
 */
final class CountingChannel extends FileChannel {
    private final FileChannel file;
    private final int maxBytesPerWrite;
    int appendingWrites;
    int positionalWrites;

    CountingChannel(FileChannel file, int maxBytesPerWrite) {
        this.file = file;
        this.maxBytesPerWrite = maxBytesPerWrite;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        appendingWrites++;
        long written = 0;
        for (int i = offset; i < offset + length && written < maxBytesPerWrite; i++) {
            ByteBuffer src = srcs[i];
            int n = (int) Math.min(src.remaining(), maxBytesPerWrite - written);
            ByteBuffer part = src.slice(src.position(), n);
            int done = file.write(part);
            src.position(src.position() + done);
            written += done;
        }
        return written;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        positionalWrites++;
        int n = Math.min(src.remaining(), maxBytesPerWrite);
        int done = file.write(src.slice(src.position(), n), position);
        src.position(src.position() + done);
        return done;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return file.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        file.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return file.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return file.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return file.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
