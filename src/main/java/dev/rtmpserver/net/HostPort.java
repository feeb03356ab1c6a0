package dev.rtmpserver.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;

/**
 * Addresses as people write them, for the API, the dashboard, /healthz and the logs:
 * {@code 203.0.113.7:51234}, {@code [2001:db8::7]:1935}. Java's own forms put a slash before an
 * address with no host name ({@code /127.0.0.1:51234}) and write IPv6 without the {@code ::}
 * shorthand ({@code 0:0:0:0:0:0:0:1}).
 */
public final class HostPort {
    private HostPort() {
    }

    /** {@code host:port}, the host bracketed if it is IPv6. */
    public static String of(InetAddress address, int port) {
        return host(address) + ":" + port;
    }

    /** As {@link #of(InetAddress, int)} for a socket's address; anything else as its own text. */
    public static String of(SocketAddress address) {
        if (address instanceof InetSocketAddress a && a.getAddress() != null) {
            return of(a.getAddress(), a.getPort());
        }
        return String.valueOf(address);
    }

    /** The address as a URL's host: IPv4 as is, IPv6 shortened (RFC 5952) and bracketed. */
    public static String host(InetAddress address) {
        return address instanceof Inet6Address ? "[" + shorten(address.getHostAddress()) + "]" : address.getHostAddress();
    }

    /** Replaces the longest run of two or more zero groups (the first, on a tie) by {@code ::}. */
    static String shorten(String ipv6) {
        int percent = ipv6.indexOf('%');
        String scope = percent < 0 ? "" : ipv6.substring(percent);
        String[] groups = (percent < 0 ? ipv6 : ipv6.substring(0, percent)).split(":", -1);
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return ipv6;
        }
        return String.join(":", Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length)) + scope;
    }
}
