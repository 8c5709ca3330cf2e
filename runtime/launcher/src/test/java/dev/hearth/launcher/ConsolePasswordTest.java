package dev.hearth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolePasswordTest {
    @TempDir
    Path dir;

    @Test
    void configuredHashBecomesWebConsoleFormat() {
        // sha256("admin"), the value of `printf %s admin | sha256sum`
        String hex = "8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918";
        assertEquals("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=", ConsolePassword.fromSha256Hex(hex));
        assertEquals(hex, ConsolePassword.sha256Hex("admin"));
    }

    @Test
    void saltedFormatMatchesTheWebConsoleAlgorithm() throws Exception {
        // webconsole 5 Password: {algo}SALT-ITERATIONS-base64(digest^iterations(SALT + password))
        String v = ConsolePassword.hash("secret", "0011223344556677", 3);
        byte[] b = "0011223344556677secret".getBytes(StandardCharsets.UTF_8);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 3; i++) {
            b = md.digest(b);
        }
        assertEquals("{sha-256}0011223344556677-3-" + Base64.getEncoder().encodeToString(b), v);
        // one iteration: the count is left out, as the console writes it
        assertTrue(ConsolePassword.hash("secret", "aa", 1).startsWith("{sha-256}aa-"));
        assertFalse(ConsolePassword.hash("secret", "aa", 1).startsWith("{sha-256}aa-1-"));
    }

    @Test
    void generatesOnceAndKeepsThePasswordPrivate() throws Exception {
        ConsolePassword.Result first = ConsolePassword.resolve("", dir);
        assertTrue(first.generated());
        Path file = dir.resolve("console-password");
        String pw = Files.readString(file).trim();
        assertEquals(20, pw.length());
        assertTrue(first.logLine().contains(pw));
        assertTrue(first.logLine().contains(file.toString()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        ConsolePassword.Result second = ConsolePassword.resolve("", dir);
        assertFalse(second.generated());
        assertFalse(second.logLine().contains(pw), "shown once only");
        assertEquals(pw, Files.readString(file).trim());
        assertNotEquals(first.consoleValue(), second.consoleValue()); // fresh salt each start
        assertTrue(second.consoleValue().startsWith("{sha-256}"));
    }

    @Test
    void configuredHashWinsOverTheFile() throws Exception {
        ConsolePassword.Result r = ConsolePassword.resolve("ab".repeat(32), dir);
        assertFalse(r.generated());
        assertFalse(Files.exists(dir.resolve("console-password")));
    }

    @Test
    void unusableFileIsAnError() throws Exception {
        Files.writeString(dir.resolve("console-password"), "short\n");
        assertThrows(LauncherException.class, () -> ConsolePassword.resolve("", dir));
    }

    @Test
    void symlinkedFileIsRefused() throws Exception {
        Path target = dir.resolve("elsewhere");
        Files.writeString(target, "a-long-enough-password\n");
        Files.createSymbolicLink(dir.resolve("console-password"), target);
        LauncherException e = assertThrows(LauncherException.class, () -> ConsolePassword.resolve("", dir));
        assertTrue(e.getMessage().contains("regular file"));
    }
}
