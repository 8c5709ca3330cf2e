package dev.hearth.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * The Felix Web Console password. The console's own default is admin/admin, so the launcher
 * always sets one: the hash from {@code console.password.sha256}, or else a random password
 * generated once, kept in {@code data/console-password} (mode 0600) and shown once.
 *
 * <p>The value given to the console is in its own hashed format ({@code Password} in
 * webconsole 5): {@code {sha-256}BASE64(sha256(password))}, or with salt and iterations
 * {@code {sha-256}SALT-ITERATIONS-BASE64(sha256^n(SALT + password))}.
 */
public final class ConsolePassword {
    static final String FILE = "console-password";
    static final int ITERATIONS = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    /** What to pass as {@code felix.webconsole.password}, and a line for the log. */
    public record Result(String consoleValue, String logLine, boolean generated) {
    }

    private ConsolePassword() {
    }

    /** From a configured hex SHA-256 (no salt: the file holds a plain hash). */
    public static String fromSha256Hex(String hex) {
        byte[] digest = HexFormat.of().parseHex(hex);
        return "{sha-256}" + Base64.getEncoder().encodeToString(digest);
    }

    /** Salted, iterated form for a password the launcher knows in clear. */
    public static String hash(String password, String saltHex, int iterations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] bytes = (saltHex + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < iterations; i++) {
                md.reset();
                bytes = md.digest(bytes);
            }
            String b64 = Base64.getEncoder().encodeToString(bytes);
            return "{sha-256}" + saltHex + "-" + (iterations > 1 ? iterations + "-" : "") + b64;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    public static String sha256Hex(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
    }

    static String randomPassword(int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    static String randomSalt() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * Resolves the console password for a data directory.
     *
     * @param sha256Hex the configured hash, or empty
     */
    public static Result resolve(String sha256Hex, Path dataDir) throws LauncherException {
        if (!sha256Hex.isEmpty()) {
            return new Result(fromSha256Hex(sha256Hex),
                    "Web console user admin, password as configured (console.password.sha256)", false);
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.isSymbolicLink(file) || !Files.isRegularFile(file)) {
                    throw new LauncherException(file + ": must be a regular file (not a link)");
                }
                String pw = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (pw.length() < 8) {
                    throw new LauncherException(file + ": holds no usable password (at least 8 characters);"
                            + " delete it to generate a new one");
                }
                return new Result(hash(pw, randomSalt(), ITERATIONS),
                        "Web console user admin, password in " + file, false);
            }
            String pw = randomPassword(20);
            Files.createDirectories(dataDir);
            try {
                Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
                Files.createFile(file, PosixFilePermissions.asFileAttribute(perms));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, pw + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return new Result(hash(pw, randomSalt(), ITERATIONS),
                    "Web console user admin, generated password " + pw + " (shown once; kept in " + file + ")",
                    true);
        } catch (FileAlreadyExistsException race) {
            return resolve(sha256Hex, dataDir);
        } catch (IOException e) {
            throw new LauncherException(file + ": cannot be read or written: " + e.getMessage(),
                    LauncherException.CONFIG, e);
        }
    }
}
