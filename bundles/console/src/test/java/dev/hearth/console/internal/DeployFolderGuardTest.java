package dev.hearth.console.internal;

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

class DeployFolderGuardTest {

    @TempDir
    Path dir;

    Path jar(String name, String bsn) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        Path p = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(p); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return p;
    }

    @Test
    void claimsOnlyWhatIsNotABundleAndSaysWhy() throws Exception {
        DeployFolderGuard guard = new DeployFolderGuard();
        Path bundle = jar("good.jar", "dev.hearth.driver.x");
        assertFalse(guard.canHandle(bundle.toFile()), "valid bundles are FileInstall's");
        assertNull(DeployFolderGuard.problem(bundle.toFile()));

        assertTrue(DeployFolderGuard.problem(jar("plain.jar", null).toFile()).contains("Bundle-SymbolicName"));
        Path empty = Files.write(dir.resolve("empty.jar"), new byte[0]);
        assertTrue(DeployFolderGuard.problem(empty.toFile()).contains("empty"));
        Path truncated = Files.write(dir.resolve("cut.jar"), java.util.Arrays.copyOf(Files.readAllBytes(bundle), 20));
        assertTrue(DeployFolderGuard.problem(truncated.toFile()).contains("not a readable jar"));
        Path junk = Files.write(dir.resolve("junk.jar"), "#!/bin/sh\nrm -rf /\n".getBytes());
        assertTrue(guard.canHandle(junk.toFile()));
        guard.install(junk.toFile()); // logs, never throws
        assertFalse(guard.canHandle(dir.resolve("notes.txt").toFile()));
    }
}
