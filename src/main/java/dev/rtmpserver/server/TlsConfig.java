package dev.rtmpserver.server;

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
 * PEM (PKCS#8) private key, or a PKCS#12 file holding both.
 *
 * @param certificate PEM chain, or a {@code .p12}/{@code .pfx} file
 * @param key         the PEM private key; null with PKCS#12
 * @param password    the PKCS#12 password; empty for PEM
 */
public record TlsConfig(int port, Path certificate, Path key, char[] password) {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    /** Loads the certificate and key; any problem is reported as an IOException naming the file. */
    public SSLContext sslContext() throws IOException {
        try {
            KeyStore store;
            String name = certificate.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".p12") || name.endsWith(".pfx")) {
                store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(certificate)) {
                    store.load(in, password);
                }
            } else {
                store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("rtmps", pemKey(), password, pemChain());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use TLS certificate " + certificate + ": " + e.getMessage(), e);
        }
    }

    private Certificate[] pemChain() throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(certificate)) {
            List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new IOException("no certificate in " + certificate);
            }
            return chain.toArray(Certificate[]::new);
        }
    }

    /** An unencrypted PKCS#8 key, as {@code openssl genpkey} writes it; RSA or EC. */
    private PrivateKey pemKey() throws IOException, GeneralSecurityException {
        if (key == null) {
            throw new IOException("a PEM certificate needs its private key (--tls-key)");
        }
        Matcher m = PEM_KEY.matcher(Files.readString(key));
        if (!m.find()) {
            throw new IOException(key + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // The PEM does not say which algorithm it holds; the right factory is the one that parses it.
            }
        }
        throw new IOException(key + " holds a private key of an unsupported algorithm");
    }
}
