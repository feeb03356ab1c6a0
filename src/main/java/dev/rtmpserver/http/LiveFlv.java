package dev.rtmpserver.http;

import dev.rtmpserver.browser.FlvPlayback;
import dev.rtmpserver.browser.FlvViewer;
import dev.rtmpserver.stream.StreamKey;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /APP/NAME.flv}: the live stream as one long FLV response (HTTP-FLV), which
 * mpegts.js, flv.js, ffmpeg and VLC play. The request's thread writes it, one chunk per batch of
 * frames, until the stream ends or the client goes.
 */
final class LiveFlv {
    /** An application and a stream name: the name may hold slashes, as RTMP's may. */
    static final Pattern PATH = Pattern.compile("/([^/]+)/(.+)\\.flv");
    static final Map<String, String> HEADERS = Map.of("Content-Type", "video/x-flv", "Cache-Control", "no-store",
            "X-Content-Type-Options", "nosniff");

    private LiveFlv() {
    }

    /** A GET or HEAD of a live stream's .flv; recordings and the API have paths of their own. */
    static boolean handles(HttpRequest r) {
        return (r.method().equals("GET") || r.method().equals("HEAD")) && PATH.matcher(r.rawPath()).matches()
                && !r.rawPath().startsWith(RecordingsApi.FILES) && !r.rawPath().startsWith("/api/");
    }

    /** The stream a path names, percent-decoded. */
    static StreamKey key(String rawPath) {
        Matcher m = PATH.matcher(rawPath);
        if (!m.matches()) {
            throw new HttpError(404, "expected /APP/NAME.flv");
        }
        return new StreamKey(HttpApi.decode(m.group(1)), HttpApi.decode(m.group(2)));
    }

    /**
     * The CORS header of a media answer: pages of the allowed origins (by default any, as with SRS
     * and Node-Media-Server: it is the stream RTMP serves to anyone) may read it from scripts.
     */
    static void allowOrigin(HttpConfig config, HttpRequest request, ServerResponse res) {
        String allowed = config.allowOrigin(request.header("Origin"));
        if (allowed != null) {
            res.header("Access-Control-Allow-Origin", allowed);
        }
        if (!HttpConfig.ANY_ORIGIN.equals(allowed)) {
            res.header("Vary", "Origin");
        }
    }

    static void serve(FlvPlayback flv, HttpConfig config, HttpRequest request, ServerResponse res)
            throws IOException {
        FlvPlayback.Admission admission;
        try {
            admission = flv.open(key(request.rawPath()), request.rawQuery(), request.remote().getAddress()
                    .getHostAddress(), "http://" + request.header("Host") + request.rawPath(), FlvViewer.Protocol.HTTP_FLV);
        } catch (HttpError e) {
            admission = new FlvPlayback.Refusal(e.status, e.getMessage());
        }
        if (admission instanceof FlvPlayback.Refusal refusal) {
            byte[] body = (Json.write(Map.of("error", refusal.reason())) + "\n").getBytes(StandardCharsets.UTF_8);
            res.status(Status.create(refusal.status()));
            res.header("Content-Type", "application/json");
            res.header("Cache-Control", "no-store");
            allowOrigin(config, request, res);
            res.send(body);
            return;
        }
        FlvPlayback.Opened opened = (FlvPlayback.Opened) admission;
        HEADERS.forEach(res::header);
        allowOrigin(config, request, res);
        if (request.method().equals("HEAD")) {
            flv.close(opened, "HEAD");
            res.send();
            return;
        }
        try (OutputStream out = res.outputStream()) {
            flv.play(opened, (bytes, length) -> {
                out.write(bytes, 0, length);
                out.flush();
            });
        } catch (IOException | UncheckedIOException e) {
            // Closing the answer to a client that already left.
        }
    }
}
