package dev.hearth.signing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Signed bundle jars. A jar is trusted when every entry is signed (standard JAR signing, as
 * {@code jarsigner} does it, with an Ed25519 key) by a key in {@link TrustedKeys}, and nothing was
 * changed or added since: the JDK's own jar verifier checks each entry's digest against the signed
 * manifest while the entry is read. JAR signing rather than a detached signature file, because a
 * signed jar travels as one file (a drop into {@code deploy/}, an OTA download) and can never
 * arrive without its signature.
 */
public final class SignedJars {

    /** Default most bytes a jar may have; bundles are a few MB. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /** What a verification found: the jar's SHA-256 and the fingerprints of the trusted keys that signed it. */
    public record Verified(String sha256, Set<String> signers) {
    }

    private SignedJars() {
    }

    /**
     * Checks that {@code jar} is whole and signed by trusted keys.
     *
     * @param maxBytes the most the file may have; what it expands to is bounded at 8 times that (zip bombs)
     * @throws UntrustedArtifactException with the reason, for anything short of that
     */
    public static Verified verify(Path jar, TrustedKeys keys, long maxBytes) throws UntrustedArtifactException {
        long size;
        try {
            size = Files.size(jar);
        } catch (IOException e) {
            throw new UntrustedArtifactException("cannot read " + jar.getFileName() + ": " + e.getMessage(), e);
        }
        if (size > maxBytes) throw new UntrustedArtifactException("it has " + size + " bytes, more than the " + maxBytes + " allowed");
        if (keys.isEmpty()) {
            throw new UntrustedArtifactException("no key is trusted: put the signer's certificate (hearth keygen writes one) "
                    + "into config/trusted-keys/");
        }
        String sha256 = sha256(jar);
        Set<String> signers = new TreeSet<>();
        long expanded = 0;
        long maxExpanded = 8 * maxBytes;
        byte[] buffer = new byte[16 * 1024];
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            if (file.getManifest() == null) throw new UntrustedArtifactException("it has no manifest, so it cannot be signed");
            Enumeration<JarEntry> entries = file.entries();
            int checked = 0;
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                // Reading the entry to its end is what makes the verifier compare its digest.
                try (InputStream in = file.getInputStream(entry)) {
                    for (int n; (n = in.read(buffer)) > 0;) {
                        expanded += n;
                        if (expanded > maxExpanded) throw new UntrustedArtifactException("it expands to more than " + maxExpanded + " bytes");
                    }
                } catch (SecurityException e) {
                    throw new UntrustedArtifactException(entry.getName() + " was changed after signing (" + e.getMessage() + ")", e);
                }
                if (entry.isDirectory() || isSignatureFile(entry.getName())) continue;
                CodeSigner[] codeSigners = entry.getCodeSigners();
                if (codeSigners == null || codeSigners.length == 0) {
                    throw new UntrustedArtifactException(entry.getName() + " is not signed" + (checked == 0 && signers.isEmpty()
                            ? " (the jar is not signed: sign it with 'hearth sign')" : " (added after signing?)"));
                }
                String trusted = null;
                for (CodeSigner signer : codeSigners) {
                    Certificate first = signer.getSignerCertPath().getCertificates().get(0);
                    trusted = keys.trusted(first.getPublicKey());
                    if (trusted != null) break;
                }
                if (trusted == null) {
                    throw new UntrustedArtifactException("it is signed, but by no trusted key (signer "
                            + TrustedKeys.fingerprint(codeSigners[0].getSignerCertPath().getCertificates().get(0).getPublicKey())
                            + "; " + keys.size() + " key(s) trusted)");
                }
                signers.add(trusted);
                checked++;
            }
            if (checked == 0) throw new UntrustedArtifactException("it has no content to trust");
        } catch (ZipException e) {
            throw new UntrustedArtifactException("it is not a readable jar (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UntrustedArtifactException("cannot read it: " + e.getMessage(), e);
        } catch (SecurityException e) {
            throw new UntrustedArtifactException("its signature is invalid (" + e.getMessage() + ")", e);
        }
        return new Verified(sha256, Set.copyOf(signers));
    }

    /** The signature machinery itself, which the verifier does not expect to be signed. */
    static boolean isSignatureFile(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (!n.startsWith("META-INF/") || n.indexOf('/', 9) >= 0) return false;
        return n.equals("META-INF/MANIFEST.MF") || n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA")
                || n.endsWith(".EC") || n.startsWith("META-INF/SIG-");
    }

    /** SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws UntrustedArtifactException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0;) sha.update(buffer, 0, n);
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UntrustedArtifactException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Signs {@code in} into {@code out} (which may be the same file) with the Ed25519 key and
     * certificate stored under {@code alias} in a PKCS#12 keystore ({@code hearth keygen} makes
     * one). Needs a full JDK: the signing API is in its {@code jdk.jartool} module.
     */
    public static void sign(Path in, Path out, Path keystore, char[] password, String alias) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream s = Files.newInputStream(keystore)) {
            store.load(s, password);
        }
        if (!(store.getKey(alias, password) instanceof PrivateKey key)) throw new GeneralSecurityException("no private key '" + alias + "' in " + keystore);
        if (!key.getAlgorithm().equals("Ed25519") && !key.getAlgorithm().equals("EdDSA")) {
            throw new GeneralSecurityException("the key '" + alias + "' is " + key.getAlgorithm() + "; Hearth trusts Ed25519 signatures only");
        }
        CertPath chain = CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(store.getCertificateChain(alias)));
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".signing-", ".jar");
        try {
            try (ZipFile zip = new ZipFile(in.toFile()); OutputStream o = Files.newOutputStream(tmp)) {
                jdk.security.jarsigner.JarSigner signer = new jdk.security.jarsigner.JarSigner.Builder(key, chain)
                        .digestAlgorithm("SHA-256").signatureAlgorithm("Ed25519").signerName("HEARTH").build();
                signer.sign(zip, o);
            } catch (NoClassDefFoundError e) {
                throw new GeneralSecurityException("signing needs a full JDK (module jdk.jartool); this Java has only a runtime", e);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
