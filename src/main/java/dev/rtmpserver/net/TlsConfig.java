package dev.rtmpserver.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The RTMPS listener: a port and the server's certificate, either a PEM certificate chain with a
 * PEM (PKCS#8) private key, or a PKCS#12 file holding both. Loading it says what is wrong with a
 * file and how to fix it, since certificate files are where operators most often go wrong.
 *
 * @param certificate PEM chain, or a {@code .p12}/{@code .pfx} file
 * @param key         the PEM private key; null with PKCS#12
 * @param password    the PKCS#12 password; empty for PEM
 */
public record TlsConfig(int port, Path certificate, Path key, char[] password) {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Pattern PEM_LABEL = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

    /** A certificate or key the server cannot use; the message names the file and the fix. */
    public static final class TlsFileException extends IOException {
        private final String option;

        TlsFileException(String option, String message) {
            super(message);
            this.option = option;
        }

        TlsFileException(String option, String message, Throwable cause) {
            super(message, cause);
            this.option = option;
        }

        /** The flag naming the file at fault: {@code --tls-cert}, {@code --tls-key} or {@code --tls-password}. */
        public String option() {
            return option;
        }
    }

    /** Loads the certificate and key; any problem is a {@link TlsFileException} naming the file and the fix. */
    public SSLContext sslContext() throws IOException {
        try {
            KeyStore store;
            String name = certificate.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".p12") || name.endsWith(".pfx")) {
                store = pkcs12();
            } else {
                Certificate[] chain = pemChain();
                PrivateKey privateKey = pemKey();
                requireMatch(chain[0], privateKey);
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("rtmps", privateKey, password, chain);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsFileException("--tls-cert", "cannot use TLS certificate " + certificate + ": " + e.getMessage(),
                    e);
        }
    }

    private KeyStore pkcs12() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificate)) {
            store.load(in, password);
        } catch (IOException e) {
            // KeyStore reports a wrong password and a file that is not PKCS#12 alike, as an IOException.
            if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
                throw new TlsFileException("--tls-password", "wrong --tls-password for " + certificate, e);
            }
            throw new TlsFileException("--tls-cert", certificate + " is not a PKCS#12 file (" + e.getMessage()
                    + "); give a PEM certificate with --tls-key, or check --tls-password", e);
        }
        return store;
    }

    private Certificate[] pemChain() throws IOException, GeneralSecurityException {
        String text = Files.readString(certificate, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            boolean swapped = text.contains("PRIVATE KEY-----") && key != null
                    && Files.readString(key, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("-----BEGIN CERTIFICATE-----");
            throw new TlsFileException("--tls-cert", swapped
                    ? "--tls-cert " + certificate + " holds a private key and --tls-key " + key
                            + " a certificate: the two files are swapped"
                    : "no PEM certificate (BEGIN CERTIFICATE) in --tls-cert " + certificate
                            + "; a PKCS#12 file must end in .p12 or .pfx");
        }
        try (InputStream in = Files.newInputStream(certificate)) {
            List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new TlsFileException("--tls-cert", "no certificate in " + certificate);
            }
            return chain.toArray(Certificate[]::new);
        }
    }

    /** An unencrypted PKCS#8 key, as {@code openssl genpkey} writes it; RSA or EC. */
    private PrivateKey pemKey() throws IOException {
        if (key == null) {
            throw new TlsFileException("--tls-key", "a PEM certificate needs its private key: give --tls-key");
        }
        String text = Files.readString(key, java.nio.charset.StandardCharsets.ISO_8859_1);
        Matcher m = PEM_KEY.matcher(text);
        if (!m.find()) {
            Matcher label = PEM_LABEL.matcher(text);
            String found = label.find() ? label.group(1) : "";
            throw new TlsFileException("--tls-key", switch (found) {
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> "--tls-key " + key + " is an " + found.replace(" PRIVATE KEY",
                        "") + " key in the older PKCS#1/SEC1 form; convert it to PKCS#8 with: openssl pkcs8 -topk8"
                        + " -nocrypt -in " + key + " -out key-pkcs8.pem";
                case "ENCRYPTED PRIVATE KEY" -> "--tls-key " + key + " is encrypted; write it unencrypted with: openssl"
                        + " pkcs8 -in " + key + " -out key-plain.pem (keep that file readable only by the server)";
                case "CERTIFICATE" -> "--tls-key " + key + " holds a certificate, not a private key; are --tls-cert"
                        + " and --tls-key swapped?";
                default -> "--tls-key " + key + " holds no PEM private key (BEGIN PRIVATE KEY)";
            });
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // The PEM does not say which algorithm it holds; the right factory is the one that parses it.
            }
        }
        throw new TlsFileException("--tls-key", key + " holds a private key of an unsupported algorithm (use RSA or EC)");
    }

    /**
     * A key that does not belong to the certificate loads fine and only fails every handshake;
     * signing with it and verifying with the certificate finds that out at start.
     */
    private void requireMatch(Certificate certificate, PrivateKey privateKey) throws IOException {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> privateKey.getAlgorithm();
        };
        byte[] probe = "rtmp-server".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // A key of another algorithm than the certificate's: it does not match either.
        }
        throw new TlsFileException("--tls-key", "--tls-key " + key + " is not the private key of the certificate in "
                + this.certificate);
    }
}
