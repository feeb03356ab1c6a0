package dev.rtmpserver.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the HTTP side reads of a request, whichever server took it, so that everything above the
 * server (routing, access, answers) is plain code that tests call directly.
 *
 * @param rawPath  the path, still percent-encoded
 * @param rawQuery the query string, still percent-encoded, or null for none
 * @param headers  the first value of each header; names match ignoring case
 * @param remote   the client's address
 * @param local    the address the request arrived on
 * @param body     the body of a POST to the API, read up to a limit; otherwise empty
 */
record HttpRequest(String method, String rawPath, String rawQuery, Map<String, String> headers,
                   InetSocketAddress remote, InetAddress local, String body) {
    HttpRequest {
        TreeMap<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        headers = java.util.Collections.unmodifiableMap(byName);
    }

    /** The header's first value, or null. */
    String header(String name) {
        return headers.get(name);
    }
}
