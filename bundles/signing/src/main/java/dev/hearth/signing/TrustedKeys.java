package dev.hearth.signing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Ed25519 public keys a gateway trusts to sign what it installs: the {@code *.pem} files of a
 * directory ({@code config/trusted-keys/}), each a certificate ({@code hearth keygen} writes one)
 * or a bare public key. A key is known by its fingerprint, the SHA-256 of its encoded form. Files
 * that hold no usable Ed25519 key are listed in {@link #problems()} and otherwise ignored, so one
 * bad file never makes every other key useless.
 */
public final class TrustedKeys {

    /** A key file bigger than this is not a key file. */
    static final long MAX_FILE_BYTES = 64 * 1024;

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final Map<String, PublicKey> byFingerprint;
    private final List<String> problems;

    private TrustedKeys(Map<String, PublicKey> byFingerprint, List<String> problems) {
        this.byFingerprint = Map.copyOf(byFingerprint);
        this.problems = List.copyOf(problems);
    }

    /** No key at all: nothing verifies. */
    public static TrustedKeys none() {
        return new TrustedKeys(Map.of(), List.of());
    }

    /** The keys in the {@code *.pem} files of {@code dir}; none if it does not exist. */
    public static TrustedKeys load(Path dir) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) return new TrustedKeys(keys, problems);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pem")) {
            for (Path file : files) {
                try {
                    for (PublicKey key : read(file)) keys.put(fingerprint(key), key);
                } catch (IOException | IllegalArgumentException e) {
                    problems.add(file.getFileName() + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            problems.add(dir + ": " + e.getMessage());
        }
        return new TrustedKeys(keys, problems);
    }

    /** The Ed25519 keys in one PEM file (certificates or public keys). */
    static List<PublicKey> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("not a regular file");
        if (Files.size(file) > MAX_FILE_BYTES) throw new IllegalArgumentException("larger than " + MAX_FILE_BYTES + " bytes: not a key file");
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<PublicKey> keys = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("damaged base64 in its " + m.group(1));
            }
            PublicKey key = switch (m.group(1)) {
                case "CERTIFICATE" -> certificateKey(der);
                case "PUBLIC KEY" -> publicKey(der);
                default -> throw new IllegalArgumentException("holds a " + m.group(1) + ", not a certificate or public key"
                        + (m.group(1).contains("PRIVATE") ? " (a private key does not belong on the gateway)" : ""));
            };
            if (!isEd25519(key)) throw new IllegalArgumentException("holds a " + key.getAlgorithm() + " key; only Ed25519 is trusted");
            keys.add(key);
        }
        if (keys.isEmpty()) throw new IllegalArgumentException("no PEM certificate or public key in it");
        return keys;
    }

    private static PublicKey certificateKey(byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a readable certificate: " + e.getMessage());
        }
    }

    private static PublicKey publicKey(byte[] der) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalArgumentException("not a readable Ed25519 public key: " + e.getMessage());
        }
    }

    static boolean isEd25519(PublicKey key) {
        return key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA") && key.getEncoded().length == 44;
    }

    /** SHA-256 of the key's X.509 encoding, lower-case hex. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The fingerprint of {@code key} if it is trusted, else {@code null}. */
    public String trusted(PublicKey key) {
        String f = fingerprint(key);
        return byFingerprint.containsKey(f) ? f : null;
    }

    public boolean isEmpty() {
        return byFingerprint.isEmpty();
    }

    public int size() {
        return byFingerprint.size();
    }

    /** Key files that were skipped, with the reason. */
    public List<String> problems() {
        return problems;
    }
}
