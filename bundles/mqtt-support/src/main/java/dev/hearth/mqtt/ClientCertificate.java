package dev.hearth.mqtt;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;

import javax.net.ssl.KeyManagerFactory;

/**
 * A client certificate (chain) and its private key for mutual TLS, read from PEM files and checked
 * to belong together: a key that does not fit its certificate is refused here, by name, instead of
 * failing later as an opaque handshake error. {@link #toString()} names the files, never the key.
 */
public final class ClientCertificate {

    /** The in-memory key store's password; nothing is written anywhere, so it protects nothing. */
    private static final char[] STORE_PASSWORD = "hearth".toCharArray();

    private final Path certFile;
    private final Path keyFile;
    private final X509Certificate[] chain;
    private final KeyManagerFactory keyManagerFactory;

    private ClientCertificate(Path certFile, Path keyFile, X509Certificate[] chain, KeyManagerFactory keyManagerFactory) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.chain = chain;
        this.keyManagerFactory = keyManagerFactory;
    }

    /**
     * Reads {@code certFile} (PEM: the certificate, then any intermediates) and {@code keyFile} (an
     * unencrypted PKCS#8 PEM key, see {@link TlsMaterial#privateKey}). RSA, EC and Ed25519.
     *
     * @throws IllegalArgumentException naming {@code client_cert_file} or {@code client_key_file},
     *     the file and the problem (never key material)
     */
    public static ClientCertificate load(Path certFile, Path keyFile) {
        X509Certificate[] chain = TlsMaterial.certificates(certFile, "client_cert_file");
        PrivateKey key = TlsMaterial.privateKey(keyFile);
        if (!fits(key, chain[0].getPublicKey())) {
            throw new IllegalArgumentException("client_key_file " + keyFile + " is not the key of the first certificate in "
                    + "client_cert_file " + certFile + " (" + chain[0].getSubjectX500Principal().getName() + ")");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, STORE_PASSWORD, chain);
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(store, STORE_PASSWORD);
            return new ClientCertificate(certFile, keyFile, chain, f);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("client_key_file " + keyFile + " does not fit client_cert_file " + certFile
                    + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: the one test that works for every algorithm. */
    static boolean fits(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !publicKey.getAlgorithm().equals(key.getAlgorithm())
                && !(publicKey.getAlgorithm().startsWith("Ed") && key.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public Path certFile() {
        return certFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    /** The certificate chain, leaf first. */
    public X509Certificate[] chain() {
        return chain.clone();
    }

    /** The leaf certificate's end of validity. */
    public Instant notAfter() {
        return chain[0].getNotAfter().toInstant();
    }

    /** For the client's TLS configuration: offers this certificate when the broker asks for one. */
    public KeyManagerFactory keyManagerFactory() {
        return keyManagerFactory;
    }

    @Override
    public String toString() {
        return "client certificate " + chain[0].getSubjectX500Principal().getName() + " (" + certFile + ", key " + keyFile + ")";
    }
}
