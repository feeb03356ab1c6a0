package dev.rtmpserver.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 request sent byte for byte as given, for what HttpClient will not send unchanged
 * (odd paths, HEAD on a raw socket). The answer is read by its Content-Length, not to the end of
 * the connection: Helidon 4.5.0 answers {@code Connection: close} but leaves the socket open
 * (helidon-io/helidon#12324, fixed in a later 4.x than Maven Central serves here).
 */
final class RawHttp {
    private RawHttp() {
    }

    /**
     * @param head the request line and headers, each ending in CRLF, without the blank line
     * @return the status line, headers and body as text (ISO-8859-1)
     */
    static String exchange(int port, String head) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            while (!answer.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return answer.toString(StandardCharsets.ISO_8859_1);
                }
                answer.write(b);
            }
            String headers = answer.toString(StandardCharsets.ISO_8859_1);
            long length = contentLength(headers);
            if (head.startsWith("HEAD ")) {
                // Nothing may follow; a body sent by mistake would already be on its way.
                s.setSoTimeout(500);
                try {
                    int b = in.read();
                    if (b >= 0) {
                        answer.write(b);
                        answer.writeBytes(in.readNBytes(in.available()));
                    }
                } catch (SocketTimeoutException nothingMore) {
                    // As it should be.
                }
            } else {
                answer.writeBytes(in.readNBytes((int) length));
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static long contentLength(String headers) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }
}
