package dev.rtmpserver.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.StreamKey;
import dev.rtmpserver.stream.StreamRegistry;
import org.tinylog.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The HTTP side of the server on the JDK's own {@code jdk.httpserver}, one virtual thread per
 * request: {@code /metrics} (Prometheus), {@code /api/...} (JSON), {@code /healthz} and the
 * dashboard at {@code /}. Only {@code /api} shows clients (addresses, connection ids), so only
 * it is guarded by {@link ApiAccess}; the rest is open and must never show them.
 */
public final class HttpApi implements AutoCloseable {
    private static final String DASHBOARD = "/dev/rtmpserver/http/dashboard.html";

    private final HttpConfig config;
    private final StreamRegistry registry;
    private final Supplier<List<Connection>> connections;
    private final Counters counters;
    private final ApiAccess access;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private HttpServer server;

    public HttpApi(HttpConfig config, StreamRegistry registry, Supplier<List<Connection>> connections,
                   Counters counters) {
        this.config = config;
        this.registry = registry;
        this.connections = connections;
        this.counters = counters;
        this.access = new ApiAccess(config.apiToken());
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

    private void handle(HttpExchange ex) throws IOException {
        // Not try-with-resources: the exchange must still be open when the catch clauses answer.
        try {
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            if (path.equals("/api") || path.startsWith("/api/")) {
                access.check(ex.getRequestHeaders().getFirst("Authorization"), ex.getRemoteAddress().getAddress());
            }
            if (path.equals("/healthz")) {
                send(ex, 200, "text/plain; charset=utf-8", "ok\n");
            } else if (path.equals("/metrics")) {
                requireGet(ex);
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                        Prometheus.render(counters, infos(), views()));
            } else if (path.equals("/api/streams")) {
                requireGet(ex);
                long now = System.currentTimeMillis();
                List<Connection.Info> infos = infos();
                sendJson(ex, 200, Map.of("streams", views().stream()
                        .sorted(Comparator.comparing(v -> v.key().toString()))
                        .map(v -> StreamsView.stream(v, infos, now)).toList()));
            } else if (path.startsWith("/api/streams/")) {
                stream(ex, method, path.substring("/api/streams/".length()));
            } else if (path.equals("/api/connections")) {
                requireGet(ex);
                long now = System.currentTimeMillis();
                sendJson(ex, 200, Map.of("connections", infos().stream()
                        .sorted(Comparator.comparingLong(Connection.Info::id))
                        .map(c -> StreamsView.connection(c, now)).toList()));
            } else if (path.startsWith("/api/connections/")) {
                connection(ex, method, path.substring("/api/connections/".length()));
            } else if (path.equals("/") || path.equals("/index.html")) {
                requireGet(ex);
                try (InputStream in = HttpApi.class.getResourceAsStream(DASHBOARD)) {
                    send(ex, 200, "text/html; charset=utf-8", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } else {
                sendJson(ex, 404, Map.of("error", "no such resource"));
            }
        } catch (HttpError e) {
            e.headers.forEach(ex.getResponseHeaders()::set);
            sendJson(ex, e.status, Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            Logger.error(e, "HTTP {} {} failed", ex.getRequestMethod(), ex.getRequestURI());
            sendJson(ex, 500, Map.of("error", "internal error"));
        } finally {
            ex.close();
        }
    }

    private void stream(HttpExchange ex, String method, String rest) throws IOException {
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new HttpError(404, "expected /api/streams/APP/NAME");
        }
        StreamKey key = new StreamKey(decode(rest.substring(0, slash)), decode(rest.substring(slash + 1)));
        LiveStream stream = registry.get(key);
        switch (method) {
            case "GET" -> {
                if (stream == null) {
                    throw new HttpError(404, "no stream " + key);
                }
                sendJson(ex, 200, StreamsView.stream(stream.view(), infos(), System.currentTimeMillis()));
            }
            case "DELETE" -> {
                List<Connection> publishers = connections.get().stream().filter(c -> c.publishes(key)).toList();
                if (publishers.isEmpty()) {
                    throw new HttpError(404, "nobody publishes " + key);
                }
                publishers.forEach(c -> kick(c, "publisher of " + key + " kicked through the HTTP API"));
                send(ex, 204, null, "");
            }
            default -> throw new HttpError(405, "use GET or DELETE");
        }
    }

    private void connection(HttpExchange ex, String method, String rest) throws IOException {
        long id;
        try {
            id = Long.parseLong(rest);
        } catch (NumberFormatException e) {
            throw new HttpError(404, "expected /api/connections/ID");
        }
        Connection c = connections.get().stream().filter(x -> x.id() == id).findFirst()
                .orElseThrow(() -> new HttpError(404, "no connection " + id));
        switch (method) {
            case "GET" -> sendJson(ex, 200, StreamsView.connection(c.info(), System.currentTimeMillis()));
            case "DELETE" -> {
                kick(c, "kicked through the HTTP API");
                send(ex, 204, null, "");
            }
            default -> throw new HttpError(405, "use GET or DELETE");
        }
    }

    private void kick(Connection c, String reason) {
        counters.kicks.increment();
        c.closeAsync(reason);
    }

    private List<LiveStream.View> views() {
        return registry.streams().stream().map(LiveStream::view).toList();
    }

    private List<Connection.Info> infos() {
        return connections.get().stream().map(Connection::info).toList();
    }

    private static void requireGet(HttpExchange ex) {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            throw new HttpError(405, "use GET");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void sendJson(HttpExchange ex, int status, Object body) throws IOException {
        send(ex, status, "application/json", Json.write(body) + "\n");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
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
