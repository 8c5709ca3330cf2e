package dev.hearth.console.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.signing.SignedJars;
import dev.hearth.signing.TrustedKeys;
import dev.hearth.signing.UntrustedArtifactException;

/**
 * Stands between {@code deploy/} and the framework. FileInstall would install any bundle dropped
 * there, and silently skips what it cannot handle (a truncated copy, a plain library jar, random
 * bytes named .jar). So this installer claims every jar in {@code deploy/}, copies it, checks the
 * copy (checking the copy, not the drop, so the file cannot change between check and install),
 * and only then moves it into {@code data/deploy-verified/}, which FileInstall installs from with
 * its usual start, update, refresh and uninstall. A jar that fails is logged with the reason once
 * per version of the file, and the version already running (if any) keeps running.
 *
 * <p>A jar fails when it is not a bundle; with {@code deploy.signatures = required} (the default)
 * when it is not signed, whole and unchanged, by a key in {@code config/trusted-keys/}; and in any
 * mode when it is signed but the signature does not verify.
 */
@Component(service = ArtifactInstaller.class)
public final class DeployFolderGuard implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderGuard.class);
    /** Framework property: required or optional (set by the launcher from gateway.properties). */
    static final String POLICY_PROPERTY = "hearth.deploy.signatures";
    /** Under hearth.data: what passed, for FileInstall to install. */
    static final String VERIFIED_DIR = "deploy-verified";

    private final boolean signaturesRequired;
    /** config/trusted-keys/, read again for every file checked, so a key added is used without a restart. */
    private final Path trustedKeys;
    private final Path deployDir;
    private final Path verifiedDir;

    /** Files already reported, with the size and time they had then. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    @Activate
    public DeployFolderGuard(BundleContext context) {
        this(!"optional".equals(context.getProperty(POLICY_PROPERTY)), home(context).resolve("config/trusted-keys"),
                home(context).resolve("deploy"), Path.of(context.getProperty("hearth.data") == null
                        ? home(context).resolve("data").toString() : context.getProperty("hearth.data")).resolve(VERIFIED_DIR));
    }

    DeployFolderGuard(boolean signaturesRequired, Path trustedKeys, Path deployDir, Path verifiedDir) {
        this.signaturesRequired = signaturesRequired;
        this.trustedKeys = trustedKeys;
        this.deployDir = deployDir.toAbsolutePath().normalize();
        this.verifiedDir = verifiedDir.toAbsolutePath().normalize();
        pruneOrphans();
        LOG.info("deploy/: {}; trusted keys in {}", signaturesRequired ? "only bundles signed by a trusted key are installed"
                : "unsigned bundles are installed too (deploy.signatures = optional)", trustedKeys);
    }

    /**
     * Removes verified copies whose jar is no longer in deploy/: a jar deleted while the gateway was
     * stopped would otherwise stay installed from its copy, since FileInstall's own record of
     * deploy/ does not survive the framework cache being cleaned at start.
     */
    void pruneOrphans() {
        if (!Files.isDirectory(verifiedDir)) return;
        try (java.util.stream.Stream<Path> copies = Files.list(verifiedDir)) {
            for (Path copy : copies.toList()) {
                String name = copy.getFileName().toString();
                if (name.startsWith(".checking-") || name.endsWith(".jar") && !Files.exists(deployDir.resolve(name))) {
                    Files.deleteIfExists(copy);
                    LOG.info("deploy/{} is gone: its verified copy is removed, so it is uninstalled", name);
                }
            }
        } catch (IOException e) {
            LOG.error("cannot tidy {}: {}", verifiedDir, e.toString());
        }
    }

    private static Path home(BundleContext context) {
        String home = context.getProperty("hearth.home");
        return Path.of(home == null ? "." : home);
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && artifact.toPath().toAbsolutePath().normalize().getParent().equals(deployDir);
    }

    @Override
    public void install(File artifact) {
        stage(artifact);
    }

    @Override
    public void update(File artifact) {
        stage(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        reported.remove(artifact.getPath());
        try {
            // FileInstall sees the verified copy go and uninstalls the bundle
            Files.deleteIfExists(verifiedDir.resolve(artifact.getName()));
        } catch (IOException e) {
            LOG.error("{}: cannot remove its verified copy: {}", artifact, e.toString());
        }
    }

    /** Copies, checks the copy, and moves it where FileInstall installs from; or says why not. */
    void stage(File artifact) {
        Path copy = null;
        try {
            Files.createDirectories(verifiedDir);
            copy = Files.createTempFile(verifiedDir, ".checking-", ".tmp"); // FileInstall looks at *.jar only
            Files.copy(artifact.toPath(), copy, StandardCopyOption.REPLACE_EXISTING);
            String why = refusal(copy.toFile());
            if (why != null) {
                String version = artifact.length() + "@" + artifact.lastModified();
                if (!version.equals(reported.put(artifact.getPath(), version))) {
                    LOG.error("{} is not installed: {}", artifact, why);
                }
                return;
            }
            reported.remove(artifact.getPath());
            Files.move(copy, verifiedDir.resolve(artifact.getName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            copy = null;
        } catch (IOException e) {
            LOG.error("{} is not installed: cannot copy it for checking: {}", artifact, e.toString());
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    LOG.debug("cannot remove {}: {}", copy, e.toString());
                }
            }
        }
    }

    /** Why this file must not be installed, or {@code null} if it may. */
    String refusal(File artifact) {
        String problem = problem(artifact);
        if (problem != null) return problem;
        TrustedKeys keys = TrustedKeys.load(trustedKeys);
        for (String skipped : keys.problems()) LOG.warn("{}: key file skipped: {}", trustedKeys, skipped);
        try {
            SignedJars.Verified v = SignedJars.verify(artifact.toPath(), keys, SignedJars.DEFAULT_MAX_BYTES);
            LOG.info("deploy/: a bundle signed by trusted key {} passes (SHA-256 {})", String.join(", ", v.signers()), v.sha256());
            return null;
        } catch (UntrustedArtifactException e) {
            if (signaturesRequired) return e.getMessage();
            if (isSigned(artifact)) return "its signature does not verify: " + e.getMessage();
            LOG.warn("deploy/: an unsigned bundle passes (deploy.signatures = optional): {}", e.getMessage());
            return null;
        }
    }

    /** Whether the jar carries any signature at all. */
    static boolean isSigned(File artifact) {
        try (JarFile jar = new JarFile(artifact, false)) {
            return jar.stream().anyMatch(e -> e.getName().toUpperCase(java.util.Locale.ROOT).matches("META-INF/[^/]+\\.SF"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Why this file is not a bundle, or {@code null} if it is one. */
    static String problem(File artifact) {
        if (artifact.length() == 0) return "the file is empty";
        try (JarFile jar = new JarFile(artifact)) {
            Manifest m = jar.getManifest();
            if (m == null) return "it has no META-INF/MANIFEST.MF (a plain jar, not an OSGi bundle)";
            Attributes main = m.getMainAttributes();
            if (main.getValue("Bundle-SymbolicName") == null) return "its manifest has no Bundle-SymbolicName (not an OSGi bundle)";
            return null;
        } catch (IOException | SecurityException e) {
            return "it is not a readable jar (" + e.getMessage() + ")";
        }
    }
}
