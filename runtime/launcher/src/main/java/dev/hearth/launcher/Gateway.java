package dev.hearth.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/** {@code run} and {@code demo}: configure, reconcile features, start, wait for stop. */
final class Gateway {
    static final long STOP_WAIT_MILLIS = 10_000;

    private final Path home;
    private final boolean demo;
    private volatile Framework framework;
    private volatile int exitCode;

    Gateway(Path home, boolean demo) {
        this.home = home;
        this.demo = demo;
    }

    int run() throws LauncherException {
        long t0 = System.nanoTime();
        Path configFile = home.resolve("config").resolve("gateway.properties");
        GatewayConfig config = GatewayConfig.load(configFile, GatewayConfig::hostName);
        Log.level(config.logLevel());

        Path data = home.resolve("data");
        if (demo) {
            data = data.resolve("demo");
        }
        try {
            Files.createDirectories(data.resolve("tmp"));
            Files.createDirectories(data.resolve("deploy-verified"));
        } catch (IOException e) {
            throw new LauncherException(data + ": cannot create the data directory: " + e.getMessage(),
                    LauncherException.CONFIG, e);
        }
        DataLock.acquire(data);

        List<String> names = new ArrayList<>(config.features());
        if (demo && !names.contains("demo")) {
            names.add("demo");
        }
        Features features = new Features(home.resolve("features"));
        List<Feature> selected = features.select(names, configFile + ": key " + GatewayConfig.FEATURES
                + (demo ? " (+ demo)" : ""));

        ConsolePassword.Result password = ConsolePassword.resolve(config.consolePasswordSha256(), data);
        String version = Main.version();
        FrameworkSettings.systemProperties(config, data);
        Map<String, Object> props = FrameworkSettings.gateway(home, data, config, version, password.consoleValue(), demo);

        Log.info("Hearth " + version + (demo ? " demo" : "") + ", gateway " + config.gatewayId() + ", home " + home
                + ", data " + data + ", features " + String.join(",", selected.stream().map(Feature::name).toList()));

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new LauncherException("no OSGi framework on the class path (lib/)"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        Framework fw = factory.newFramework((Map) props);
        framework = fw;
        Map<Long, Throwable> startErrors = new ConcurrentHashMap<>();
        CountDownLatch started = new CountDownLatch(1);
        List<Bundle> bundles;
        try {
            fw.init();
            fw.getBundleContext().addFrameworkListener(event -> {
                if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null) {
                    startErrors.put(event.getBundle().getBundleId(), event.getThrowable() == null
                            ? new RuntimeException("unknown error") : event.getThrowable());
                } else if (event.getType() == FrameworkEvent.STARTED) {
                    started.countDown();
                }
            });
            Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "hearth-shutdown"));
            bundles = new Reconciler(fw.getBundleContext(), home.resolve("system"), data).reconcile(selected);
            new FeatureConfigurations(fw.getBundleContext(), selected).register();
            fw.start();
        } catch (BundleException | org.osgi.framework.InvalidSyntaxException e) {
            throw new LauncherException("framework failed to start: " + e.getMessage(), 1, e);
        }
        try {
            if (!started.await(120, TimeUnit.SECONDS)) {
                Log.warn("Framework still starting after 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        report(bundles, startErrors);
        Log.info(String.format("Started in %.1f s; web console http://%s:%d/system/console",
                (System.nanoTime() - t0) / 1e9, config.httpHost(), config.httpPort()));
        List<String> running = selected.stream().map(Feature::name).toList();
        if (running.contains("prometheus")) {
            Log.info(String.format("Prometheus metrics http://%s:%d/metrics", config.httpHost(), config.httpPort()));
        }
        if (running.contains("file")) {
            Log.info("Readings as JSON lines in " + data.resolve("readings") + " (unless the file sink is configured elsewhere)");
        }
        Log.info(password.logLine());
        try {
            FrameworkEvent stop = fw.waitForStop(0);
            if (stop.getType() == FrameworkEvent.ERROR) {
                exitCode = 1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCode;
    }

    private void report(List<Bundle> bundles, Map<Long, Throwable> startErrors) {
        int active = 0;
        for (Bundle b : bundles) {
            if (b.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
                active++;
                continue;
            }
            if (b.getState() == Bundle.ACTIVE || b.getState() == Bundle.STARTING) {
                active++;
                continue;
            }
            Throwable t = startErrors.get(b.getBundleId());
            if (t == null) {
                try {
                    b.start(); // to learn why (typically a missing requirement)
                    active++;
                    continue;
                } catch (BundleException | RuntimeException e) {
                    t = e;
                }
            }
            Log.error("Bundle " + b.getSymbolicName() + " " + b.getVersion() + " did not start: " + reason(t)
                    + "; the gateway keeps running without it");
        }
        Log.info(active + " of " + bundles.size() + " feature bundles active");
    }

    static String reason(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            sb.append(" <- ").append(c);
            if (c.getCause() == c) {
                break;
            }
        }
        return sb.toString().replace('\n', ' ');
    }

    /** Shutdown hook: stop the framework, wait at most 10 s, then halt (Gogo leaves non-daemon threads). */
    private void shutdown() {
        Framework fw = framework;
        if (fw != null && (fw.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
            Log.info("Stopping");
            try {
                fw.stop();
                FrameworkEvent e = fw.waitForStop(STOP_WAIT_MILLIS);
                if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    Log.warn("Framework did not stop within " + STOP_WAIT_MILLIS / 1000 + " s; exiting anyway");
                } else {
                    Log.info("Stopped");
                }
            } catch (BundleException | InterruptedException | RuntimeException e) {
                Log.warn("Error while stopping", e);
            }
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(exitCode);
    }

    void exitCode(int code) {
        exitCode = code;
    }
}
