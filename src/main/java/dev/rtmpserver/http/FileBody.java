package dev.rtmpserver.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Part of a file as an answer's body, read from disk as it is sent, so a download of any size
 * costs one buffer. The file is opened only to send it: HEAD never opens it.
 */
record FileBody(Path path, long offset, long length) {
    private static final int BUFFER_BYTES = 64 * 1024;

    /**
     * Copies the bytes to {@code out}.
     *
     * @throws IOException if the file now ends before them (it was replaced or truncated since
     *                     its size was taken): the answer is then cut short, which the client sees,
     *                     rather than padded
     */
    void copyTo(OutputStream out) throws IOException {
        try (FileChannel channel = FileChannel.open(path)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_BYTES, Math.max(1, length)));
            long position = offset;
            long end = offset + length;
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException(path + " ended at " + position + " while " + end + " bytes were due");
                }
                out.write(buffer.array(), 0, n);
                position += n;
            }
        }
    }
}
