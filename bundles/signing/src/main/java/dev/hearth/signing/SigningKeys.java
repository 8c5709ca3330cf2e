package dev.hearth.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a signing key: an Ed25519 key pair with a self-signed certificate in a PKCS#12 keystore
 * ({@code <name>.p12}, mode 0600, for the signing machine) and the certificate alone
 * ({@code <name>.pem}, for {@code config/trusted-keys/} on the gateways). Through the JDK's
 * {@code keytool}, because the Java API has no public way to issue a certificate, and a
 * hand-written X.509 encoder is not worth its risk.
 */
public final class SigningKeys {

    /** The alias of the key in the keystores this class makes. */
    public static final String ALIAS = "hearth";

    private SigningKeys() {
    }

    /** Writes {@code dir/name.p12} and {@code dir/name.pem}; refuses to overwrite either. */
    public static Path generate(Path dir, String name, char[] password) throws IOException, InterruptedException {
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) throw new IllegalArgumentException("a key name is 1-64 letters, digits, '.', '_' or '-'");
        if (password.length < 6) throw new IllegalArgumentException("the keystore password needs at least 6 characters (PKCS#12)");
        Files.createDirectories(dir);
        Path store = dir.resolve(name + ".p12");
        Path cert = dir.resolve(name + ".pem");
        if (Files.exists(store) || Files.exists(cert)) throw new IOException(store + " or " + cert + " exists already; not overwriting a key");
        // keytool reads the password from an environment variable, so it never shows in a process list.
        keytool(List.of("-genkeypair", "-keyalg", "Ed25519", "-alias", ALIAS, "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass:env", "HEARTH_KEYTOOL_PASSWORD", "-dname", "CN=Hearth signing key " + name, "-validity", "36500"), password);
        try {
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // keep the file system's default
        }
        keytool(List.of("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", store.toString(), "-storepass:env", "HEARTH_KEYTOOL_PASSWORD",
                "-file", cert.toString()), password);
        return cert;
    }

    private static void keytool(List<String> args, char[] password) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>();
        command.add(Files.isExecutable(keytool) ? keytool.toString() : "keytool");
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HEARTH_KEYTOOL_PASSWORD", new String(password));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("keytool did not finish");
        }
        if (p.exitValue() != 0) throw new IOException("keytool failed: " + out.strip());
    }
}
