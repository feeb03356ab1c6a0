package dev.rtmpserver.http;

import java.net.InetAddress;

/**
 * One socket the server takes RTMP connections on, for the URLs the dashboard shows.
 *
 * @param scheme {@code rtmp} or {@code rtmps}
 * @param bind   the address it is bound to; the any-address means every interface
 * @param port   the bound port
 */
public record ListenAddress(String scheme, InetAddress bind, int port) {
}
