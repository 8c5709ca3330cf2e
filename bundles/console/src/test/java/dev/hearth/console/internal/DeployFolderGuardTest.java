package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.signing.SignedJars;
import dev.hearth.signing.SigningKeys;

class DeployFolderGuardTest {

    @TempDir
    Path dir;

    Path jar(String name, String bsn) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new java.util.jar.JarEntry("dev/hearth/x/A.class"));
            j.write(new byte[] { 1, 2, 3 });
        }
        return p;
    }

    @Test
    void claimsOnlyWhatIsNotABundleAndSaysWhy() throws Exception {
        DeployFolderGuard guard = new DeployFolderGuard(false, dir.resolve("no-keys"), dir, dir.resolve("verified"));
        Path bundle = jar("good.jar", "dev.hearth.driver.x");
        assertNull(DeployFolderGuard.problem(bundle.toFile()));

        assertTrue(DeployFolderGuard.problem(jar("plain.jar", null).toFile()).contains("Bundle-SymbolicName"));
        Path empty = Files.write(dir.resolve("empty.jar"), new byte[0]);
        assertTrue(DeployFolderGuard.problem(empty.toFile()).contains("empty"));
        Path truncated = Files.write(dir.resolve("cut.jar"), java.util.Arrays.copyOf(Files.readAllBytes(bundle), 20));
        assertTrue(DeployFolderGuard.problem(truncated.toFile()).contains("not a readable jar"));
        Path junk = Files.write(dir.resolve("junk.jar"), "#!/bin/sh\nrm -rf /\n".getBytes());
        assertTrue(guard.refusal(junk.toFile()).contains("not a readable jar"));
        assertFalse(guard.canHandle(dir.resolve("notes.txt").toFile()));
        assertFalse(guard.canHandle(dir.resolve("verified/x.jar").toFile()), "only deploy/ itself is guarded");
    }

    @Test
    void requiredSignaturesKeepOutWhatNoTrustedKeySigned() throws Exception {
        char[] password = "guard-test-password".toCharArray();
        Path keys = dir.resolve("trusted-keys");
        Path cert = SigningKeys.generate(dir.resolve("release"), "release", password);
        SigningKeys.generate(dir.resolve("other"), "other", password);
        Files.createDirectories(keys);
        Files.copy(cert, keys.resolve("release.pem"));
        Path drop = Files.createDirectories(dir.resolve("deploy"));
        Path verified = dir.resolve("deploy-verified");
        DeployFolderGuard required = new DeployFolderGuard(true, keys, drop, verified);

        Path good = jar("good.jar", "dev.hearth.driver.x");
        SignedJars.sign(good, good, dir.resolve("release/release.p12"), password, SigningKeys.ALIAS);
        assertNull(required.refusal(good.toFile()), "signed by a trusted key");

        Path unsigned = jar("unsigned.jar", "dev.hearth.driver.x");
        assertTrue(required.refusal(unsigned.toFile()).contains("not signed"), required.refusal(unsigned.toFile()));

        Path foreign = jar("foreign.jar", "dev.hearth.driver.x");
        SignedJars.sign(foreign, foreign, dir.resolve("other/other.p12"), password, SigningKeys.ALIAS);
        assertTrue(required.refusal(foreign.toFile()).contains("by no trusted key"), required.refusal(foreign.toFile()));
        assertTrue(new DeployFolderGuard(true, dir.resolve("absent"), drop, verified).refusal(good.toFile()).contains("no key is trusted"));

        // What passes is copied for FileInstall; what fails is not, and the running version stays.
        Path dropped = drop.resolve("driver.jar");
        Files.copy(good, dropped);
        assertTrue(required.canHandle(dropped.toFile()));
        required.install(dropped.toFile());
        assertArrayEquals(Files.readAllBytes(good), Files.readAllBytes(verified.resolve("driver.jar")));
        Files.copy(unsigned, dropped, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        required.update(dropped.toFile());
        assertArrayEquals(Files.readAllBytes(good), Files.readAllBytes(verified.resolve("driver.jar")), "the signed version stays");
        try (java.util.stream.Stream<Path> left = Files.list(verified)) {
            assertEquals(1, left.count(), "no checking copy is left behind");
        }
        required.uninstall(dropped.toFile());
        assertFalse(Files.exists(verified.resolve("driver.jar")));

        // A jar deleted from deploy/ while the gateway was stopped: its copy goes at the next start.
        Files.copy(good, dropped, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        required.install(dropped.toFile());
        assertTrue(Files.exists(verified.resolve("driver.jar")));
        Files.delete(dropped);
        Files.writeString(verified.resolve(".checking-123.tmp"), "left by a crash");
        new DeployFolderGuard(true, keys, drop, verified);
        try (java.util.stream.Stream<Path> left = Files.list(verified)) {
            assertEquals(0, left.count(), "orphaned copies and half-checked files are removed");
        }

        // optional: unsigned goes in, but a signature that does not verify never does
        DeployFolderGuard optional = new DeployFolderGuard(false, keys, drop, verified);
        assertNull(optional.refusal(unsigned.toFile()));
        assertTrue(optional.refusal(foreign.toFile()).contains("its signature does not verify"));
        assertNull(optional.refusal(good.toFile()));
    }
}
