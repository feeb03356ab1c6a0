package dev.rtmpserver.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs {@code interop/run.sh} (ffmpeg, ffplay, rtmpdump, GStreamer) against the in-process server. */
@Timeout(240)
class InteropIT {

    @Test
    void everyRealClientInTheInteropMatrixPasses() throws Exception {
        Path script = Path.of(System.getProperty("rtmp.projectDir", "."), "interop", "run.sh");
        try (TestServer server = new TestServer()) {
            Tools.Run run = Tools.start("interop", "bash", script.toString(), "--port", String.valueOf(server.port()));
            int code = run.await(Duration.ofSeconds(200));
            String output = run.output();
            System.out.println(output);
            assertEquals(0, code, "interop matrix:\n" + output);
        }
    }
}
