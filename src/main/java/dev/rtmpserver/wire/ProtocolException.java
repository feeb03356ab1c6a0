package dev.rtmpserver.wire;

import java.io.IOException;

/**
 * The peer sent bytes that break the RTMP, AMF or FLV rules, or that exceed one of our limits.
 * Every codec reports bad input with this one exception, so the connection layer can log it as the
 * peer's fault and close only that connection.
 */
public class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
