package dev.rtmpserver.it;

import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Runs {@code interop/run.sh} (ffmpeg 5.1 and 8, ffplay, rtmpdump, GStreamer, VLC) against the in-process
 * server, with RTMPS on a certificate made at test time so that the rtmps rows run too.
 */
@Timeout(240)
class InteropIT {
    @TempDir
    Path dir;

    @Test
    void everyRealClientInTheInteropMatrixPasses() throws Exception {
        Path script = Path.of(System.getProperty("rtmp.projectDir", "."), "interop", "run.sh");
        ServerConfig config = ServerConfig.forTests().withTls(Tools.selfSignedPem(dir));
        try (TestServer server = new TestServer(config)) {
            ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "--port", String.valueOf(server.port()),
                    "--tls-port", String.valueOf(server.server.tlsPort().orElseThrow()));
            pb.environment().put("FFMPEG8_DIR", Ffmpeg8.DIR.toAbsolutePath().toString());
            Files.createDirectories(Tools.LOGS);
            Tools.Run run = Tools.start(Tools.LOGS.resolve("interop.log"), pb);
            int code = run.await(Duration.ofSeconds(200));
            String output = run.output();
            System.out.println(output);
            assertEquals(0, code, "interop matrix:\n" + output);
            assertFalse(output.contains("SKIP (no FFmpeg 8"), "the FFmpeg 8 rows ran:\n" + output);
        }
    }
}
