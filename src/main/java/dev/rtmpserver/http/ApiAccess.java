package dev.rtmpserver.http;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * Who may use {@code /api}: with a token configured, whoever sends it as a bearer token; without
 * one, clients on this machine only, so a forgotten token never opens the API to the network.
 */
final class ApiAccess {
    private static final String BEARER = "Bearer ";

    /** SHA-256 of the token, or null without one; comparing digests takes the same time whatever is sent. */
    private final byte[] tokenDigest;

    ApiAccess(Optional<String> token) {
        this.tokenDigest = token.map(ApiAccess::digest).orElse(null);
    }

    /**
     * @param authorization the request's {@code Authorization} header, or null
     * @throws HttpError 401 without the right token, 403 from another machine when no token is configured
     */
    void check(String authorization, InetAddress peer) {
        if (tokenDigest == null) {
            if (!peer.isLoopbackAddress()) {
                throw new HttpError(403, "the API answers only this machine; configure --api-token to allow others");
            }
            return;
        }
        String given = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).strip() : "";
        if (!MessageDigest.isEqual(digest(given), tokenDigest)) {
            throw new HttpError(401, "missing or wrong API token (Authorization: Bearer TOKEN)",
                    Map.of("WWW-Authenticate", "Bearer realm=\"rtmp-server\""));
        }
    }

    /** Who can reach the API, for the start-up log line. */
    String summary() {
        return tokenDigest == null ? "API open to this machine only (set --api-token to allow others)"
                : "API needs the --api-token bearer token";
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
