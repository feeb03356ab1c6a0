package dev.rtmpserver.http;

import dev.rtmpserver.browser.FlvPlayback;
import dev.rtmpserver.hls.HlsRequests;
import dev.rtmpserver.stream.StreamKey;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * LL-HLS over HTTP: the answers come from {@link HlsRequests}; this checks the play rules on
 * playlists, decodes the query, and sends the bytes, readable by the pages of the allowed origins
 * (hls.js on another site's page), as the FLV ones are.
 */
final class LiveHls {
    private LiveHls() {
    }

    static boolean handles(HttpRequest r) {
        return (r.method().equals("GET") || r.method().equals("HEAD")) && HlsRequests.handles(r.rawPath())
                && !r.rawPath().startsWith(RecordingsApi.FILES) && !r.rawPath().startsWith("/api/");
    }

    static void serve(HlsRequests hls, FlvPlayback rules, HttpConfig config, HttpRequest request, ServerResponse res)
            throws IOException {
        HlsRequests.Answer answer;
        try {
            StreamKey key = HlsRequests.playlistKey(request.rawPath(), HttpApi::decode);
            FlvPlayback.Refusal refusal = key == null ? null : rules.refusal(key, request.rawQuery(),
                    request.remote().getAddress().getHostAddress(), "http://" + request.header("Host")
                            + request.rawPath(), "hls");
            answer = refusal != null ? HlsRequests.Answer.error(refusal.status(), refusal.reason())
                    : hls.answer(request.rawPath(), query(request.rawQuery()), HttpApi::decode);
        } catch (HttpError e) {
            answer = HlsRequests.Answer.error(e.status, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = HlsRequests.Answer.error(503, "the server is stopping");
        }
        res.status(Status.create(answer.status()));
        res.header("Content-Type", answer.contentType());
        res.header("Cache-Control", answer.cacheControl());
        LiveFlv.allowOrigin(config, request, res);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Content-Length", Long.toString(answer.length()));
        if (request.method().equals("HEAD")) {
            res.send();
            return;
        }
        try (OutputStream out = res.outputStream()) {
            for (byte[] b : answer.body()) {
                out.write(b);
            }
        } catch (UncheckedIOException e) {
            // The player went away mid-answer.
        }
    }

    /** The query's parameters, decoded; the last of a repeated one wins. */
    private static Map<String, String> query(String raw) {
        Map<String, String> map = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return map;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            map.put(HttpApi.decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : HttpApi.decode(
                    pair.substring(eq + 1)));
        }
        return map;
    }
}
