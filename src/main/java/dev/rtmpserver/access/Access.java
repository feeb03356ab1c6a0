package dev.rtmpserver.access;

import dev.rtmpserver.relay.PushJson;
import dev.rtmpserver.session.AccessControl;
import dev.rtmpserver.stream.StreamKey;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Publish and play permissions: tokens per application from the configuration (given by clients
 * as {@code ?token=...} on the stream name or on the connect URL), then, if configured, an HTTP
 * callback in the spirit of nginx-rtmp's {@code on_publish}/{@code on_play}: a form POST that must
 * answer 2xx in time, anything else denies. An on_publish answer may name servers to push the
 * stream to, as {@code {"push": ["rtmp://...", ...]}}, in the spirit of SRS's dynamic forward.
 */
public final class Access implements AccessControl {
    /** More than any list of push URLs; the rest of a longer answer is not read. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private final AccessConfig config;
    private final HttpClient http;
    private final BiConsumer<StreamKey, List<String>> pushes;

    /** @param pushes told, before the publish goes ahead, of the push URLs an on_publish callback answered with */
    public Access(AccessConfig config, BiConsumer<StreamKey, List<String>> pushes) {
        this.config = config;
        this.pushes = pushes;
        this.http = HttpClient.newBuilder().connectTimeout(config.callbackTimeout()).build();
    }

    @Override
    public String deny(Request r) {
        Set<String> tokens = (r.action() == Action.PUBLISH ? config.publishTokens() : config.playTokens())
                .getOrDefault(r.app(), Set.of());
        if (!tokens.isEmpty()) {
            String given;
            try {
                given = param(r.query(), "token").or(() -> param(queryOf(r.tcUrl()), "token")).orElse("");
            } catch (IllegalArgumentException e) {
                // URLDecoder's answer to a broken percent-escape such as %zz.
                return "the query string is not valid URL encoding";
            }
            if (tokens.stream().noneMatch(t -> constantTimeEquals(t, given))) {
                return given.isEmpty() ? "a token is required" : "the token is not valid";
            }
        }
        Optional<URI> callback = r.action() == Action.PUBLISH ? config.onPublish() : config.onPlay();
        return callback.isEmpty() ? null : callBack(callback.get(), r);
    }

    private String callBack(URI uri, Request r) {
        String call = r.action() == Action.PUBLISH ? "publish" : "play";
        String form = "call=" + enc(call) + "&app=" + enc(r.app()) + "&name=" + enc(r.name()) + "&args="
                + enc(r.query()) + "&addr=" + enc(r.client()) + "&tcurl=" + enc(stripQuery(r.tcUrl()));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.callbackTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        try {
            HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (InputStream in = answer.body()) {
                body = new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
            }
            int status = answer.statusCode();
            if (status / 100 != 2) {
                return "refused by the on_" + call + " callback (HTTP " + status + ")";
            }
            if (r.action() == Action.PUBLISH) {
                try {
                    pushes.accept(new StreamKey(r.app(), r.name()), PushJson.pushes(body));
                } catch (IllegalArgumentException e) {
                    Logger.warn("on_publish callback {} answered an invalid push list: {}", uri, e.getMessage());
                    return "the on_publish callback's push list is not valid";
                }
            }
            return null;
        } catch (HttpTimeoutException e) {
            return "the on_" + call + " callback did not answer within " + config.callbackTimeout().toMillis() + " ms";
        } catch (IOException e) {
            Logger.warn("on_{} callback {} failed: {}", call, uri, e.getMessage());
            return "the on_" + call + " callback failed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static Optional<String> param(String query, String name) {
        if (query == null || query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static String queryOf(String url) {
        int q = url == null ? -1 : url.indexOf('?');
        return q < 0 ? "" : url.substring(q + 1);
    }

    private static String stripQuery(String url) {
        int q = url == null ? -1 : url.indexOf('?');
        return url == null ? "" : q < 0 ? url : url.substring(0, q);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    /** For a server without any access rules: everyone may publish and play. */
    public static AccessControl of(AccessConfig config, BiConsumer<StreamKey, List<String>> pushes) {
        boolean open = config.publishTokens().isEmpty() && config.playTokens().isEmpty() && config.onPublish().isEmpty()
                && config.onPlay().isEmpty();
        return open ? AccessControl.ALLOW_ALL : new Access(config, pushes);
    }
}
