package dev.hearth.console.internal;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says why a jar dropped into {@code deploy/} is not installed. FileInstall silently skips files
 * it cannot handle (a truncated copy, a plain library jar, random bytes named .jar); this installer
 * claims exactly those and logs the reason once per version of the file, so the user is not left
 * guessing. Valid bundles are never claimed: FileInstall installs them itself.
 */
@Component(service = ArtifactInstaller.class)
public final class DeployFolderGuard implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderGuard.class);

    /** Files already reported, with the size and time they had then. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && problem(artifact) != null;
    }

    @Override
    public void install(File artifact) {
        report(artifact);
    }

    @Override
    public void update(File artifact) {
        report(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        reported.remove(artifact.getPath());
    }

    private void report(File artifact) {
        String version = artifact.length() + "@" + artifact.lastModified();
        if (version.equals(reported.put(artifact.getPath(), version))) return;
        String why = problem(artifact);
        if (why != null) LOG.error("{} is not installed: {}", artifact, why);
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
