package dev.rtmpserver.bench;

import java.io.OutputStream;

/**
 * Stands in for a socket's output stream in benchmarks: it copies what it is given, as the kernel
 * copies into its send buffer, so that writing a large message straight past a
 * {@link java.io.BufferedOutputStream} still costs what it costs on a real socket.
 */
public class CopyingSocket extends OutputStream {
    private final byte[] sendBuffer = new byte[64 * 1024];

    @Override
    public void write(int b) {
        sendBuffer[0] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int done = 0; done < len; ) {
            int n = Math.min(len - done, sendBuffer.length);
            System.arraycopy(b, off + done, sendBuffer, 0, n);
            done += n;
        }
    }
}
