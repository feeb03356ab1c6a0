package dev.rtmpserver.it;

import org.junit.jupiter.api.Assumptions;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.stream.Stream;

/** Other RTMP servers the interop tests run beside ours: nginx-rtmp and SRS, on loopback ports. */
final class Peers {
    private Peers() {
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * nginx-rtmp listening on {@code port} with one application, {@code live}, whose directives are
     * {@code liveDirectives} (such as {@code live on;}), running from {@code dir}.
     */
    static Tools.Run nginx(Path dir, String logName, int port, String liveDirectives) throws Exception {
        // Run as root, nginx's workers run as nobody: they must reach the files under the test's directory.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
                worker_processes 1;
                pid %1$s/nginx.pid;
                events { worker_connections 64; }
                rtmp {
                    server {
                        listen 127.0.0.1:%2$d;
                        application live { %3$s }
                    }
                }
                """.formatted(dir, port, liveDirectives));
        Tools.Run nginx = Tools.start(logName, "nginx", "-e", dir.resolve("error.log").toString(), "-c",
                conf.toString(), "-g", "daemon off;");
        awaitListening(port, "nginx");
        return nginx;
    }

    /**
     * SRS listening on {@code port} (RTMP, application {@code live} and any other), working in
     * {@code dir}; the test is skipped where the SRS of {@code shared/peers/srs} is not beside the
     * repository (or named by the SRS_DIR environment variable).
     */
    static Tools.Run srs(Path dir, String logName, int port) throws Exception {
        Path script = srsDir().map(d -> d.resolve("run-srs.sh")).orElse(null);
        Assumptions.assumeTrue(script != null, "no SRS: set SRS_DIR or put shared/peers/srs beside the repository");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), String.valueOf(port), String.valueOf(freePort()),
                dir.toString());
        pb.environment().put("SRS_HLS", "off");
        pb.environment().put("SRS_LOWLAT", "1");
        Files.createDirectories(Tools.LOGS);
        Tools.Run srs = Tools.start(Tools.LOGS.resolve(logName + ".log"), pb);
        awaitListening(port, "SRS");
        return srs;
    }

    /** Where the SRS of {@code shared/peers/srs} is: SRS_DIR, or that folder beside the repository. */
    static Optional<Path> srsDir() {
        String env = System.getenv("SRS_DIR");
        Stream<Path> candidates = env != null ? Stream.of(Path.of(env))
                : Stream.iterate(Path.of("").toAbsolutePath(), p -> p != null, Path::getParent)
                        .map(p -> p.resolve("shared/peers/srs"));
        return candidates.filter(d -> Files.isExecutable(d.resolve("run-srs.sh"))
                && Files.isExecutable(d.resolve("srs"))).findFirst();
    }

    static void awaitListening(int port, String what) {
        Await.value(() -> {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return true;
        }, what + " listens");
    }
}
