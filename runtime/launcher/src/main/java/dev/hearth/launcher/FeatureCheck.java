package dev.hearth.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * {@code check-features FEATURES SYSTEM}: the build-time check. Every feature file must parse,
 * every bundle must be in {@code system/}, and each feature together with the features it requires
 * must resolve in a throwaway framework (same resolution settings as the gateway, nothing started).
 */
final class FeatureCheck {
    private final Path featuresDir;
    private final Path systemDir;
    private final List<String> problems = new ArrayList<>();

    FeatureCheck(Path featuresDir, Path systemDir) {
        this.featuresDir = featuresDir;
        this.systemDir = systemDir;
    }

    int run() throws LauncherException {
        Log.level("warn");
        Features features = new Features(featuresDir);
        List<String> names = features.available();
        if (names.isEmpty()) {
            throw new LauncherException(featuresDir + ": no feature files", LauncherException.CHECK_FAILED, null);
        }
        Map<String, List<Feature>> closures = new LinkedHashMap<>();
        for (String name : names) {
            try {
                List<Feature> closure = features.select(List.of(name), "feature " + name);
                for (Map.Entry<String, Reconciler.Wanted> w : Reconciler.wanted(closure, systemDir).entrySet()) {
                    if (!Files.isRegularFile(w.getValue().file())) {
                        problems.add("feature " + w.getValue().feature() + ": " + w.getValue().ref().coordinates()
                                + " is missing from " + systemDir);
                    }
                }
                closures.put(name, closure);
            } catch (LauncherException e) {
                problems.add(e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            for (Map.Entry<String, List<Feature>> e : closures.entrySet()) {
                resolve(e.getKey(), e.getValue());
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("check-features: " + problems.size() + " problem(s):");
            problems.forEach(p -> System.err.println("  " + p));
            return LauncherException.CHECK_FAILED;
        }
        System.out.println("check-features: " + names.size() + " features resolve (" + String.join(", ", names) + ")");
        return 0;
    }

    /** What the last {@link #run()} found wrong, one line each. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    private void resolve(String name, List<Feature> closure) throws LauncherException {
        Path storage;
        try {
            storage = Files.createTempDirectory("hearth-check-");
        } catch (IOException e) {
            throw new LauncherException("cannot create a temporary directory: " + e.getMessage(),
                    LauncherException.CHECK_FAILED, e);
        }
        Map<String, Object> props = FrameworkSettings.resolution(storage, true);
        props.put("felix.log.level", "0");
        // Active at start level 1 with nothing marked for start: bundles resolve but never run.
        props.put("org.osgi.framework.startlevel.beginning", "1");
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
        @SuppressWarnings({"unchecked", "rawtypes"})
        Framework fw = factory.newFramework((Map) props);
        try {
            fw.start();
            List<Bundle> bundles = new ArrayList<>();
            for (Reconciler.Wanted w : Reconciler.wanted(closure, systemDir).values()) {
                try (InputStream in = Files.newInputStream(w.file())) {
                    bundles.add(fw.getBundleContext().installBundle(w.location(), in));
                } catch (BundleException | IOException e) {
                    problems.add("feature " + name + ": " + w.ref().coordinates() + " cannot be installed: "
                            + e.getMessage());
                }
            }
            fw.adapt(FrameworkWiring.class).resolveBundles(bundles);
            for (Bundle b : bundles) {
                if ((b.getState() & Bundle.INSTALLED) == 0) {
                    continue;
                }
                String why;
                if (b.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
                    why = "fragment not attached to host " + b.getHeaders("").get(Constants.FRAGMENT_HOST);
                } else {
                    try {
                        // Not resolvable, so this fails in resolution, with the missing requirement in the message.
                        b.adapt(org.osgi.framework.startlevel.BundleStartLevel.class).setStartLevel(1);
                        b.start(Bundle.START_TRANSIENT);
                        why = "resolves only when started";
                        b.stop();
                    } catch (BundleException e) {
                        why = e.getMessage();
                    }
                }
                problems.add("feature " + name + ": " + b.getSymbolicName() + " " + b.getVersion()
                        + " does not resolve: " + why.replace('\n', ' '));
            }
        } catch (BundleException e) {
            problems.add("feature " + name + ": framework failed: " + e.getMessage());
        } finally {
            try {
                fw.stop();
                fw.waitForStop(10_000);
            } catch (BundleException | InterruptedException e) {
                // best effort
            }
            deleteTree(storage);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp directory; best effort
        }
    }
}
