package dev.hearth.console.internal;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands before FileInstall's own configuration installer for every {@code .cfg} and
 * {@code .config} file. FileInstall hands a file to the first installer that takes it and keeps
 * that installer for all the file's later versions, so this one takes them all (its ranking puts it
 * first; the console starts before FileInstall scans) and passes each version that is a
 * configuration file ({@link ConfigFileCheck}) on to FileInstall's installer unchanged. A version
 * that is not one (oversized, binary, an escape that cannot be read) never reaches it: the file,
 * the line and the reason are logged once per version, and the configuration the file had made is
 * removed, so the component it configures stays unconfigured with nothing of the file applied
 * until the file is fixed. Deleting a file removes its configuration as before.
 */
@Component(service = ArtifactInstaller.class, property = Constants.SERVICE_RANKING + ":Integer=100")
public final class ConfigFileGuard implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigFileGuard.class);
    static final String FILEINSTALL = "org.apache.felix.fileinstall";

    @Reference
    private ConfigurationAdmin configAdmin;

    /** FileInstall's own installers (its configuration installer), best ranked first. */
    private final Map<ServiceReference<ArtifactInstaller>, ArtifactInstaller> fileInstall =
            new ConcurrentSkipListMap<>(java.util.Comparator.reverseOrder());

    /** Files already reported, with the size and time they had then. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    @Reference(service = ArtifactInstaller.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(component.name=*))") // not the DS-made installers (this one, the deploy/ guard)
    void bindInstaller(ServiceReference<ArtifactInstaller> ref, ArtifactInstaller installer) {
        if (FILEINSTALL.equals(ref.getBundle().getSymbolicName())) fileInstall.put(ref, installer);
    }

    void unbindInstaller(ServiceReference<ArtifactInstaller> ref) {
        fileInstall.remove(ref);
    }

    @Override
    public boolean canHandle(File artifact) {
        String name = artifact.getName();
        return name.endsWith(".cfg") || name.endsWith(".config");
    }

    @Override
    public void install(File artifact) throws Exception {
        if (passes(artifact)) delegate(artifact).install(artifact);
    }

    @Override
    public void update(File artifact) throws Exception {
        if (passes(artifact)) delegate(artifact).update(artifact);
    }

    /** Whether this version of the file may go on to FileInstall's installer; if not, it is refused here. */
    private boolean passes(File artifact) {
        String problem = ConfigFileCheck.problem(artifact.toPath());
        if (problem == null) {
            reported.remove(artifact.getPath());
            return true;
        }
        refuse(artifact, problem);
        return false;
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        reported.remove(artifact.getPath());
        ArtifactInstaller installer = find(artifact);
        if (installer != null) {
            installer.uninstall(artifact);
        } else {
            removeConfigurationsFrom(artifact);
        }
    }

    private ArtifactInstaller find(File artifact) {
        for (ArtifactInstaller i : fileInstall.values()) {
            if (i != this && i.canHandle(artifact)) return i;
        }
        return null;
    }

    /** FileInstall's installer; when it is not up yet, FileInstall retries the file at its next scan. */
    private ArtifactInstaller delegate(File artifact) {
        ArtifactInstaller installer = find(artifact);
        if (installer == null) {
            throw new IllegalStateException("FileInstall's configuration installer is not available yet; " + artifact + " waits");
        }
        return installer;
    }

    private void refuse(File artifact, String problem) {
        int removed = removeConfigurationsFrom(artifact);
        String version = artifact.length() + "@" + artifact.lastModified();
        if (!version.equals(reported.put(artifact.getPath(), version))) {
            LOG.error("{}: {}; refused{}: what it configures stays unconfigured until the file is fixed",
                    Text.clean(artifact.getPath(), 200), problem, removed > 0 ? ", and its earlier configuration removed" : "");
        }
    }

    /** Deletes the configurations FileInstall made from this file (it records the file in each). */
    private int removeConfigurationsFrom(File artifact) {
        int removed = 0;
        try {
            Configuration[] configs = configAdmin.listConfigurations(null);
            for (Configuration c : configs == null ? new Configuration[0] : configs) {
                Object from = c.getProperties() == null ? null : c.getProperties().get("felix.fileinstall.filename");
                if (from != null && sameFile(from.toString(), artifact)) {
                    c.delete();
                    removed++;
                }
            }
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.error("{}: cannot remove its earlier configuration: {}", Text.clean(artifact.getPath(), 200), e.toString());
        }
        return removed;
    }

    private static boolean sameFile(String recorded, File artifact) {
        try {
            return new File(java.net.URI.create(recorded)).getAbsoluteFile().equals(artifact.getAbsoluteFile());
        } catch (IllegalArgumentException e) {
            return recorded.equals(artifact.getPath()) || recorded.equals(artifact.getAbsolutePath());
        }
    }
}
