package dev.hearth.mqtt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway PKI made by {@code openssl} (Debian {@code openssl}): a CA, broker certificates and
 * client certificates signed by it. Keys are PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), what OpenSSL 3
 * writes by default.
 */
final class Pki {

    private final Path dir;
    final Path caCert;
    final Path caKey;

    Pki(Path dir) throws Exception {
        this.dir = dir;
        this.caKey = key("ca", "EC");
        this.caCert = dir.resolve("ca.pem");
        openssl("req", "-x509", "-new", "-key", caKey.toString(), "-subj", "/CN=Hearth Test CA", "-days", "2",
                "-out", caCert.toString());
    }

    /** A new private key, {@code EC} (P-256) or {@code RSA} (2048 bits). */
    Path key(String name, String type) throws Exception {
        Path key = dir.resolve(name + ".key");
        if (type.equals("RSA")) openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key.toString());
        else openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        return key;
    }

    /**
     * A certificate for {@code key} signed by the CA.
     *
     * @param subjectAltName e.g. {@code IP:127.0.0.1}, or {@code null} for none
     * @param extendedKeyUsage {@code serverAuth} or {@code clientAuth}
     */
    Path cert(String name, Path key, String commonName, String subjectAltName, String extendedKeyUsage) throws Exception {
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "basicConstraints=CA:FALSE\nextendedKeyUsage=" + extendedKeyUsage + "\n"
                + (subjectAltName == null ? "" : "subjectAltName=" + subjectAltName + "\n"));
        openssl("req", "-new", "-key", key.toString(), "-subj", "/CN=" + commonName, "-out", csr.toString());
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
        return cert;
    }

    /** The certificate's SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints it. */
    String fingerprint(Path cert) throws Exception {
        String out = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", cert.toString());
        return out.substring(out.indexOf('=') + 1).trim();
    }

    static String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("openssl not found: install the Debian package 'openssl'; these tests do not skip", e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError(String.join(" ", command) + " failed: " + out);
        return out;
    }
}
