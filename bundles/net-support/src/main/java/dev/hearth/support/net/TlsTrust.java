package dev.hearth.support.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Locale;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How a client decides to trust a TLS server. There are three ways and no fourth: the system's
 * CAs, a CA file (PEM, one or more certificates), or the SHA-256 fingerprint of the server's own
 * certificate (what Elasticsearch 8 prints at its first start, a self-signed broker's
 * {@code openssl x509 -fingerprint -sha256}). Verification cannot be switched off.
 *
 * <p>Pinning checks that the server's certificate, or a CA certificate its chain really leads up
 * to, has the pinned fingerprint, and the validity dates: the pin is the trust decision, so a
 * self-signed certificate whose name does not match the host is accepted when, and only when,
 * its fingerprint matches. With a CA file or the system CAs, the
 * chain and the host name are verified as usual.
 */
public final class TlsTrust {

    private final TrustManager trustManager;
    private final String description;

    private TlsTrust(TrustManager trustManager, String description) {
        this.trustManager = trustManager;
        this.description = description;
    }

    /** The JDK's CA certificates. */
    public static TlsTrust system() {
        try {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init((KeyStore) null);
            return new TlsTrust(f.getTrustManagers()[0], "the system CAs");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no default trust store", e);
        }
    }

    /** The CA certificates in a PEM (or DER) file. */
    public static TlsTrust caFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) throw new IllegalArgumentException("CA file " + file + " holds no certificate");
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (var c : certs) store.setCertificateEntry("ca-" + i++, c);
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            return new TlsTrust(f.getTrustManagers()[0], "CA file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read CA file " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("CA file " + file + " is not a certificate file: " + e.getMessage(), e);
        }
    }

    /**
     * Trusts the server whose certificate, or a CA certificate its chain leads up to, has this
     * SHA-256 fingerprint (hex, colons and case ignored).
     */
    public static TlsTrust pinned(String sha256) {
        String pin = normalise(sha256);
        if (!pin.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a SHA-256 fingerprint is 64 hexadecimal digits (colons allowed), got "
                    + pin.length() + " characters");
        }
        return new TlsTrust(new PinnedTrustManager(pin), "the certificate pinned by SHA-256 " + pin.substring(0, 16) + "…");
    }

    /**
     * The trust a configuration asks for: a fingerprint if given, else a CA file if given, else the
     * system CAs. Giving both is refused (which one would win is a guess).
     */
    public static TlsTrust of(String caFile, String sha256Pin) {
        boolean hasCa = caFile != null && !caFile.isBlank();
        boolean hasPin = sha256Pin != null && !sha256Pin.isBlank();
        if (hasCa && hasPin) throw new IllegalArgumentException("give a CA file or a certificate fingerprint, not both");
        if (hasPin) return pinned(sha256Pin);
        if (hasCa) return caFile(Path.of(caFile.trim()));
        return system();
    }

    public TrustManager trustManager() {
        return trustManager;
    }

    /** A TLS 1.2/1.3 context with this trust and no client certificate. */
    public SSLContext sslContext() {
        return sslContext(null);
    }

    /** A TLS context with this trust and the given key managers (client certificates), or none. */
    public SSLContext sslContext(javax.net.ssl.KeyManager[] keyManagers) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, new TrustManager[] { trustManager }, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    /** Whether this trust is a pin (then host names are not checked: the pin is the check). */
    public boolean isPinned() {
        return trustManager instanceof PinnedTrustManager;
    }

    @Override
    public String toString() {
        return description;
    }

    static String normalise(String fingerprint) {
        return fingerprint == null ? "" : fingerprint.replace(":", "").replace(" ", "").trim().toLowerCase(Locale.ROOT);
    }

    /** SHA-256 of the certificate's DER encoding, lower-case hex. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Accepts a server whose leaf certificate has the pinned fingerprint and is within its dates. */
    static final class PinnedTrustManager extends X509ExtendedTrustManager {
        private final String pin;

        PinnedTrustManager(String pin) {
            this.pin = pin;
        }

        /**
         * The pin may name the server's own certificate or a CA certificate in the chain it
         * presents (Elasticsearch 8 prints its HTTP CA's fingerprint at first start). When it
         * names a CA, every certificate below it must really be signed by the next one up, so
         * that a chain that merely contains the public CA certificate is refused.
         */
        void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) throw new CertificateException("the server sent no certificate");
            int pinned = -1;
            for (int i = 0; i < chain.length && pinned < 0; i++) {
                if (MessageDigest.isEqual(fingerprint(chain[i]).getBytes(), pin.getBytes())) pinned = i;
            }
            if (pinned < 0) {
                throw new CertificateException("the server's certificate has SHA-256 fingerprint " + fingerprint(chain[0])
                        + " and none in its chain is the pinned one");
            }
            for (int i = 0; i <= pinned; i++) chain[i].checkValidity();
            for (int i = 0; i < pinned; i++) {
                try {
                    chain[i].verify(chain[i + 1].getPublicKey());
                } catch (GeneralSecurityException e) {
                    throw new CertificateException("certificate " + i + " of the server's chain is not signed by the next one: "
                            + e.getMessage(), e);
                }
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a pinned trust is for servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a pinned trust is for servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a pinned trust is for servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** For callers that need the X509 type. */
    public X509TrustManager x509TrustManager() {
        return (X509TrustManager) trustManager;
    }
}
