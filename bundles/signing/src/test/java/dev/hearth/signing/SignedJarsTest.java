package dev.hearth.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JAR signing with real Ed25519 keys (keytool), and what an attacker or an accident could hand over. */
class SignedJarsTest {

    static final char[] PASSWORD = "test-password".toCharArray();

    @TempDir
    static Path keys;
    static Path trustedStore;
    static Path otherStore;
    static TrustedKeys trusted;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeKeys() throws Exception {
        SigningKeys.generate(keys.resolve("trusted"), "release", PASSWORD);
        SigningKeys.generate(keys.resolve("other"), "mallory", PASSWORD);
        trustedStore = keys.resolve("trusted/release.p12");
        otherStore = keys.resolve("other/mallory.p12");
        trusted = TrustedKeys.load(keys.resolve("trusted"));
        assertEquals(1, trusted.size(), "problems: " + trusted.problems());
    }

    /** A small bundle-like jar. */
    Path bundle(String name) throws IOException {
        Path jar = dir.resolve(name);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "dev.hearth.test");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.putNextEntry(new JarEntry("dev/hearth/test/A.class"));
            out.write("class A".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry("dev/hearth/test/B.class"));
            out.write("class B".getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    Path signed(String name, Path store) throws Exception {
        Path jar = bundle(name);
        SignedJars.sign(jar, jar, store, PASSWORD, SigningKeys.ALIAS);
        return jar;
    }

    @Test
    void aJarSignedByATrustedKeyVerifies() throws Exception {
        Path jar = signed("good.jar", trustedStore);
        SignedJars.Verified v = SignedJars.verify(jar, trusted, SignedJars.DEFAULT_MAX_BYTES);
        assertEquals(SignedJars.sha256(jar), v.sha256());
        assertEquals(1, v.signers().size());
    }

    @Test
    void unsignedOtherSignerAndNoKeysAreRefusedWithTheReason() throws Exception {
        assertRefused(bundle("plain.jar"), trusted, "the jar is not signed: sign it with 'hearth sign'");
        assertRefused(signed("other.jar", otherStore), trusted, "signed, but by no trusted key");
        assertRefused(signed("good.jar", trustedStore), TrustedKeys.none(), "no key is trusted");
    }

    @Test
    void aChangedEntryIsRefused() throws Exception {
        Path jar = signed("good.jar", trustedStore);
        Path changed = rewrite(jar, "changed.jar", "dev/hearth/test/B.class", "class B, but evil".getBytes(StandardCharsets.UTF_8), null);
        assertRefused(changed, trusted, "dev/hearth/test/B.class was changed after signing");
    }

    @Test
    void anAddedEntryIsRefused() throws Exception {
        Path jar = signed("good.jar", trustedStore);
        Path added = rewrite(jar, "added.jar", null, null, "dev/hearth/test/Evil.class");
        assertRefused(added, trusted, "dev/hearth/test/Evil.class is not signed (added after signing?)");
    }

    @Test
    void truncatedEmptyRandomOversizedAndBombJarsAreRefused() throws Exception {
        Path jar = signed("good.jar", trustedStore);
        byte[] bytes = Files.readAllBytes(jar);
        Path truncated = Files.write(dir.resolve("truncated.jar"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertRefused(truncated, trusted, "not a readable jar");
        assertRefused(Files.write(dir.resolve("empty.jar"), new byte[0]), trusted, "not a readable jar");
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        assertRefused(Files.write(dir.resolve("noise.jar"), noise), trusted, "not a readable jar");
        UntrustedArtifactException big = assertThrows(UntrustedArtifactException.class, () -> SignedJars.verify(jar, trusted, 100));
        assertTrue(big.getMessage().contains("more than the 100 allowed"), big.getMessage());

        Path bomb = dir.resolve("bomb.jar");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
            out.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            out.write("Manifest-Version: 1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.putNextEntry(new ZipEntry("zeros"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) out.write(zeros); // 64 MiB that compresses to ~64 KiB
        }
        UntrustedArtifactException e = assertThrows(UntrustedArtifactException.class,
                () -> SignedJars.verify(bomb, trusted, 1024 * 1024));
        assertTrue(e.getMessage().contains("expands to more than"), e.getMessage());
    }

    @Test
    void badKeyFilesAreSkippedWithTheReasonAndTheGoodOneStillCounts() throws Exception {
        Path d = dir.resolve("trusted-keys");
        Files.createDirectories(d);
        Files.copy(keys.resolve("trusted/release.pem"), d.resolve("release.pem"));
        Files.writeString(d.resolve("garbage.pem"), "hello");
        Files.writeString(d.resolve("private.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Files.writeString(d.resolve("damaged.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Files.write(d.resolve("huge.pem"), new byte[(int) TrustedKeys.MAX_FILE_BYTES + 1]);
        Files.createDirectories(d.resolve("folder.pem"));
        Files.writeString(d.resolve("notes.txt"), "not a .pem: not read");
        TrustedKeys loaded = TrustedKeys.load(d);
        assertEquals(1, loaded.size());
        String problems = String.join("\n", loaded.problems());
        for (String expected : new String[] { "garbage.pem: no PEM", "private.pem: holds a PRIVATE KEY", "damaged.pem: not a readable certificate",
                "huge.pem: larger than", "folder.pem: not a regular file" }) {
            assertTrue(problems.contains(expected), expected + " in\n" + problems);
        }
        assertEquals(5, loaded.problems().size(), problems);
        SignedJars.verify(signed("good.jar", trustedStore), loaded, SignedJars.DEFAULT_MAX_BYTES);
        assertTrue(TrustedKeys.load(dir.resolve("absent")).isEmpty());
    }

    @Test
    void keysAreNotOverwrittenAndPasswordsMustBeReal() {
        assertThrows(IOException.class, () -> SigningKeys.generate(keys.resolve("trusted"), "release", PASSWORD));
        assertThrows(IllegalArgumentException.class, () -> SigningKeys.generate(dir, "short", "12345".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> SigningKeys.generate(dir, "../escape", PASSWORD));
    }

    @Test
    void signingRefusesAWrongPasswordAMissingKeyAndANonEd25519KeyAndLeavesTheJarAlone() throws Exception {
        Path jar = bundle("to-sign.jar");
        byte[] before = Files.readAllBytes(jar);
        assertThrows(IOException.class, () -> SignedJars.sign(jar, jar, trustedStore, "wrong-password".toCharArray(), SigningKeys.ALIAS));
        java.security.GeneralSecurityException noKey = assertThrows(java.security.GeneralSecurityException.class,
                () -> SignedJars.sign(jar, jar, trustedStore, PASSWORD, "nobody"));
        assertTrue(noKey.getMessage().contains("no private key 'nobody'"), noKey.getMessage());

        Path rsa = dir.resolve("rsa.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keyalg", "RSA", "-keysize", "2048", "-alias", SigningKeys.ALIAS, "-keystore", rsa.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD), "-dname", "CN=rsa", "-validity", "2").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertEquals(0, keytool.waitFor());
        java.security.GeneralSecurityException notEd = assertThrows(java.security.GeneralSecurityException.class,
                () -> SignedJars.sign(jar, jar, rsa, PASSWORD, SigningKeys.ALIAS));
        assertTrue(notEd.getMessage().contains("Ed25519 signatures only"), notEd.getMessage());

        Path garbage = Files.write(dir.resolve("garbage.p12"), "not a keystore".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> SignedJars.sign(jar, jar, garbage, PASSWORD, SigningKeys.ALIAS));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(jar)), "a failed signing leaves the jar as it was");
        try (java.util.stream.Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith(".signing-")), "no temporary file is left behind");
        }
    }

    @Test
    void signatureFilesAreRecognised() {
        assertTrue(SignedJars.isSignatureFile("META-INF/HEARTH.SF"));
        assertTrue(SignedJars.isSignatureFile("META-INF/HEARTH.EC"));
        assertTrue(SignedJars.isSignatureFile("META-INF/MANIFEST.MF"));
        assertTrue(!SignedJars.isSignatureFile("META-INF/maven/x/pom.xml"));
        assertTrue(!SignedJars.isSignatureFile("dev/X.SF"));
    }

    private static void assertRefused(Path jar, TrustedKeys keys, String reason) {
        UntrustedArtifactException e = assertThrows(UntrustedArtifactException.class, () -> SignedJars.verify(jar, keys, SignedJars.DEFAULT_MAX_BYTES));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    /** A copy of {@code jar} with one entry's content replaced, or one entry added. */
    private Path rewrite(Path jar, String name, String replace, byte[] content, String add) throws IOException {
        Path out = dir.resolve(name);
        try (ZipFile in = new ZipFile(jar.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(e.getName().equals(replace) ? content : in.getInputStream(e).readAllBytes());
            }
            if (add != null) {
                zip.putNextEntry(new ZipEntry(add));
                zip.write("evil".getBytes(StandardCharsets.UTF_8));
            }
        }
        return out;
    }

}
