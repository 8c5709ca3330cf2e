package dev.hearth.launcher;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Framework and system properties for the gateway; one place, shared by run, demo and check-features. */
final class FrameworkSettings {
    /** Everything a feature starts sits below this; bundles installed later (deploy/, console) at 80. */
    static final int BEGINNING_START_LEVEL = 100;
    static final int DEFAULT_BUNDLE_START_LEVEL = 80;

    private FrameworkSettings() {
    }

    /** Properties that decide how bundles resolve: identical for run and check-features. */
    static Map<String, Object> resolution(Path storage, boolean clean) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("org.osgi.framework.storage", storage.toString());
        p.put("org.osgi.framework.storage.clean", clean ? "onFirstInit" : "none");
        p.put("org.osgi.framework.startlevel.beginning", String.valueOf(BEGINNING_START_LEVEL));
        p.put("felix.startlevel.bundle", String.valueOf(DEFAULT_BUNDLE_START_LEVEL));
        // Only the JRE's own packages come from the class path; everything else is a bundle.
        // bluez-dbus-osgi 0.3.2 (the BLE transport) uses javax.net and com.sun.security.auth.module
        // without importing them: boot delegation, rather than a repackaged copy of the library.
        p.put("org.osgi.framework.bootdelegation", "jdk.internal.reflect,jdk.internal.reflect.*,sun.reflect,sun.reflect.*,"
                + "javax.net,javax.net.*,com.sun.security.auth.module");
        // Felix's URL-handler service machinery is not needed and costs a thread and start time.
        p.put("felix.service.urlhandlers", "false");
        return p;
    }

    static Map<String, Object> gateway(Path home, Path data, GatewayConfig config, String version, String consolePassword,
            boolean demo) {
        Map<String, Object> p = resolution(data.resolve("cache"), config.cleanCache());
        p.put("felix.log.logger", new FelixLogger());
        p.put("felix.log.level", FelixLogger.level(config.logLevel()));

        p.put("hearth.home", home.toString());
        p.put("hearth.data", data.toString());
        p.put("hearth.deploy.signatures", config.deploySignaturesRequired() ? "required" : "optional");
        p.put("hearth.gateway.id", config.gatewayId());
        p.put("hearth.version", version);
        p.put("hearth.demo", String.valueOf(demo));

        // Felix HTTP (Jetty 12): loopback by default, few threads (a Pi has 4 cores and 1 GB).
        p.put("org.osgi.service.http.host", config.httpHost());
        p.put("org.apache.felix.http.host", config.httpHost());
        p.put("org.osgi.service.http.port", String.valueOf(config.httpPort()));
        p.put("org.apache.felix.http.jetty.threadpool.max", "8");
        // EventAdmin starts 20 delivery threads by default (10 seen alive): a gateway posts few events.
        p.put("org.apache.felix.eventadmin.ThreadPoolSize", "2");
        p.put("org.apache.felix.http.jetty.acceptors", "1");
        p.put("org.apache.felix.http.jetty.selectors", "1");
        p.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        p.put("org.apache.felix.http.mbeans", "false");

        // FileInstall: config/ (*.cfg, *.config) and deploy/ (*.jar), polled once a second.
        // deploy/ is where users drop bundles; the console's deploy guard checks each (signature,
        // is it a bundle) and moves what passes to data/deploy-verified/, which FileInstall installs from.
        p.put("felix.fileinstall.dir", home.resolve("config") + "," + home.resolve("deploy") + "," + data.resolve("deploy-verified"));
        p.put("felix.fileinstall.filter", ".*\\.(cfg|config|jar)");
        p.put("felix.fileinstall.poll", "1000");
        p.put("felix.fileinstall.noInitialDelay", "true");
        // config/trusted-keys/ is read by the deploy/ guard, not installed as an exploded bundle
        p.put("felix.fileinstall.subdir.mode", "skip");
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.fileinstall.bundles.new.start", "true");
        p.put("felix.fileinstall.start.level", String.valueOf(DEFAULT_BUNDLE_START_LEVEL));
        p.put("felix.fileinstall.log.level", fileInstallLevel(config.logLevel()));
        p.put("felix.fileinstall.tmpdir", data.resolve("tmp").toString());

        // Gogo: headless; the console bundle serves commands over data/console.sock.
        p.put("gosh.args", "--nointeractive");

        // Web console: never the built-in admin/admin.
        p.put("felix.webconsole.username", "admin");
        p.put("felix.webconsole.password", consolePassword);
        p.put("felix.webconsole.realm", "Hearth " + config.gatewayId());
        return p;
    }

    /** System properties read by libraries inside bundles (slf4j-simple, sqlite-jdbc). */
    static void systemProperties(GatewayConfig config, Path data) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", config.logLevel());
        // stdout, as a service's log should be (slf4j-simple's default is stderr); journald reads both.
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", String.valueOf(Log.showDate()));
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", Log.SLF4J_DATE_PATTERN);
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // Jetty logs every started connector and context at INFO; keep it to warnings.
        if (!config.logLevel().equals("debug") && !config.logLevel().equals("trace")) {
            System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        }
        // log.level.<logger> in gateway.properties: after the defaults above, so a user's setting wins.
        config.loggerLevels().forEach((logger, level) -> System.setProperty("org.slf4j.simpleLogger.log." + logger, level));
        // sqlite-jdbc extracts its native library here (not /tmp: may be noexec or tmpfs-limited).
        System.setProperty("org.sqlite.tmpdir", data.resolve("tmp").toString());

        // java.util.logging (SPI Fly, some JDK parts): same line shape as slf4j-simple.
        System.setProperty("java.util.logging.SimpleFormatter.format",
                (Log.showDate() ? "%1$tF %1$tT.%1$tL " : "") + "%4$s %3$s - %5$s%6$s%n");
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(julLevel(config.logLevel()));
        // The JDK's console handler writes to stderr; one on stdout, flushed per record, instead.
        for (java.util.logging.Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        java.util.logging.Handler stdout = new java.util.logging.StreamHandler(System.out, new java.util.logging.SimpleFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }

            // java.util.logging's shutdown hook closes every handler, and closing a StreamHandler
            // closes its stream: System.out, and with it every line logged after SIGTERM. As the
            // JDK's ConsoleHandler does for System.err: flush only.
            @Override
            public synchronized void close() {
                flush();
            }
        };
        stdout.setLevel(java.util.logging.Level.ALL);
        root.addHandler(stdout);
        // SPI Fly reports every provider it registers at INFO; only its problems matter.
        JUL_KEEP.add(java.util.logging.Logger.getLogger("org.apache.aries.spifly"));
        if (!config.logLevel().equals("debug") && !config.logLevel().equals("trace")) {
            JUL_KEEP.get(0).setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Loggers configured here must stay strongly reachable, or the JDK forgets their level. */
    private static final java.util.List<java.util.logging.Logger> JUL_KEEP = new java.util.ArrayList<>();

    private static java.util.logging.Level julLevel(String level) {
        return switch (level) {
            case "trace" -> java.util.logging.Level.FINEST;
            case "debug" -> java.util.logging.Level.FINE;
            case "info" -> java.util.logging.Level.INFO;
            case "warn" -> java.util.logging.Level.WARNING;
            case "error" -> java.util.logging.Level.SEVERE;
            default -> java.util.logging.Level.OFF;
        };
    }

    private static String fileInstallLevel(String level) {
        return switch (level) {
            case "trace", "debug" -> "4";
            case "info" -> "3";
            case "warn" -> "2";
            case "error" -> "1";
            default -> "0";
        };
    }
}
