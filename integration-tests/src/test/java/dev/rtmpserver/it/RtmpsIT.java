package dev.rtmpserver.it;

import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ffmpeg publishing and playing over rtmps:// with certificates made at test time. */
@Timeout(120)
class RtmpsIT {
    @TempDir
    Path dir;

    @Test
    void ffmpegPublishesAndPlaysOverTlsWithAPkcs12Certificate() throws Exception {
        Path p12 = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Tools.output(Duration.ofSeconds(60), keytool, "-genkeypair", "-alias", "rtmps", "-keyalg", "RSA", "-keysize",
                "2048", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", "secret", "-keypass", "secret");
        publishAndPlay(new TlsConfig(0, p12, null, "secret".toCharArray()), "p12");
    }

    @Test
    void ffmpegPublishesAndPlaysOverTlsWithPemFiles() throws Exception {
        publishAndPlay(Tools.selfSignedPem(dir), "pem");
    }

    private void publishAndPlay(TlsConfig tls, String name) throws Exception {
        try (TestServer server = new TestServer(ServerConfig.forTests().withTls(tls))) {
            String url = "rtmps://127.0.0.1:" + server.server.tlsPort().orElseThrow() + "/live/" + name;
            Tools.Run publisher = Tools.publishTestStream("rtmps-publish-" + name, url, "320x240", 6, true, true);
            Path file = dir.resolve(name + ".flv");
            Tools.captureToFile("rtmps-play-" + name, url, file, 3).expectSuccess(Duration.ofSeconds(40));
            publisher.expectSuccess(Duration.ofSeconds(40));
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
            assertEquals("", Tools.decodeErrors(file));
        }
    }
}
