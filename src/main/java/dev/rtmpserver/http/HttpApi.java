package dev.rtmpserver.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rtmpserver.metrics.BuildInfo;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.net.HostPort;
import dev.rtmpserver.record.RecordFiles;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamRegistry;
import org.tinylog.Logger;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP side of the server on the JDK's own {@code jdk.httpserver}, one virtual thread per
 * request: {@code /metrics} (Prometheus), {@code /api/...} (JSON), {@code /healthz} and the
 * dashboard at {@code /}, and the recorded files at {@code /recordings/...}. Only {@code /api}
 * shows clients (addresses, connection ids), and {@code /recordings} what they published, so only
 * these two are guarded by {@link ApiAccess}; the rest is open and must never show either.
 */
public final class HttpApi implements AutoCloseable {
    private static final String DASHBOARD = resource("dashboard.html");
    private static final String DASHBOARD_SCRIPT = resource("dashboard.js");
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
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer server;

    /**
     * @param streams   ends streams for {@code DELETE /api/streams/APP/NAME}
     * @param listeners the state of every listener of the server, this one included, for {@code /healthz}
     * @param recordings the record directory's files, or empty when recording is off
     * @param reloads   runs {@code POST /api/reload}
     * @param rtmpListeners the RTMP and RTMPS sockets bound so far, for {@code /api/server}
     */
    public HttpApi(HttpConfig config, StreamRegistry registry, Supplier<List<Connection>> connections,
                   Counters counters, StreamControl streams, Supplier<List<ListenerState>> listeners,
                   Optional<RecordFiles> recordings, ConfigReload reloads,
                   Supplier<List<ListenAddress>> rtmpListeners) {
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

    public HttpApi start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        Logger.info("HTTP listening on {}:{} (metrics, API, dashboard); {}", config.bind().getHostAddress(), port(),
                access.summary());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    void handle(HttpExchange ex) throws IOException {
        // Not try-with-resources: the exchange must still be open when the answer is sent.
        try {
            boolean head = ex.getRequestMethod().equals("HEAD");
            Response response;
            try {
                response = route(ex, head ? "GET" : ex.getRequestMethod());
            } catch (HttpError e) {
                response = Response.json(e.status, Map.of("error", e.getMessage())).withHeaders(e.headers);
            } catch (RuntimeException e) {
                Logger.error(e, "HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI());
                response = Response.json(500, Map.of("error", "internal error"));
            }
            send(ex, response, head);
        } finally {
            ex.close();
        }
    }

    /** The answer to a request; {@code method} is GET for HEAD requests. */
    private Response route(HttpExchange ex, String method) {
        String path = ex.getRequestURI().getRawPath();
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
                yield Response.text(200, "text/html; charset=utf-8", DASHBOARD).withHeaders(DASHBOARD_POLICY);
            }
            case "/dashboard.js" -> {
                allow(method, "GET");
                yield Response.text(200, "text/javascript; charset=utf-8", DASHBOARD_SCRIPT);
            }
            default -> {
                boolean api = path.equals("/api") || path.startsWith("/api/");
                if (api || path.startsWith(RecordingsApi.FILES)) {
                    access.check(ex.getRequestHeaders().getFirst("Authorization"), ex.getRemoteAddress().getAddress());
                    yield api ? api(ex, method, path)
                            : recordings.file(method, path, ex.getRequestHeaders(), ex.getRemoteAddress());
                }
                throw new HttpError(404, "no such resource");
            }
        };
    }

    private Response api(HttpExchange ex, String method, String path) {
        String query = ex.getRequestURI().getRawQuery();
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
                    .map(v -> StreamsView.stream(v, infos, now)).toList()));
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
    private Map<String, Object> server(HttpExchange ex) {
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
    private static String requestHost(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Host");
        Matcher m = header == null ? null : HOST.matcher(header.strip());
        return m != null && m.matches() ? m.group(1) : HostPort.host(ex.getLocalAddress().getAddress());
    }

    private Response stream(StreamKey key) {
        LiveStream stream = registry.get(key);
        if (stream == null) {
            throw new HttpError(404, "no stream " + key);
        }
        return Response.json(200, StreamsView.stream(stream.view(), infos(), System.currentTimeMillis()));
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

    /** Refuses a method the resource does not take; GET admits HEAD, as {@link #handle} turns HEAD into GET. */
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

    private static void send(HttpExchange ex, Response r, boolean head) throws IOException {
        byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
        long length = r.file() == null ? bytes.length : r.file().length();
        r.headers().forEach(ex.getResponseHeaders()::set);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        // jdk.httpserver takes -1 as "no body"; a HEAD answer must have none.
        ex.sendResponseHeaders(r.status(), head || length == 0 ? -1 : length);
        if (head || length == 0) {
            return;
        }
        if (r.file() != null) {
            r.file().copyTo(ex.getResponseBody());
        } else {
            ex.getResponseBody().write(bytes);
        }
    }

    private static String resource(String name) {
        try (InputStream in = HttpApi.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + " from the jar", e);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        executor.close();
    }
}
