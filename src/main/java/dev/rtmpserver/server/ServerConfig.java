package dev.rtmpserver.server;

import dev.rtmpserver.access.AccessConfig;
import dev.rtmpserver.cluster.ClusterConfig;
import dev.rtmpserver.edge.PullConfig;
import dev.rtmpserver.hooks.HookConfig;
import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.record.RecordConfig;
import dev.rtmpserver.relay.PushConfig;
import dev.rtmpserver.session.SessionConfig;
import dev.rtmpserver.stream.StreamPolicy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the server is configured with, validated once. Built by the command line (flags over
 * an optional properties file) or directly by tests.
 *
 * @param bind        the address to listen on
 * @param port        the RTMP port; 0 picks a free one
 * @param recording   what to record and where; empty means recording is off
 * @param streams     how live streams behave, unless their application has its own policy
 * @param appStreams  per-application policies, by application name
 * @param http        the metrics/API/dashboard listener; empty means none
 * @param limits      connection, stream and shutdown caps
 * @param tls         the RTMPS listener; empty means plain RTMP only
 * @param access      publish and play permissions
 * @param hooks       who is told when publishes, plays and recordings end
 * @param pushes      which applications' streams are pushed to other servers
 * @param pulls       which applications' streams are pulled from origins when nobody publishes them here
 * @param cluster     the cluster map this node shares with others; empty means a single server
 */
public record ServerConfig(InetAddress bind, int port, Optional<RecordConfig> recording, SessionConfig session,
                           StreamPolicy streams, Map<String, StreamPolicy> appStreams, Optional<HttpConfig> http,
                           Limits limits, Optional<TlsConfig> tls, AccessConfig access, HookConfig hooks,
                           PushConfig pushes, PullConfig pulls, Optional<ClusterConfig> cluster) {
    public static final int DEFAULT_PORT = 1935;
    /** All IPv4 interfaces; InetSocketAddress reads the literal without getByName's checked exception. */
    public static final InetAddress DEFAULT_BIND = new InetSocketAddress("0.0.0.0", 0).getAddress();

    public ServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        appStreams = Map.copyOf(appStreams);
    }

    /** Loopback, a free port, default settings: what tests start with. */
    public static ServerConfig forTests() {
        return new ServerConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty(), SessionConfig.defaults(),
                StreamPolicy.defaults(), Map.of(), Optional.empty(), Limits.defaults(), Optional.empty(),
                AccessConfig.open(), HookConfig.none(), PushConfig.none(), PullConfig.none(),
                Optional.empty());
    }

    public ServerConfig withRecording(RecordConfig newRecording) {
        return new ServerConfig(bind, port, Optional.of(newRecording), session, streams, appStreams, http, limits, tls, access, hooks, pushes, pulls, cluster);
    }

    public ServerConfig withHttp(HttpConfig newHttp) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, Optional.of(newHttp), limits, tls, access, hooks, pushes, pulls, cluster);
    }

    public ServerConfig withLimits(Limits newLimits) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, http, newLimits, tls, access, hooks, pushes, pulls, cluster);
    }

    public ServerConfig withTls(TlsConfig newTls) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, http, limits, Optional.of(newTls), access, hooks, pushes, pulls, cluster);
    }

    public ServerConfig withAccess(AccessConfig newAccess) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, http, limits, tls, newAccess, hooks, pushes, pulls, cluster);
    }

    public ServerConfig withHooks(HookConfig newHooks) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, http, limits, tls, access, newHooks, pushes, pulls, cluster);
    }

    public ServerConfig withPushes(PushConfig newPushes) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, http, limits, tls, access, hooks,
                newPushes, pulls, cluster);
    }

    public ServerConfig withCluster(ClusterConfig newCluster) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, http, limits, tls, access, hooks,
                pushes, pulls, Optional.of(newCluster));
    }

    public ServerConfig withPulls(PullConfig newPulls) {
        return new ServerConfig(bind, port, recording, session, streams, appStreams, http, limits, tls, access, hooks,
                pushes, newPulls, cluster);
    }

    public StreamPolicy policyFor(String app) {
        return appStreams.getOrDefault(app, streams);
    }

    public ServerConfig withSession(SessionConfig newSession) {
        return new ServerConfig(bind, port, recording, newSession, streams, appStreams, http, limits, tls, access, hooks, pushes, pulls, cluster);
    }

    public ServerConfig withStreams(StreamPolicy newStreams, Map<String, StreamPolicy> newAppStreams) {
        return new ServerConfig(bind, port, recording, session, newStreams, newAppStreams, http, limits, tls, access, hooks, pushes, pulls, cluster);
    }
}
