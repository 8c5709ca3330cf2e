package dev.hearth.mqtt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;

import dev.hearth.support.net.TlsTrust;

/**
 * PEM files and {@link TlsTrust} turned into what the HiveMQ client's TLS configuration takes.
 * Every file is read with a size limit ({@link #MAX_FILE_BYTES}), so a wrong path (a log, a device
 * like {@code /dev/zero}) is refused instead of filling the heap; every refusal names the
 * configuration key and the file, never key material. No OSGi.
 */
public final class TlsMaterial {

    /** Largest CA, certificate or key file read: the system CA bundle is about 200 KiB, a key a few. */
    public static final int MAX_FILE_BYTES = 1024 * 1024;

    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";

    private TlsMaterial() {
    }

    /**
     * The trust {@code tls=true} asks for: {@link TlsTrust#of} (a pin, a CA file, or the system CAs),
     * the CA file first checked for its size.
     *
     * @throws IllegalArgumentException naming {@code ca_file} or {@code tls_sha256}
     */
    public static TlsTrust trust(String caFile, String tlsSha256) {
        String ca = caFile == null ? "" : caFile.trim();
        boolean pinned = tlsSha256 != null && !tlsSha256.isBlank();
        if (!ca.isEmpty() && !pinned) read(Path.of(ca), "ca_file"); // both given: TlsTrust refuses that first
        try {
            return TlsTrust.of(ca, tlsSha256);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            // TlsTrust names no configuration key; ours do
            throw new IllegalArgumentException((m.startsWith("a SHA-256") ? "tls_sha256: " : m.startsWith("give a CA") ? ""
                    : "ca_file: ") + m, e);
        }
    }

    /**
     * A factory that hands out exactly {@code trust}'s trust manager. The client (Netty) wants a
     * factory, not a manager; wrapping keeps TlsTrust the one place trust is decided.
     */
    public static TrustManagerFactory trustManagerFactory(TlsTrust trust) {
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
     * The X.509 certificates of a PEM (or DER) file, in file order.
     *
     * @param key the configuration key naming the file, for messages
     */
    public static X509Certificate[] certificates(Path file, String key) {
        byte[] bytes = read(file, key);
        Collection<? extends Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (GeneralSecurityException | RuntimeException e) {
            // truncated or corrupted PEM; the parser's own words say where
            throw new IllegalArgumentException(key + " " + file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) throw new IllegalArgumentException(key + " " + file + " holds no certificate");
        X509Certificate[] out = new X509Certificate[certs.size()];
        int i = 0;
        for (Certificate c : certs) {
            if (!(c instanceof X509Certificate x)) throw new IllegalArgumentException(key + " " + file + " holds a non-X.509 certificate");
            out[i++] = x;
        }
        return out;
    }

    /**
     * An unencrypted PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}), RSA, EC or Ed25519. Other
     * forms (PKCS#1 {@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}, encrypted keys) are
     * refused with the openssl command that converts them.
     */
    public static PrivateKey privateKey(Path file) {
        String key = "client_key_file";
        // Latin-1 maps every byte to a character, so a binary file is refused below, not by a decoder
        String pem = new String(read(file, key), StandardCharsets.ISO_8859_1);
        int begin = pem.indexOf(BEGIN_KEY);
        if (begin < 0) {
            String found = pem.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted key"
                    : pem.contains("BEGIN RSA PRIVATE KEY") ? "a PKCS#1 RSA key"
                    : pem.contains("BEGIN EC PRIVATE KEY") ? "a SEC1 EC key"
                    : pem.contains("BEGIN CERTIFICATE") ? "a certificate" : "no PEM private key";
            throw new IllegalArgumentException(key + " " + file + " holds " + found + ", not an unencrypted PKCS#8 PEM key "
                    + "(BEGIN PRIVATE KEY); " + CONVERT);
        }
        int end = pem.indexOf(END_KEY, begin);
        if (end < 0) throw new IllegalArgumentException(key + " " + file + " is truncated: no END PRIVATE KEY line");
        byte[] der;
        try {
            // strict: the MIME decoder would skip stray characters and decode a damaged key silently
            der = Base64.getDecoder().decode(pem.substring(begin + BEGIN_KEY.length(), end).replaceAll("[ \t\r\n]", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + file + ": the key is not valid base64");
        }
        if (der.length == 0) throw new IllegalArgumentException(key + " " + file + ": the key is empty");
        for (String algorithm : new String[] { "RSA", "EC", "Ed25519" }) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm; PKCS#8 names it inside, but KeyFactory wants to be told
            }
        }
        throw new IllegalArgumentException(key + " " + file + ": not an RSA, EC or Ed25519 key (damaged or truncated?)");
    }

    /** The file's bytes, at most {@link #MAX_FILE_BYTES}; refusals name {@code key} and the file. */
    static byte[] read(Path file, String key) {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(key + " " + file + " is a directory");
        try (InputStream in = Files.newInputStream(file)) {
            // readNBytes, not Files.size: /dev/zero and pipes have no size
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(key + " " + file + " is larger than " + MAX_FILE_BYTES + " bytes: not a PEM file");
            }
            if (bytes.length == 0) throw new IllegalArgumentException(key + " " + file + " is empty");
            return bytes;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(key + " " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + key + " " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
