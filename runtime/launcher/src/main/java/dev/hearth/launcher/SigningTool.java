package dev.hearth.launcher;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import dev.hearth.signing.SignedJars;
import dev.hearth.signing.SigningKeys;
import dev.hearth.signing.TrustedKeys;
import dev.hearth.signing.UntrustedArtifactException;

/**
 * {@code hearth keygen DIR NAME}, {@code hearth sign KEYSTORE JAR...} and {@code hearth verify
 * JAR...}: make a signing key, sign bundles with it, and check bundles the way the gateway will
 * (against {@code config/trusted-keys/}). The keystore password comes from the environment
 * variable {@code HEARTH_KEY_PASSWORD} (for scripts and CI), else from the terminal; it is never
 * taken from the command line, where any user could read it.
 */
final class SigningTool {

    static final String PASSWORD_ENV = "HEARTH_KEY_PASSWORD";

    private SigningTool() {
    }

    static int keygen(String[] args) throws LauncherException {
        if (args.length != 2) throw new LauncherException("usage: hearth keygen DIR NAME (writes DIR/NAME.p12 and DIR/NAME.pem)");
        try {
            Path cert = SigningKeys.generate(Path.of(args[0]), args[1], password(true));
            System.out.println("signing key: " + Path.of(args[0]).resolve(args[1] + ".p12") + " (keep it off the gateways)");
            System.out.println("certificate: " + cert + " (copy it into config/trusted-keys/ on every gateway that should trust it)");
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            throw new LauncherException("keygen: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LauncherException("keygen: interrupted");
        }
    }

    static int sign(String[] args) throws LauncherException {
        if (args.length < 2) throw new LauncherException("usage: hearth sign KEYSTORE.p12 JAR... (signs each jar in place)");
        Path keystore = Path.of(args[0]);
        if (!Files.isRegularFile(keystore)) throw new LauncherException("sign: no keystore at " + keystore);
        char[] password = password(false);
        for (int i = 1; i < args.length; i++) {
            Path jar = Path.of(args[i]);
            try {
                SignedJars.sign(jar, jar, keystore, password, SigningKeys.ALIAS);
                System.out.println("signed " + jar + " (SHA-256 " + SignedJars.sha256(jar) + ")");
            } catch (IOException | GeneralSecurityException | UntrustedArtifactException e) {
                throw new LauncherException("sign: " + jar + ": " + e.getMessage());
            }
        }
        return 0;
    }

    /** Exit code 0 if every jar verifies against {@code config/trusted-keys/}, 3 if one does not. */
    static int verify(Path home, String[] args) throws LauncherException {
        if (args.length < 1) throw new LauncherException("usage: hearth verify JAR... (against config/trusted-keys/)");
        TrustedKeys keys = TrustedKeys.load(home.resolve("config/trusted-keys"));
        keys.problems().forEach(p -> System.err.println("hearth: config/trusted-keys/" + p + " (skipped)"));
        int code = 0;
        for (String arg : args) {
            try {
                SignedJars.Verified v = SignedJars.verify(Path.of(arg), keys, SignedJars.DEFAULT_MAX_BYTES);
                System.out.println(arg + ": trusted, signed by " + String.join(", ", v.signers()) + ", SHA-256 " + v.sha256());
            } catch (UntrustedArtifactException e) {
                System.out.println(arg + ": NOT trusted: " + e.getMessage());
                code = LauncherException.CHECK_FAILED;
            }
        }
        return code;
    }

    private static char[] password(boolean twice) throws LauncherException {
        String env = System.getenv(PASSWORD_ENV);
        if (env != null && !env.isEmpty()) return env.toCharArray();
        Console console = System.console();
        if (console == null) throw new LauncherException("give the keystore password in " + PASSWORD_ENV + " (no terminal to ask on)");
        char[] first = console.readPassword("keystore password: ");
        if (first == null) throw new LauncherException("no password given");
        if (twice) {
            char[] again = console.readPassword("again: ");
            if (again == null || !java.util.Arrays.equals(first, again)) throw new LauncherException("the passwords differ");
        }
        return first;
    }
}
