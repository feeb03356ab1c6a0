package dev.rtmpserver.it;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificate files as operators get them wrong, made with openssl: the server refuses to start
 * with exit status 2 and one line naming the option, the file and the fix.
 */
@Timeout(120)
class TlsFilesIT {
    @TempDir
    Path dir;
    private Path cert;
    private Path key;

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Tools.output(Duration.ofSeconds(60), command.toArray(String[]::new));
    }

    @BeforeEach
    void pair() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "2", "-subj", "/CN=localhost");
    }

    private record Outcome(int status, String err) {
    }

    private Outcome start(String... tlsArgs) throws Exception {
        Path jar = Path.of(System.getProperty("rtmp.projectDir", "."), "target", "rtmp-server.jar");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString(), "--port", "0", "--bind", "127.0.0.1", "--http-port", "off",
                "--tls-port", "19936"));
        command.addAll(List.of(tlsArgs));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(err.toFile()).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the server started although its TLS files are unusable");
        }
        return new Outcome(p.exitValue(), Files.readString(err).strip());
    }

    private static void refused(Outcome o, String option, String... mentions) {
        assertEquals(2, o.status(), o.err());
        assertEquals(1, o.err().lines().count(), "one line: " + o.err());
        assertTrue(o.err().contains(option), "names " + option + ": " + o.err());
        for (String m : mentions) {
            assertTrue(o.err().contains(m), "says '" + m + "': " + o.err());
        }
        assertFalse(o.err().contains("Exception"), "no exception names: " + o.err());
    }

    @Test
    void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path rsa = dir.resolve("rsa.pem");
        Path rsaCert = dir.resolve("rsa-cert.pem");
        openssl("genrsa", "-traditional", "-out", rsa.toString(), "2048");
        openssl("req", "-new", "-x509", "-key", rsa.toString(), "-out", rsaCert.toString(), "-days", "2", "-subj",
                "/CN=localhost");
        refused(start("--tls-cert", rsaCert.toString(), "--tls-key", rsa.toString()), "--tls-key",
                "openssl pkcs8 -topk8 -nocrypt -in " + rsa);
    }

    @Test
    void swappedFilesAreNamedAsSwapped() throws Exception {
        refused(start("--tls-cert", key.toString(), "--tls-key", cert.toString()), "--tls-cert", "swapped");
    }

    @Test
    void anEncryptedKeyIsRefusedWithTheCommandThatDecryptsIt() throws Exception {
        Path encrypted = dir.resolve("encrypted.pem");
        openssl("pkcs8", "-topk8", "-in", key.toString(), "-out", encrypted.toString(), "-passout", "pass:secret");
        refused(start("--tls-cert", cert.toString(), "--tls-key", encrypted.toString()), "--tls-key",
                "openssl pkcs8 -in " + encrypted);
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        Path other = dir.resolve("other.pem");
        openssl("genpkey", "-algorithm", "RSA", "-out", other.toString());
        refused(start("--tls-cert", cert.toString(), "--tls-key", other.toString()), "--tls-key",
                "is not the private key of the certificate");
    }

    @Test
    void aWrongPkcs12PasswordIsNamed() throws Exception {
        Path p12 = dir.resolve("server.p12");
        openssl("pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", p12.toString(),
                "-passout", "pass:right");
        refused(start("--tls-cert", p12.toString(), "--tls-password", "wrong"), "--tls-password", p12.toString());
    }
}
