package dev.rtmpserver.it;

import dev.rtmpserver.http.HttpConfig;
import dev.rtmpserver.net.TlsConfig;
import dev.rtmpserver.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS beside HTTP, with the RTMPS certificate: the same paths, and HTTP/2 through ALPN, which
 * LL-HLS players on Apple devices want; and the origins allowed to read the media from scripts.
 */
@Timeout(90)
class HttpsIT {
    @TempDir
    Path dir;

    /** A client that trusts the test's self-signed certificate, asking for HTTP/2. */
    private static HttpClient trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_2).build();
    }

    @Test
    void theSamePathsOverTlsWithHttp2AndOnlyAllowedOriginsReadTheMedia() throws Exception {
        TlsConfig pem = Tools.selfSignedPem(dir);
        HttpConfig http = new HttpConfig(InetAddress.getLoopbackAddress(), 0, Optional.empty())
                .withHttps(new TlsConfig(0, pem.certificate(), pem.key(), new char[0]))
                .withAllowOrigins(List.of("https://example.com"));
        try (TestServer server = new TestServer(ServerConfig.forTests().withHttp(http));
             HttpClient client = trusting(pem.certificate())) {
            String https = "https://localhost:" + server.server.httpsPort().orElseThrow();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(https + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, health.version(), "ALPN picked HTTP/2");
            assertTrue(health.body().contains("https 127.0.0.1:" + server.server.httpsPort().orElseThrow() + " up"),
                    health.body());

            Tools.Run publisher = Tools.publishTestStream("https-publish", server.url("live", "tls"), "320x240", 8,
                    true, true);
            String index = https + "/live/tls/index.m3u8";
            String playlist = Await.value(() -> {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(index)).build(),
                        HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 ? r.body() : null;
            }, "the HLS playlist over HTTPS");
            assertTrue(playlist.contains("CODECS=\"avc1."), playlist);

            HttpResponse<String> allowed = client.send(HttpRequest.newBuilder(URI.create(index))
                    .header("Origin", "https://example.com").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(Optional.of("https://example.com"), allowed.headers().firstValue("Access-Control-Allow-Origin"));
            assertEquals(Optional.of("Origin"), allowed.headers().firstValue("Vary"));
            HttpResponse<String> other = client.send(HttpRequest.newBuilder(URI.create(index))
                    .header("Origin", "https://elsewhere.example").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(Optional.empty(), other.headers().firstValue("Access-Control-Allow-Origin"),
                    "another site's page may not read it");

            Path file = dir.resolve("https.mp4");
            Tools.start("https-hls-play", "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-tls_verify",
                    "0", "-i", index, "-t", "2", "-c", "copy", "-y", file.toString()).expectSuccess(Duration.ofSeconds(60));
            publisher.expectSuccess(Duration.ofSeconds(60));
            assertEquals(List.of("aac,audio", "h264,video,320,240"), Tools.probeStreams(file));
        }
    }
}
