package dev.rtmpserver.server;

import dev.rtmpserver.access.Access;
import dev.rtmpserver.browser.FlvPlayback;
import dev.rtmpserver.cluster.ClusterMap;
import dev.rtmpserver.concurrent.Threads;
import dev.rtmpserver.edge.ConfiguredOrigins;
import dev.rtmpserver.edge.Origins;
import dev.rtmpserver.edge.Pulls;
import dev.rtmpserver.edge.Upstream;
import dev.rtmpserver.hls.HlsRequests;
import dev.rtmpserver.hls.HlsStreams;
import dev.rtmpserver.hooks.Hooks;
import dev.rtmpserver.http.ConfigReload;
import dev.rtmpserver.http.HttpApi;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.http.ListenAddress;
import dev.rtmpserver.http.ListenerState;
import dev.rtmpserver.http.StreamControl;
import dev.rtmpserver.metrics.Counters;
import dev.rtmpserver.net.HostPort;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.record.Recordings;
import dev.rtmpserver.relay.Pushes;
import dev.rtmpserver.session.AccessControl;
import dev.rtmpserver.session.Connection;
import dev.rtmpserver.session.PublishClaims;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.session.SessionContext;
import dev.rtmpserver.session.StreamEnds;
import dev.rtmpserver.stream.LiveStream;
import dev.rtmpserver.stream.PublishListener;
import dev.rtmpserver.stream.StreamRegistry;
import org.tinylog.Logger;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The RTMP listener: accepts connections on a platform thread and runs each on a virtual thread
 * of its own.
 */
public final class RtmpServer implements AutoCloseable {
    /** Pending connections the kernel may queue while the accept thread catches up. */
    private static final int ACCEPT_BACKLOG = 1024;

    /** How often the watchdog looks for connections that timed out. */
    private static final Duration WATCHDOG_PERIOD = Duration.ofSeconds(1);
    private static final Duration ACCEPT_RETRY_DELAY = Duration.ofMillis(100);

    /** Replaced by {@link #reload}; whatever is decided per new connection, publish or play reads it anew. */
    private volatile ServerConfig config;
    private final ScheduledExecutorService timer = Threads.newTimer("rtmp-timer");
    private final StreamRegistry registry;
    /** Rebuilt on reload only when the access rules changed, since each one holds an HTTP client. */
    private volatile AccessControl access;
    /** What each new connection gets; a connection keeps its own, so its timeouts and limits stay as they began. */
    private volatile SessionContext context;
    private ConfigReload reloads = () -> new ConfigReload.Result(false, List.of());
    /** How long close() waits, past the grace period, for connection threads to finish. */
    private static final Duration CONNECTIONS_END_WAIT = Duration.ofSeconds(2);
    private static final Duration CONNECTIONS_END_POLL = Duration.ofMillis(10);
    /** How long close() waits at least, past the grace period, for hooks still being delivered. */
    private static final Duration HOOKS_END_WAIT = Duration.ofSeconds(2);
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private final Counters counters = new Counters();
    /** Open connections per client address; touched by the accept thread and departing connections. */
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    /** Only the accept thread touches it. */
    private long lastRefusalLog;
    // Volatile: /healthz reads them from HTTP threads, possibly while start() still runs.
    private volatile ServerSocket serverSocket;
    private volatile Thread acceptThread;
    private volatile ServerSocket tlsServerSocket;
    private volatile Thread tlsAcceptThread;
    /** Why a listener's accept loop ended while the server was not closing. */
    private final ConcurrentHashMap<ServerSocket, String> acceptEnded = new ConcurrentHashMap<>();
    private volatile boolean closing;
    private volatile Recordings recordings;
    private volatile HttpApi http;
    private volatile FlvPlayback flv;
    /** What is told of each publish: the recorder and the HLS packager, when they run. */
    private final List<PublishListener> publishListeners = new ArrayList<>();
    /** Null when no hook is configured. */
    private final Hooks hooks;
    private final Pushes pushes;
    private final Pulls pulls;
    /** Null unless this node is one of a cluster. */
    private final ClusterMap cluster;

    public RtmpServer(ServerConfig config) {
        this.config = config;
        this.registry = new StreamRegistry(app -> this.config.policyFor(app), dev.rtmpserver.stream.Scheduler.of(timer),
                System::nanoTime, () -> this.config.limits().maxStreams());
        this.hooks = config.hooks().any() ? new Hooks(config.hooks(), counters) : null;
        this.pushes = new Pushes(registry, () -> this.config.pushes(), counters);
        this.cluster = config.cluster().map(c -> ClusterMap.start(c, counters)).orElse(null);
        this.access = Access.of(config.access(), pushes::requested);
        this.context = sessionContext(config);
        // A stream nobody publishes here is pulled from the configuration's origins, then from the
        // node of the cluster that publishes it.
        List<Origins> origins = new ArrayList<>();
        origins.add(new ConfiguredOrigins(() -> this.config.pulls().origins()));
        if (cluster != null) {
            origins.add(cluster);
        }
        this.pulls = new Pulls(registry, ConfiguredOrigins.inOrder(origins), Upstream.rtmp(),
                dev.rtmpserver.stream.Scheduler.of(timer), System::nanoTime, Thread::sleep, Threads::startVirtual,
                () -> this.config.pulls(), counters);
        registry.setDemand(pulls);
    }

    /** Access is looked up at each publish and play, so a reload's new tokens also bind connections already open. */
    private SessionContext sessionContext(ServerConfig c) {
        return new SessionContext(registry, c.session(), this::recordingForPlayback, counters,
                request -> access.deny(request), hooks == null ? StreamEnds.NONE : hooks,
                cluster == null ? PublishClaims.NONE : cluster);
    }
    /**
     * What {@code POST /api/reload} runs: reading the configuration again is the command line's business. Set it
     * before {@link #start}; without it the API answers that nothing was reloaded.
     */
    public void setConfigReload(ConfigReload reloads) {
        this.reloads = reloads;
    }

    /**
     * Applies {@code next} without dropping any connection: from now on new connections, publishes and plays
     * follow it, while what the server bound at start keeps running as it is (see {@link Reload}). A reload
     * during {@link #start} waits for it, so that the recordings it sets up get the new configuration too.
     *
     * @return what was applied, and which options need a restart
     */
    public synchronized Reload reload(ServerConfig next) {
        Reload result = Reload.of(config, next);
        ServerConfig applied = result.applied();
        if (!applied.access().equals(config.access())) {
            access = Access.of(applied.access(), pushes::requested);
        }
        Recordings r = recordings;
        if (r != null) {
            applied.recording().ifPresent(r::reconfigure);
        }
        config = applied;
        context = sessionContext(applied);
        return result;
    }

    /**
     * Binds and starts accepting.
     *
     * @throws java.net.BindException if the address is in use or not local
     */
    // The watchdog's future is not kept: closeTimedOut catches its own failures, and close() stops
    // the timer.
    @SuppressWarnings("FutureReturnValueIgnored")
    public synchronized RtmpServer start() throws IOException {
        if (config.recording().isPresent()) {
            recordings = new Recordings(config.recording().get(), registry, counters,
                    hooks == null ? file -> { } : hooks::recorded);
            publishListeners.add(recordings);
            Logger.info("recording to {}", recordings.files().root());
        }
        if (config.http().isPresent()) {
            HttpConfig h = config.http().get();
            // Every stream is packaged for LL-HLS from its first publish, so players start at once.
            HlsStreams hls = h.hls().enabled()
                    ? new HlsStreams(registry, h.hls(), dev.rtmpserver.stream.Scheduler.of(timer)) : null;
            StreamControl streams = (key, ban) -> registry.kick(key, ban, "stream " + key
                    + " kicked through the HTTP API" + (ban.isZero() ? "" : ", banned for " + ban.toSeconds() + " s"));
            try {
                SessionConfig session = config.session();
                flv = new FlvPlayback(registry, () -> access, counters,
                        new FlvPlayback.Limits(session.playerQueueBytes(), session.playerMaxLag(),
                                config.limits().maxConnections(), config.limits().maxConnectionsPerAddress()),
                        key -> cluster != null
                                || !this.config.pulls().origins().getOrDefault(key.app(), List.of()).isEmpty());
                http = new HttpApi(h, registry, this::connections, counters, streams, this::listeners,
                        recordings().map(Recordings::files), reloads, this::listenAddresses, flv,
                        hls == null ? null : new HlsRequests(hls), pushes).start();
                if (hls != null) {
                    publishListeners.add(hls);
                }
            } catch (BindException e) {
                if (h.required()) {
                    throw new BindException("HTTP on " + h.bind().getHostAddress() + ":" + h.port() + ": "
                            + e.getMessage());
                }
                // Nobody asked for HTTP: an RTMP server must not fail because something else has 8080.
                Logger.warn("HTTP port {} is in use ({}): running without metrics, API and dashboard; choose another"
                        + " with --http-port", h.port(), e.getMessage());
            }
        }
        publishListeners.add(pushes);
        List<PublishListener> listeners = List.copyOf(publishListeners);
        registry.setPublishListener((stream, continuing) -> listeners.forEach(l -> l.published(stream, continuing)));
        // Accepted through a channel, a plain socket has one: writers hand each batch to it in
        // one gathering write (RTMPS sockets have none and write through their streams).
        ServerSocket socket = ServerSocketChannel.open().socket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(config.bind(), config.port()), ACCEPT_BACKLOG);
        } catch (IOException e) {
            socket.close();
            if (http != null) {
                http.close();
            }
            if (e instanceof BindException) {
                throw new BindException("RTMP on " + config.bind().getHostAddress() + ":" + config.port() + ": "
                        + e.getMessage());
            }
            throw e;
        }
        serverSocket = socket;
        if (config.tls().isPresent()) {
            startTls(config.tls().get());
        }
        String name = listenerName("rtmp", socket);
        acceptThread = Threads.startPlatform("rtmp-accept-" + port(), () -> acceptLoop(socket, name));
        timer.scheduleAtFixedRate(this::closeTimedOut, WATCHDOG_PERIOD.toMillis(), WATCHDOG_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        Logger.info("RTMP listening on {}:{}", config.bind().getHostAddress(), port());
        return this;
    }

    private void startTls(TlsConfig tls) throws IOException {
        ServerSocket socket = tls.sslContext().getServerSocketFactory().createServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(config.bind(), tls.port()), ACCEPT_BACKLOG);
        } catch (IOException e) {
            socket.close();
            serverSocket.close();
            if (http != null) {
                http.close();
            }
            throw e instanceof BindException ? new BindException("RTMPS on " + config.bind().getHostAddress() + ":"
                    + tls.port() + ": " + e.getMessage()) : e;
        }
        tlsServerSocket = socket;
        String name = listenerName("rtmps", socket);
        tlsAcceptThread = Threads.startPlatform("rtmps-accept-" + socket.getLocalPort(), () -> acceptLoop(socket, name));
        Logger.info("RTMPS listening on {}:{}", config.bind().getHostAddress(), socket.getLocalPort());
    }

    /** The RTMPS port, if TLS is configured. */
    public java.util.OptionalInt tlsPort() {
        return tlsServerSocket == null ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(tlsServerSocket.getLocalPort());
    }

    /** True once the listener is bound. */
    public boolean isListening() {
        return serverSocket != null;
    }

    /** The bound port, useful when the configured port was 0. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The RTMP listening socket, so that tests can close it underneath the accept loop. */
    ServerSocket listeningSocket() {
        return serverSocket;
    }

    /** What a connection accepted now gets. */
    SessionContext context() {
        return context;
    }

    public StreamRegistry registry() {
        return registry;
    }

    public int connectionCount() {
        return connections.size();
    }

    /** The connections open now, for the HTTP API. */
    public java.util.List<Connection> connections() {
        return java.util.List.copyOf(connections);
    }

    /** The HTTP listener's port, if it runs. */
    public java.util.OptionalInt httpPort() {
        return http == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(http.port());
    }

    /** The HTTPS listener's port, if it runs. */
    public java.util.OptionalInt httpsPort() {
        return http == null || http.httpsPort().isEmpty() ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(http.httpsPort().get());
    }

    public Counters counters() {
        return counters;
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Every listener and whether it accepts: one whose accept loop ended, or whose socket closed,
     * while the server is not closing is down. For {@code /healthz}.
     */
    public List<ListenerState> listeners() {
        List<ListenerState> all = new ArrayList<>();
        all.add(state("rtmp", serverSocket, acceptThread, config.port()));
        config.tls().ifPresent(tls -> all.add(state("rtmps", tlsServerSocket, tlsAcceptThread, tls.port())));
        HttpApi h = http;
        if (h != null) {
            String name = "http " + HostPort.of(config.http().orElseThrow().bind(), h.port());
            all.add(closing ? new ListenerState(name, false, "server shutting down") : new ListenerState(name, true, null));
            if (h.httpsPort().isPresent()) {
                String https = "https " + HostPort.of(config.http().orElseThrow().bind(), h.httpsPort().get());
                all.add(closing ? new ListenerState(https, false, "server shutting down")
                        : new ListenerState(https, true, null));
            }
        }
        return all;
    }

    /** The RTMP and RTMPS sockets bound so far. */
    private List<ListenAddress> listenAddresses() {
        List<ListenAddress> all = new ArrayList<>();
        ServerSocket rtmp = serverSocket;
        ServerSocket rtmps = tlsServerSocket;
        if (rtmp != null) {
            all.add(new ListenAddress("rtmp", config.bind(), rtmp.getLocalPort()));
        }
        if (rtmps != null) {
            all.add(new ListenAddress("rtmps", config.bind(), rtmps.getLocalPort()));
        }
        return all;
    }

    private ListenerState state(String protocol, ServerSocket socket, Thread thread, int configuredPort) {
        if (socket == null) {
            return new ListenerState(protocol + " " + HostPort.of(config.bind(), configuredPort), false, "not bound yet");
        }
        String ended = acceptEnded.get(socket);
        String down = closing ? "server shutting down"
                : ended != null ? ended
                : socket.isClosed() ? "listening socket closed"
                : thread == null ? "not accepting yet"
                : !thread.isAlive() ? "accept thread ended" : null;
        return new ListenerState(listenerName(protocol, socket), down == null, down);
    }

    private String listenerName(String protocol, ServerSocket socket) {
        return protocol + " " + HostPort.of(config.bind(), socket.getLocalPort());
    }

    /**
     * Runs one listener's accept loop. If it ends while the server is not closing, the listener
     * is down: that is logged at error and recorded for {@link #listeners()}, never silent.
     */
    private void acceptLoop(ServerSocket listener, String name) {
        try {
            acceptUntilClosed(listener);
            if (!closing) {
                acceptEnded.put(listener, "listening socket closed");
                Logger.error("{}: the listening socket closed; no longer accepting connections", name);
            }
        } catch (RuntimeException | Error e) {
            acceptEnded.put(listener, "accept loop failed: " + e.getClass().getName());
            Logger.error(e, "{}: accept loop failed; no longer accepting connections", name);
            // Otherwise clients would wait in the backlog of a socket nobody accepts from.
            try {
                listener.close();
            } catch (IOException closeFailed) {
                Logger.debug(closeFailed, "closing a listener whose accept loop failed");
            }
        }
    }

    private void acceptUntilClosed(ServerSocket listener) {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (closing || listener.isClosed()) {
                    return;
                }
                // Typically "too many open files": refuse nothing for good, try again shortly.
                Logger.error("accept failed, retrying: {}", e.getMessage());
                LockSupport.parkNanos(ACCEPT_RETRY_DELAY.toNanos());
                continue;
            }
            String refusal = admit(socket.getInetAddress());
            if (refusal != null) {
                refuse(socket, refusal);
                continue;
            }
            long id = nextConnectionId.getAndIncrement();
            counters.connectionsAccepted.increment();
            InetAddress peer = socket.getInetAddress();
            Connection connection = new Connection(id, socket, context);
            connections.add(connection);
            if (closing) {
                // close() may have swept the connections just before this one was added.
                connection.close();
            }
            Threads.startVirtual("conn-" + id, () -> {
                try {
                    connection.run();
                } finally {
                    connections.remove(connection);
                    perAddress.computeIfPresent(peer, (a, n) -> n <= 1 ? null : n - 1);
                }
            });
        }
    }

    /** Why a new connection from {@code peer} must be refused, or null; counts it in if admitted. */
    private String admit(InetAddress peer) {
        Limits limits = config.limits();
        if (connections.size() >= limits.maxConnections()) {
            counters.limitExceeded("connections");
            return "the server holds its maximum of " + limits.maxConnections() + " connections";
        }
        int[] count = {0};
        perAddress.compute(peer, (a, n) -> {
            count[0] = n == null ? 0 : n;
            return count[0] >= limits.maxConnectionsPerAddress() ? n : count[0] + 1;
        });
        if (count[0] < limits.maxConnectionsPerAddress()) {
            return null;
        }
        counters.limitExceeded("connections_per_address");
        return peer.getHostAddress() + " already has " + limits.maxConnectionsPerAddress() + " connections";
    }

    private void refuse(Socket socket, String why) {
        counters.connectionsRefused.increment();
        // A flood would otherwise flood the log too: one line per second at most.
        long now = System.nanoTime();
        if (now - lastRefusalLog > 1_000_000_000L) {
            lastRefusalLog = now;
            Logger.warn("refusing connection from {}: {} ({} refused so far)", socket.getRemoteSocketAddress(), why,
                    counters.connectionsRefused.sum());
        }
        try {
            socket.close();
        } catch (IOException e) {
            Logger.debug(e, "closing a refused socket failed");
        }
    }

    private void closeTimedOut() {
        // A periodic task that throws is never run again: keep the watchdog alive whatever happens.
        try {
            long now = System.nanoTime();
            for (LiveStream s : registry.streams()) {
                s.sample(now);
            }
            for (Connection c : connections) {
                String reason = c.watchdogCheck(now);
                if (reason != null) {
                    counters.timeouts.increment();
                    c.closeAsync(reason);
                }
            }
        } catch (RuntimeException e) {
            Logger.error(e, "watchdog check failed");
        }
    }

    private java.util.Optional<java.nio.file.Path> recordingForPlayback(String name) {
        Recordings r = recordings;
        return r == null ? java.util.Optional.empty() : r.files().resolveForPlayback(name);
    }

    /** Every edge pull, for tests. */
    public Pulls pulls() {
        return pulls;
    }

    /**
     * The cluster map, if this node is one of a cluster: for tests, and the {@link dev.rtmpserver.edge.Origins}
     * of a stream not published here.
     */
    public java.util.Optional<ClusterMap> cluster() {
        return java.util.Optional.ofNullable(cluster);
    }

    /** Every push target, for tests. */
    public Pushes pushes() {
        return pushes;
    }

    /** Recording, if configured; for tests and the HTTP API. */
    public java.util.Optional<Recordings> recordings() {
        return java.util.Optional.ofNullable(recordings);
    }

    /**
     * Asks every publisher that can take an Enhanced RTMP reconnect request to reconnect, and
     * waits, up to the shutdown grace, for those to leave: each moves to whichever server answers
     * its URL next, at a keyframe, instead of being cut off.
     */
    private void awaitReconnects() {
        List<Connection> asked = new ArrayList<>();
        for (Connection c : connections) {
            if (c.requestReconnect("the server is shutting down")) {
                asked.add(c);
            }
        }
        if (asked.isEmpty()) {
            return;
        }
        Logger.info("asked {} publisher(s) to reconnect elsewhere; waiting up to {} s for them to leave", asked.size(),
                config.limits().shutdownGrace().toSeconds());
        long until = System.nanoTime() + config.limits().shutdownGrace().toNanos();
        while (asked.stream().anyMatch(connections::contains) && System.nanoTime() < until) {
            LockSupport.parkNanos(CONNECTIONS_END_POLL.toNanos());
        }
    }

    /**
     * Stops accepting, tells every player its stream ended, completes every open recording, and
     * closes every connection once its notices are out, all within the shutdown grace period.
     */
    @Override
    public void close() {
        closing = true;
        try {
            if (serverSocket != null) {
                serverSocket.close();
            }
            if (tlsServerSocket != null) {
                tlsServerSocket.close();
            }
        } catch (IOException e) {
            Logger.debug(e, "closing the listener failed");
        }
        awaitReconnects();
        long deadline = System.nanoTime() + config.limits().shutdownGrace().toNanos();
        if (flv != null) {
            flv.endAll("the server is shutting down");
        }
        pulls.closeAll();
        registry.endAll();
        pushes.closeAll(config.limits().shutdownGrace());
        if (recordings != null) {
            recordings.closeAll(config.limits().shutdownGrace());
        }
        if (http != null) {
            http.close();
        }
        timer.shutdownNow();
        for (Connection c : connections) {
            c.closeWhenDrained(deadline);
        }
        if (tlsAcceptThread != null) {
            try {
                tlsAcceptThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (acceptThread != null) {
            try {
                acceptThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Each connection's thread ends streams and logs its last line after its socket closes;
        // wait for them, so that whoever flushes the log after close() gets those lines too.
        long ended = Math.max(deadline, System.nanoTime()) + CONNECTIONS_END_WAIT.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < ended) {
            LockSupport.parkNanos(CONNECTIONS_END_POLL.toNanos());
        }
        // After the connections: each released its streams' claims as it ended; what is left is deleted now.
        if (cluster != null) {
            cluster.close();
        }
        // The connections' last unpublish and done hooks, and the recordings', were queued just now.
        if (hooks != null) {
            hooks.close(Duration.ofNanos(Math.max(deadline - System.nanoTime(), HOOKS_END_WAIT.toNanos())));
        }
    }
}
