package dev.rtmpserver.http;

import dev.rtmpserver.browser.FlvPlayback;
import dev.rtmpserver.hls.HlsRequests;
import dev.rtmpserver.metrics.BuildInfo;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.net.HostPort;
import dev.rtmpserver.record.RecordFiles;
import dev.rtmpserver.relay.PushJson;
import dev.rtmpserver.relay.PushTarget;
import dev.rtmpserver.relay.Pushes;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PeerText;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamRegistry;
import io.helidon.http.Header;
import io.helidon.http.Status;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.websocket.WsRouting;
import org.tinylog.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of the server on Helidon SE's WebServer, one virtual thread per request: {@code /metrics} (Prometheus), {@code /api/...} (JSON), {@code /healthz} and the
 * dashboard at {@code /}, and the recorded files at {@code /recordings/...}. Only {@code /api}
 * shows clients (addresses, connection ids), and {@code /recordings} what they published, so only
 * these two are guarded by {@link ApiAccess}; the rest is open and must never show either.
 */
public final class HttpApi implements AutoCloseable {
    private static final byte[] DASHBOARD = resource("dashboard.html");
    private static final byte[] DASHBOARD_SCRIPT = resource("dashboard.js");
    private static final byte[] PLAY_PAGE = resource("play.html");
    private static final byte[] PLAY_SCRIPT = resource("play.js");
    /** The player library, as published on npm (see vendor/README.md); its name carries its version. */
    private static final String MPEGTS_PATH = "/vendor/mpegts-1.8.2.js";
    private static final byte[] MPEGTS = resource("vendor/mpegts-1.8.2.js");
    private static final String HLS_JS_PATH = "/vendor/hls-1.7.4.min.js";
    private static final byte[] HLS_JS = resource("vendor/hls-1.7.4.min.js");
    /** Versioned, so any cache may keep it for good. */
    private static final Map<String, String> IMMUTABLE = Map.of("Cache-Control", "public, max-age=31536000, immutable");
    /**
     * The player page runs this server's scripts only, and plays media from this server: through
     * Media Source Extensions, whose buffers the video element reads as blob: URLs. Other sites may
     * embed it in a frame, as players are.
     */
    private static final Map<String, String> PLAY_POLICY = Map.of("Content-Security-Policy",
            "default-src 'none'; script-src 'self'; connect-src 'self'; media-src 'self' blob:; worker-src blob:;"
                    + " style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    /**
     * The page runs its own script only and talks to this server only: should a stream name ever
     * slip into markup, it could neither run code nor send the token anywhere.
     */
    private static final Map<String, String> DASHBOARD_POLICY = Map.of("Content-Security-Policy",
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; base-uri 'none';"
                    + " form-action 'none'; frame-ancestors 'none'");
    /** A ban as operators write durations: 500ms, 10s, 2m, 1h; a bare number is seconds. Nine digits cannot overflow. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
    /** A Host header: a name or IPv4 address, or a bracketed IPv6 address, and perhaps a port. */
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})?");

    private final HttpConfig config;
    private final StreamRegistry registry;
    private final Supplier<List<Connection>> connections;
    private final Counters counters;
    private final StreamControl streams;
    private final Supplier<List<ListenerState>> listeners;
    private final Supplier<List<ListenAddress>> rtmpListeners;
    private final ApiAccess access;
    private final RecordingsApi recordings;
    private final ConfigReload reloads;
    private final FlvPlayback flv;
    private final HlsRequests hls;
    private final Pushes pushes;
    /** {@code /api/streams/APP/NAME/pushes}, and {@code .../pushes/ID}; percent-encoded segments. */
    private static final Pattern PUSHES = Pattern.compile("/api/streams/([^/]+)/([^/]+)/pushes(?:/([^/]+))?");
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private WebServer server;
    private WebServer httpsServer;

    /**
     * @param streams   ends streams for {@code DELETE /api/streams/APP/NAME}
     * @param listeners the state of every listener of the server, this one included, for {@code /healthz}
     * @param recordings the record directory's files, or empty when recording is off
     * @param reloads   runs {@code POST /api/reload}
     * @param rtmpListeners the RTMP and RTMPS sockets bound so far, for {@code /api/server}
     * @param flv       live streams as FLV at {@code /APP/NAME.flv}, over HTTP or WebSocket
     * @param hls       live streams as LL-HLS at {@code /APP/NAME/index.m3u8}
     * @param pushes    the push targets of each stream, shown and changed at {@code /api/streams/APP/NAME/pushes}
     */
    public HttpApi(HttpConfig config, StreamRegistry registry, Supplier<List<Connection>> connections,
                   Counters counters, StreamControl streams, Supplier<List<ListenerState>> listeners,
                   Optional<RecordFiles> recordings, ConfigReload reloads,
                   Supplier<List<ListenAddress>> rtmpListeners, FlvPlayback flv, HlsRequests hls, Pushes pushes) {
        this.flv = flv;
        this.pushes = pushes;
        this.hls = hls;
        this.config = config;
        this.registry = registry;
        this.connections = connections;
        this.counters = counters;
        this.streams = streams;
        this.listeners = listeners;
        this.reloads = reloads;
        this.rtmpListeners = rtmpListeners;
        this.access = new ApiAccess(config.apiToken());
        this.recordings = new RecordingsApi(recordings);
    }

    /**
     * @throws IOException if the port cannot be bound
     */
    public HttpApi start() throws IOException {
        HelidonLog.install();
        server = listen(config.port(), Optional.empty());
        Logger.info("HTTP listening on {}:{} (metrics, API, dashboard, browser playback); {}",
                config.bind().getHostAddress(), port(), access.summary());
        if (config.https().isPresent()) {
            TlsConfig tls = config.https().get();
            try {
                httpsServer = listen(tls.port(), Optional.of(Tls.builder().sslContext(tls.sslContext()).build()));
            } catch (IOException e) {
                server.stop();
                throw e;
            }
            Logger.info("HTTPS listening on {}:{} (the same, with HTTP/2)", config.bind().getHostAddress(),
                    httpsServer.port());
        }
        return this;
    }

    /** One listener serving every path; with {@code tls}, over TLS, where ALPN offers HTTP/2. */
    private WebServer listen(int port, Optional<Tls> tls) throws IOException {
        if (port != 0) {
            // Helidon does not throw when it cannot bind: it logs a stack trace and does not run.
            // Trying first gives the caller the BindException it acts on, and the log one clear line.
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(config.bind(), port));
            }
        }
        WebServerConfig.Builder builder = WebServer.builder()
                .host(config.bind().getHostAddress())
                .port(port)
                .shutdownHook(false)
                // Helidon's default NIO socket stages every write in an 8 KiB buffer of its own, one
                // system call per 8 KiB; the stream socket writes a response's buffer in one call.
                // On loopback a call costs about the same whatever its size, so a 64 KiB FLV batch
                // or an LL-HLS part went out as eight or more calls instead of one.
                .useNio(false)
                .routing(routing -> routing.any(this::handle))
                .addRouting(WsRouting.builder().endpoint("/{+path}", () -> new FlvSocket(flv, config)));
        tls.ifPresent(builder::tls);
        WebServer started = builder.build().start();
        if (!started.isRunning()) {
            throw new BindException("cannot listen on " + config.bind().getHostAddress() + ":" + port);
        }
        return started;
    }

    /** The HTTPS port, when HTTPS is on. */
    public Optional<Integer> httpsPort() {
        return httpsServer == null ? Optional.empty() : Optional.of(httpsServer.port());
    }

    public int port() {
        return server.port();
    }

    /** At most {@link #MAX_BODY_BYTES}: more cannot be one of the API's small JSON bodies, and is cut so it fails to parse. */
    private static String body(ServerRequest req) throws IOException {
        if (!req.content().hasEntity()) {
            return "";
        }
        try (InputStream in = req.content().inputStream()) {
            return new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
        }
    }

    private void handle(ServerRequest req, ServerResponse res) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (Header h : req.headers()) {
            headers.putIfAbsent(h.name(), h.get());
        }
        String query = req.query().rawValue();
        String method = req.prologue().method().text();
        HttpRequest request = new HttpRequest(method, req.path().rawPath(),
                query.isEmpty() ? null : query, headers, (InetSocketAddress) req.remotePeer().address(),
                ((InetSocketAddress) req.localPeer().address()).getAddress(),
                method.equals("POST") && req.path().rawPath().startsWith("/api/") ? body(req) : "");
        if (LiveFlv.handles(request)) {
            LiveFlv.serve(flv, config, request, res);
            return;
        }
        if (hls != null && LiveHls.handles(request)) {
            LiveHls.serve(hls, flv, config, request, res);
            return;
        }
        Response response = respond(request);
        res.status(Status.create(response.status()));
        responseHeaders(response).forEach(res::header);
        if (request.method().equals("HEAD") || response.length() == 0) {
            res.send();
        } else if (response.file() != null) {
            try (OutputStream out = res.outputStream()) {
                response.file().copyTo(out);
            }
        } else {
            res.send(response.body());
        }
    }

    /** The answer to a request, errors included; a HEAD request is answered as GET (its sender leaves out the body). */
    Response respond(HttpRequest request) {
        boolean head = request.method().equals("HEAD");
        try {
            return route(request, head ? "GET" : request.method());
        } catch (HttpError e) {
            return Response.json(e.status, Map.of("error", e.getMessage())).withHeaders(e.headers);
        } catch (RuntimeException e) {
            Logger.error(e, "HTTP {} {} failed", PeerText.escape(request.method()), PeerText.escape(request.rawPath()));
            return Response.json(500, Map.of("error", "internal error"));
        }
    }

    /** Every header of the answer, Content-Length included. */
    static Map<String, String> responseHeaders(Response r) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Cache-Control", "no-store");
        all.put("X-Content-Type-Options", "nosniff");
        all.putAll(r.headers());
        all.put("Content-Length", Long.toString(r.length()));
        return all;
    }

    /** The answer to a request; {@code method} is GET for HEAD requests. */
    private Response route(HttpRequest ex, String method) {
        String path = ex.rawPath();
        return switch (path) {
            case "/healthz" -> {
                allow(method, "GET");
                yield Health.render(listeners.get());
            }
            case "/metrics" -> {
                allow(method, "GET");
                yield Response.text(200, "text/plain; version=0.0.4; charset=utf-8",
                        Prometheus.render(counters, infos(), views()));
            }
            case "/", "/index.html" -> {
                allow(method, "GET");
                yield Response.bytes(200, "text/html; charset=utf-8", DASHBOARD).withHeaders(DASHBOARD_POLICY);
            }
            case "/dashboard.js" -> {
                allow(method, "GET");
                yield Response.bytes(200, "text/javascript; charset=utf-8", DASHBOARD_SCRIPT);
            }
            case "/play.js" -> {
                allow(method, "GET");
                yield Response.bytes(200, "text/javascript; charset=utf-8", PLAY_SCRIPT);
            }
            case MPEGTS_PATH -> {
                allow(method, "GET");
                yield Response.bytes(200, "text/javascript; charset=utf-8", MPEGTS).withHeaders(IMMUTABLE);
            }
            case HLS_JS_PATH -> {
                allow(method, "GET");
                yield Response.bytes(200, "text/javascript; charset=utf-8", HLS_JS).withHeaders(IMMUTABLE);
            }
            default -> {
                if (path.startsWith("/play/") && path.length() > "/play/".length()) {
                    allow(method, "GET");
                    yield Response.bytes(200, "text/html; charset=utf-8", PLAY_PAGE).withHeaders(PLAY_POLICY);
                }
                boolean api = path.equals("/api") || path.startsWith("/api/");
                if (api || path.startsWith(RecordingsApi.FILES)) {
                    access.check(ex.header("Authorization"), ex.remote().getAddress());
                    yield api ? api(ex, method, path) : recordings.file(method, path, ex);
                }
                throw new HttpError(404, "no such resource");
            }
        };
    }

    private Response api(HttpRequest ex, String method, String path) {
        String query = ex.rawQuery();
        if (path.equals("/api/server")) {
            allow(method, "GET");
            return Response.json(200, server(ex));
        }
        if (path.equals("/api/streams")) {
            allow(method, "GET");
            long now = System.currentTimeMillis();
            List<Connection.Info> infos = infos();
            return Response.json(200, Map.of("streams", views().stream()
                    .sorted(Comparator.comparing(v -> v.key().toString()))
                    .map(v -> withPushes(StreamsView.stream(v, infos, flv.viewers(), now), v.key())).toList()));
        }
        if (path.equals("/api/connections")) {
            allow(method, "GET");
            long now = System.currentTimeMillis();
            return Response.json(200, Map.of("connections", infos().stream()
                    .sorted(Comparator.comparingLong(Connection.Info::id))
                    .map(c -> StreamsView.connection(c, now)).toList()));
        }
        if (path.equals("/api/recordings")) {
            return recordings.list(method, query);
        }
        if (path.equals("/api/reload")) {
            allow(method, "POST");
            parameters(query);
            return reload();
        }
        Matcher push = PUSHES.matcher(path);
        if (push.matches()) {
            StreamKey key = new StreamKey(decode(push.group(1)), decode(push.group(2)));
            if (push.group(3) == null) {
                allow(method, "POST");
                return addPush(key, ex.body());
            }
            allow(method, "DELETE");
            if (!pushes.remove(key, decode(push.group(3)))) {
                throw new HttpError(404, "no push " + decode(push.group(3)) + " of " + key);
            }
            return Response.noContent();
        }
        if (path.startsWith("/api/streams/")) {
            allow(method, "GET", "DELETE");
            StreamKey key = streamKey(path.substring("/api/streams/".length()));
            return method.equals("GET") ? stream(key) : endStream(key, query);
        }
        if (path.startsWith("/api/connections/")) {
            allow(method, "GET", "DELETE");
            String id = path.substring("/api/connections/".length());
            return method.equals("GET") ? connectionInfo(id) : kick(id, query);
        }
        throw new HttpError(404, "no such resource");
    }

    private Response reload() {
        ConfigReload.Result result;
        try {
            result = reloads.reload();
        } catch (ConfigReload.Rejected e) {
            throw new HttpError(400, e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reloaded", result.reloaded());
        body.put("needsRestart", result.needsRestart());
        return Response.json(200, body);
    }

    /**
     * The URLs publishers and players use, and the version. Behind a wildcard bind the server
     * cannot know which of its names or addresses a client reaches, so the URLs use the host this
     * request was sent to, which the browser showing them reached too.
     */
    private Map<String, Object> server(HttpRequest ex) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String scheme : new String[] {"rtmp", "rtmps"}) {
            m.put(scheme, rtmpListeners.get().stream().filter(l -> l.scheme().equals(scheme))
                    .map(l -> scheme + "://" + (l.bind().isAnyLocalAddress() ? requestHost(ex) : HostPort.host(l.bind()))
                            + ":" + l.port() + "/")
                    .toList());
        }
        m.put("version", BuildInfo.version());
        return m;
    }

    /** The host of the request's Host header, or the address it arrived on if that is missing or odd. */
    private static String requestHost(HttpRequest ex) {
        String header = ex.header("Host");
        Matcher m = header == null ? null : HOST.matcher(header.strip());
        return m != null && m.matches() ? m.group(1) : HostPort.host(ex.local());
    }

    private Response addPush(StreamKey key, String body) {
        String url;
        PushTarget target;
        try {
            url = PushJson.url(body);
            target = pushes.add(key, url).orElseThrow(() -> new HttpError(404, "nobody publishes " + key));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
        return Response.json(201, Map.of("id", target.id(), "url", target.url().redacted()));
    }

    /** The stream's view with its push targets. */
    private Map<String, Object> withPushes(Map<String, Object> view, StreamKey key) {
        view.put("pushes", pushes.of(key).stream().map(t -> StreamsView.push(t.status())).toList());
        return view;
    }

    private Response stream(StreamKey key) {
        LiveStream stream = registry.get(key);
        if (stream == null) {
            throw new HttpError(404, "no stream " + key);
        }
        return Response.json(200, withPushes(StreamsView.stream(stream.view(), infos(), flv.viewers(),
                System.currentTimeMillis()), key));
    }

    private Response connectionInfo(String id) {
        return Response.json(200, StreamsView.connection(connection(id).info(), System.currentTimeMillis()));
    }

    private Response kick(String id, String query) {
        parameters(query);
        Connection c = connection(id);
        counters.kicks.increment();
        c.closeAsync("kicked through the HTTP API");
        return Response.noContent();
    }

    private Response endStream(StreamKey key, String query) {
        String ban = parameters(query, "ban").get("ban");
        if (!streams.end(key, ban == null ? Duration.ZERO : duration(ban))) {
            throw new HttpError(404, "nobody publishes " + key);
        }
        counters.kicks.increment();
        return Response.noContent();
    }

    /**
     * The query's parameters, percent-decoded; any but {@code known}, or one given twice, gets
     * 400, so a misspelt {@code ?bna=1h} never passes for a kick without a ban.
     */
    static Map<String, String> parameters(String rawQuery, String... known) {
        Map<String, String> result = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!Arrays.asList(known).contains(name)) {
                throw new HttpError(400, known.length == 0 ? "this request takes no parameters"
                        : "unknown parameter " + name + "; this request takes " + String.join(", ", known));
            }
            if (result.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1))) != null) {
                throw new HttpError(400, name + " given twice");
            }
        }
        return result;
    }

    private static Duration duration(String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new HttpError(400, "ban must be a duration such as 500ms, 10s, 2m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static StreamKey streamKey(String rest) {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new HttpError(404, "expected /api/streams/APP/NAME");
        }
        return new StreamKey(decode(rest.substring(0, slash)), decode(rest.substring(slash + 1)));
    }

    private Connection connection(String rest) {
        long id;
        try {
            id = Long.parseLong(rest);
        } catch (NumberFormatException e) {
            throw new HttpError(404, "expected /api/connections/ID");
        }
        return connections.get().stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow(() -> new HttpError(404, "no connection " + id));
    }

    private List<LiveStream.View> views() {
        return registry.streams().stream().map(LiveStream::view).toList();
    }

    private List<Connection.Info> infos() {
        return connections.get().stream().map(Connection::info).toList();
    }

    /** Refuses a method the resource does not take; GET admits HEAD, as {@link #respond} turns HEAD into GET. */
    static void allow(String method, String... methods) {
        if (!Arrays.asList(methods).contains(method)) {
            String allowed = String.join(", ", methods).replace("GET", "GET, HEAD");
            throw new HttpError(405, "use " + allowed, Map.of("Allow", allowed));
        }
    }

    /**
     * Percent-decodes a path segment strictly: '+' stays '+' (it means space only in forms), and
     * escapes that are not UTF-8 get 400 rather than a name no stream can have.
     */
    static String decode(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) != '%') {
                out.append(raw.charAt(i++));
                continue;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (i < raw.length() && raw.charAt(i) == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new HttpError(400, "malformed percent-escape in the path");
                }
                bytes.write(hi << 4 | lo);
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray())));
            } catch (CharacterCodingException e) {
                throw new HttpError(400, "percent-escapes in the path are not UTF-8");
            }
        }
        return out.toString();
    }

    private static byte[] resource(String name) {
        try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + " from the jar", e);
        }
    }

    @Override
    public void close() {
        if (httpsServer != null) {
            httpsServer.stop();
        }
        if (server != null) {
            server.stop();
        }
    }
}
