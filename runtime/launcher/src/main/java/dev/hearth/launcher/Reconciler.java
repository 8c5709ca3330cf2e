package dev.hearth.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Brings the installed bundles in line with the selected features: installs what is missing (by
 * {@code file:} location in {@code system/}), updates what changed on disk, uninstalls what the
 * launcher installed earlier but no feature wants any more, and marks everything for start at its
 * start order. Bundles installed by anyone else (deploy/, the console) are left alone.
 */
final class Reconciler {
    /** Remembers size and checksum of each installed file, to notice a changed jar. */
    static final String STATE_FILE = "launcher-bundles.properties";

    private final BundleContext context;
    private final Path systemDir;
    private final Path stateFile;

    Reconciler(BundleContext context, Path systemDir, Path dataDir) {
        this.context = context;
        this.systemDir = systemDir;
        this.stateFile = dataDir.resolve(STATE_FILE);
    }

    record Wanted(Feature.BundleRef ref, Path file, String location, String feature) {
    }

    /** Every bundle of the features, each once (first mention wins, lowest start order kept). */
    static Map<String, Wanted> wanted(List<Feature> features, Path systemDir) throws LauncherException {
        Map<String, Wanted> out = new LinkedHashMap<>();
        Map<String, String> byArtifact = new HashMap<>();
        for (Feature f : features) {
            for (Feature.BundleRef ref : f.bundles()) {
                Path file = systemDir.resolve(ref.repositoryPath()).normalize();
                if (!file.startsWith(systemDir)) {
                    throw new LauncherException(f.source() + ": " + ref.coordinates() + " points outside " + systemDir);
                }
                String ga = ref.groupId() + ":" + ref.artifactId();
                String other = byArtifact.putIfAbsent(ga, ref.version());
                if (other != null && !other.equals(ref.version())) {
                    throw new LauncherException(f.source() + ": " + ga + " " + ref.version()
                            + " conflicts with version " + other + " from another selected feature");
                }
                String location = file.toUri().toString();
                Wanted prev = out.get(location);
                if (prev == null || prev.ref().startOrder() > ref.startOrder()) {
                    out.put(location, new Wanted(ref, file, location, f.name()));
                }
            }
        }
        return out;
    }

    /** @return the bundles the features want, in the order given */
    List<Bundle> reconcile(List<Feature> features) throws LauncherException {
        Map<String, Wanted> wanted = wanted(features, systemDir);
        for (Wanted w : wanted.values()) {
            if (!Files.isRegularFile(w.file())) {
                throw new LauncherException("feature " + w.feature() + ": bundle " + w.ref().coordinates()
                        + " is missing from " + systemDir + " (expected " + w.file() + ")");
            }
        }
        Properties state = loadState();
        String prefix = systemDir.toUri().toString();
        for (Bundle b : context.getBundles()) {
            String loc = b.getLocation();
            if (b.getBundleId() != 0 && loc.startsWith(prefix) && !wanted.containsKey(loc)) {
                try {
                    Log.info("Uninstalling " + b.getSymbolicName() + " " + b.getVersion() + ": no selected feature lists it");
                    b.uninstall();
                } catch (BundleException e) {
                    Log.warn("Cannot uninstall " + loc, e);
                }
                state.remove(loc);
            }
        }
        List<Bundle> out = new ArrayList<>();
        int installed = 0;
        int updated = 0;
        for (Wanted w : wanted.values()) {
            Bundle b = context.getBundle(w.location());
            String stamp = stamp(w.file());
            try {
                if (b == null) {
                    try (InputStream in = Files.newInputStream(w.file())) {
                        b = context.installBundle(w.location(), in);
                    }
                    installed++;
                } else if (!stamp.equals(state.getProperty(w.location()))) {
                    try (InputStream in = Files.newInputStream(w.file())) {
                        b.update(in);
                    }
                    Log.info("Updated " + b.getSymbolicName() + " from " + w.file().getFileName());
                    updated++;
                }
            } catch (BundleException | IOException e) {
                Log.error("Cannot install " + w.ref().coordinates() + " (feature " + w.feature() + ") from "
                        + w.file(), e);
                continue;
            }
            state.setProperty(w.location(), stamp);
            b.adapt(BundleStartLevel.class).setStartLevel(w.ref().startOrder());
            if (b.getHeaders("").get(Constants.FRAGMENT_HOST) == null) {
                try {
                    b.start(); // persistent: happens when the framework reaches the bundle's start level
                } catch (BundleException e) {
                    Log.error("Cannot start " + b.getSymbolicName(), e);
                }
            }
            out.add(b);
        }
        saveState(state);
        Log.debug("Bundles: " + installed + " installed, " + updated + " updated, " + out.size() + " in features");
        return out;
    }

    /**
     * Size and CRC32C of a jar. Not the modification time: reproducible builds give every jar the
     * same one, so a rebuilt SNAPSHOT would go unnoticed. CRC32C is hardware-assisted (~1 GB/s).
     */
    static String stamp(Path file) throws LauncherException {
        try (InputStream in = Files.newInputStream(file)) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            byte[] buf = new byte[64 * 1024];
            long size = 0;
            for (int n; (n = in.read(buf)) > 0;) {
                crc.update(buf, 0, n);
                size += n;
            }
            return size + ":" + Long.toHexString(crc.getValue());
        } catch (IOException e) {
            throw new LauncherException(file + ": cannot be read: " + e.getMessage(), LauncherException.CONFIG, e);
        }
    }

    private Properties loadState() {
        Properties p = new Properties();
        if (Files.isRegularFile(stateFile)) {
            try (InputStream in = Files.newInputStream(stateFile)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                Log.warn(stateFile + " unreadable; every bundle will be updated once", e);
                p.clear();
            }
        }
        return p;
    }

    private void saveState(Properties state) {
        try {
            Path tmp = stateFile.resolveSibling(STATE_FILE + ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                state.store(out, "written by the Hearth launcher; delete to force an update of every bundle");
            }
            Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Log.warn("Cannot write " + stateFile, e);
        }
    }
}
