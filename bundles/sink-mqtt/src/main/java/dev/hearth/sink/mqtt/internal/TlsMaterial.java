package dev.hearth.sink.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

import dev.hearth.support.net.TlsTrust;

/**
 * Turns {@link TlsTrust} and PEM files into the factories the HiveMQ client's TLS configuration
 * takes. No OSGi.
 */
final class TlsMaterial {

    private TlsMaterial() {
    }

    /**
     * A factory that hands out exactly {@code trust}'s trust manager. The client (Netty) wants a
     * factory, not a manager; wrapping keeps TlsTrust the one place trust is decided.
     */
    static TrustManagerFactory trustManagerFactory(TlsTrust trust) {
        TrustManager manager = trust.trustManager();
        TrustManagerFactorySpi spi = new TrustManagerFactorySpi() {
            @Override
            protected void engineInit(KeyStore ks) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters spec) {
            }

            @Override
            protected TrustManager[] engineGetTrustManagers() {
                return new TrustManager[] { manager };
            }
        };
        return new TrustManagerFactory(spi, new Provider("HearthTlsTrust", "1.0", "TlsTrust as a factory") {
            private static final long serialVersionUID = 1L;
        }, "HearthTlsTrust") {
        };
    }

    /**
     * A key manager factory for a client certificate: {@code certFile} PEM (the certificate, then
     * any intermediates) and {@code keyFile} an unencrypted PKCS#8 PEM key ({@code BEGIN PRIVATE
     * KEY}; convert others with {@code openssl pkcs8 -topk8 -nocrypt}). RSA and EC keys.
     *
     * @throws IllegalArgumentException naming the file and the problem (never key material)
     */
    static KeyManagerFactory keyManagerFactory(Path certFile, Path keyFile) {
        Certificate[] chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) throw new IllegalArgumentException("client_cert_file " + certFile + " holds no certificate");
            chain = certs.toArray(new Certificate[0]);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read client_cert_file " + certFile + ": " + e.getMessage(), e);
        }
        PrivateKey key = privateKey(keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("client", key, none, chain);
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, none);
            return f;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("client_key_file " + keyFile + " does not fit client_cert_file " + certFile
                    + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(Path keyFile) {
        String pem;
        try {
            pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read client_key_file " + keyFile + ": " + e.getClass().getSimpleName());
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("client_key_file " + keyFile + " is not an unencrypted PKCS#8 PEM key "
                    + "(BEGIN PRIVATE KEY); convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client_key_file " + keyFile + ": not valid base64");
        }
        for (String algorithm : new String[] { "RSA", "EC", "Ed25519" }) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm; PKCS#8 names it inside, but KeyFactory wants to be told
            }
        }
        throw new IllegalArgumentException("client_key_file " + keyFile + ": not an RSA, EC or Ed25519 key");
    }
}
