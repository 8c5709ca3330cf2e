package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A driver bundle dropped into deploy/ is installed and started; a newer version dropped over it
 * takes over in place; deleting it uninstalls it. Meanwhile the host driver publishes without a
 * gap, and the updated driver loses and repeats nothing. A sink goes the same way, and its backlog
 * waits for it while it is gone.
 */
class HotDeployIT {

    @TempDir
    Path dir;

    @Test
    void aNewerDriverTakesOverWhileTheOtherDriverKeepsPublishing() throws Exception {
        try (Gateway g = new Gateway(dir, "core,system-monitor,prometheus,file")) {
            g.config("dev.hearth.driver.system.cfg", "interval_seconds = 1\n");
            g.start();
            g.metricsWhen(p -> hostReadings(p) > 0, Gateway.START);
            Path v1 = systemJar(g, "hearth-driver-loadgen-");
            Path key = trustedKey(g);
            Path unsigned = dir.resolve("loadgen-unsigned.jar");
            Files.copy(v1, unsigned);
            Path v2 = dir.resolve("loadgen-v2.jar");
            withVersion(v1, v2, "0.1.0.v2");
            Path signedV1 = dir.resolve("loadgen-v1.jar");
            Files.copy(v1, signedV1);
            sign(g, key, signedV1, v2);
            assertTrue(g.tool(Map.of(), "verify", signedV1.toString()).contains("trusted, signed by"));

            // An unsigned bundle is refused, with the reason, and never runs.
            Path ack = g.home.resolve("data/hot.ack");
            g.config("dev.hearth.driver.loadgen-hot.cfg", "device = hot\nrate_per_second = 100\nbatch_size = 10\nack_file = " + ack + "\n");
            drop(unsigned, g.home.resolve("deploy/loadgen.jar"));
            g.await(() -> g.logText().contains("loadgen.jar is not installed: ") && g.logText().contains("the jar is not signed"),
                    Duration.ofSeconds(30), () -> "the unsigned jar is refused in the log");
            Thread.sleep(2_000);
            assertEquals(0, CrashIT.ackOf(ack), "the unsigned driver never ran");

            drop(signedV1, g.home.resolve("deploy/loadgen.jar"));
            g.await(() -> CrashIT.ackOf(ack) >= 200, Duration.ofSeconds(60), () -> "v1 acknowledged " + CrashIT.ackOf(ack));

            drop(v2, g.home.resolve("deploy/loadgen.jar"));
            g.await(() -> versionsSeen(g.home).contains("0.1.0.v2"), Duration.ofSeconds(60), () -> "v2 readings; seen " + versionsSeen(g.home));
            long afterUpdate = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.ackOf(ack) >= afterUpdate + 200, Duration.ofSeconds(60), () -> "v2 keeps going");

            Files.delete(g.home.resolve("deploy/loadgen.jar"));
            g.await(() -> stoppedPublishing(ack), Duration.ofSeconds(30), () -> "the deleted driver stopped");
            long acked = CrashIT.ackOf(ack);
            Thread.sleep(3_000); // host readings keep arriving after the removal too
            assertEquals(0, g.stop());

            Map<Long, Integer> seen = countDevice(g.home, "hot", acked);
            for (long seq = 1; seq <= acked; seq++) assertEquals(1, seen.getOrDefault(seq, 0), "hot reading " + seq + " of " + acked);
            assertTrue(versionsSeen(g.home).containsAll(List.of("0.1.0.SNAPSHOT", "0.1.0.v2")), "both versions ran: " + versionsSeen(g.home));

            List<Instant> host = hostSampleTimes(g.home);
            assertTrue(host.size() > 10, "host samples: " + host.size());
            Duration worst = longestGap(host);
            assertTrue(worst.compareTo(Duration.ofMillis(2500)) <= 0, "host readings every 1 s; the longest gap was " + worst);
        }
    }

    @Test
    void aNewerSinkDroppedOverItselfTakesOverAndItsBacklogIsDeliveredWhenItReturns() throws Exception {
        String sink = "dev.hearth.sink.file";
        try (Gateway g = new Gateway(dir, "core,loadgen")) { // the file sink comes only through deploy/
            Path ack = g.home.resolve("data/loadgen.ack");
            g.config("dev.hearth.driver.loadgen-crash.cfg", "device = crash\nrate_per_second = 200\nbatch_size = 10\nack_file = " + ack + "\n");
            g.start();
            Path system = systemJar(g, "hearth-sink-file-");
            Path json = dir.resolve("reading-json.jar"); // what the file sink needs beside the core
            Files.copy(systemJar(g, "hearth-reading-json-"), json);
            Path key = trustedKey(g);
            Path v1 = dir.resolve("sink-file-v1.jar");
            Files.copy(system, v1);
            Path v2 = dir.resolve("sink-file-v2.jar");
            withVersion(system, v2, "0.1.0.v2");
            sign(g, key, v1, v2, json);
            Path deployed = g.home.resolve("deploy/sink-file.jar");
            drop(json, g.home.resolve("deploy/reading-json.jar"));

            // A new sink starts at the journal's end (its first registration), not with the readings before it.
            g.await(() -> CrashIT.ackOf(ack) >= 200, Gateway.START, () -> "acknowledged " + CrashIT.ackOf(ack));
            drop(v1, deployed);
            g.await(() -> CrashIT.count(g.home, Long.MAX_VALUE).size() >= 200, Duration.ofSeconds(60),
                    () -> "v1 delivered " + CrashIT.count(g.home, Long.MAX_VALUE).size());
            long first = CrashIT.count(g.home, Long.MAX_VALUE).keySet().stream().mapToLong(Long::longValue).min().orElseThrow();
            long id = g.bundleId(sink);

            drop(v2, deployed);
            g.await(() -> lb(g).contains(sink + " (0.1.0.v2)"), Duration.ofSeconds(60), () -> "v2 installed:\n" + lb(g));
            assertEquals(id, g.bundleId(sink), "updated in place, not installed beside v1:\n" + lb(g));
            long afterUpdate = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.count(g.home, afterUpdate).size() == afterUpdate - first + 1, Duration.ofSeconds(60),
                    () -> "v2 delivered " + CrashIT.count(g.home, afterUpdate).size() + " of " + (afterUpdate - first + 1));

            // Gone: readings keep being accepted into its backlog.
            Files.delete(deployed);
            g.await(() -> !lb(g).contains(sink + " "), Duration.ofSeconds(30), () -> "uninstalled:\n" + lb(g));
            long whileGone = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.ackOf(ack) >= whileGone + 400, Duration.ofSeconds(30), () -> "accepted while the sink is gone");
            java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^file\\s+down\\s+(\\d+)").matcher(g.shell("hearth:sinks"));
            assertTrue(row.find() && Long.parseLong(row.group(1)) >= 400, "its backlog waits:\n" + g.shell("hearth:sinks"));

            // Back: the backlog is delivered; every reading acknowledged since its first start, exactly once.
            drop(v2, deployed);
            long acked = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.count(g.home, acked).size() == acked - first + 1, Duration.ofSeconds(60),
                    () -> "delivered " + CrashIT.count(g.home, acked).size() + " of " + (acked - first + 1));
            Map<Long, Integer> seen = CrashIT.count(g.home, acked);
            for (long seq = first; seq <= acked; seq++) assertEquals(1, seen.getOrDefault(seq, 0), "reading " + seq + " of " + first + ".." + acked);
            assertEquals(0, g.stop());
        }
    }

    private static final Map<String, String> KEY_PASSWORD = Map.of("HEARTH_KEY_PASSWORD", "hot-deploy-test");

    /** A release key of our own, whose certificate the gateway trusts (deploy.signatures = required): its keystore. */
    private Path trustedKey(Gateway g) throws IOException, InterruptedException {
        g.tool(KEY_PASSWORD, "keygen", dir.resolve("keys").toString(), "release");
        Files.copy(dir.resolve("keys/release.pem"), g.home.resolve("config/trusted-keys/release.pem"));
        return dir.resolve("keys/release.p12");
    }

    private static void sign(Gateway g, Path keystore, Path... jars) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("sign", keystore.toString()));
        for (Path jar : jars) args.add(jar.toString());
        g.tool(KEY_PASSWORD, args.toArray(String[]::new));
    }

    private static Path systemJar(Gateway g, String prefix) throws IOException {
        try (Stream<Path> all = Files.walk(g.home.resolve("system"))) {
            return all.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
        }
    }

    private static String lb(Gateway g) {
        try {
            return g.shell("lb -s");
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    @Test
    void filesAlreadyThereAtStartAreCheckedBeforeAnythingReadsThem() throws Exception {
        try (Gateway g = new Gateway(dir, "core,system-monitor,prometheus,file")) {
            // FileInstall scans deploy/ and config/ as soon as it starts: the guards must already be up.
            Files.copy(systemJar(g, "hearth-driver-loadgen-"), g.home.resolve("deploy/loadgen.jar"));
            g.config(GatewayIT.SYSTEM_CFG, "interval_seconds = 1\nroot = /\ndevice = host\n\u0000\u0001binary\n");
            g.start();
            g.await(() -> g.logText().contains("loadgen.jar is not installed: "), Duration.ofSeconds(30), () -> "the unsigned jar is refused");
            g.await(() -> g.logText().contains(GatewayIT.SYSTEM_CFG + ": line 4: binary data"), Duration.ofSeconds(30),
                    () -> "the binary configuration is refused");
            String page = g.metricsWhen(p -> p.contains("hearth_up"), Gateway.START);
            Thread.sleep(3_000);
            assertTrue(!lb(g).contains("dev.hearth.driver.loadgen"), "the unsigned driver was never installed:\n" + lb(g));
            assertTrue(!g.metricsWhen(p -> p.contains("hearth_up"), Gateway.START).contains("device=\"host\""),
                    "nothing of the refused file was applied:\n" + page);
            assertEquals(0, g.stop());
        }
    }

    private static void drop(Path jar, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The same bundle under a newer Bundle-Version, as a rebuilt release would be. */
    static void withVersion(Path from, Path to, String version) throws IOException {
        try (InputStream in = Files.newInputStream(from); JarInputStream jin = new JarInputStream(in)) {
            Manifest m = new Manifest(jin.getManifest());
            m.getMainAttributes().putValue("Bundle-Version", version);
            try (OutputStream out = Files.newOutputStream(to); JarOutputStream jout = new JarOutputStream(out, m)) {
                for (JarEntry e; (e = jin.getNextJarEntry()) != null;) {
                    jout.putNextEntry(new JarEntry(e.getName()));
                    jin.transferTo(jout);
                    jout.closeEntry();
                }
            }
        }
    }

    private static boolean stoppedPublishing(Path ack) {
        long a = CrashIT.ackOf(ack);
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CrashIT.ackOf(ack) == a;
    }

    private static List<JsonObject> lines(Path home) {
        List<JsonObject> out = new ArrayList<>();
        Path readings = home.resolve("data/readings");
        if (!Files.isDirectory(readings)) return out;
        try (Stream<Path> files = Files.list(readings)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    try {
                        out.add(JsonParser.parseString(line).getAsJsonObject());
                    } catch (RuntimeException torn) {
                        // a line being written right now
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    static Set<String> versionsSeen(Path home) {
        return versionsSeen(home, "hot");
    }

    /** The bundle versions the load generator's readings of {@code device} carry. */
    static Set<String> versionsSeen(Path home, String device) {
        Set<String> versions = new TreeSet<>();
        for (JsonObject o : lines(home)) {
            if (o.get("device").getAsString().equals(device)) versions.add(o.getAsJsonObject("tags").get("bundle_version").getAsString());
        }
        return versions;
    }

    static Map<Long, Integer> countDevice(Path home, String device, long upTo) {
        Map<Long, Integer> seen = new java.util.HashMap<>();
        for (JsonObject o : lines(home)) {
            if (!o.get("device").getAsString().equals(device)) continue;
            long seq = o.getAsJsonObject("fields").get("seq").getAsLong();
            if (seq <= upTo) seen.merge(seq, 1, Integer::sum);
        }
        return seen;
    }

    /** The distinct times of the host driver's samples (every reading of one sample shares its time). */
    static List<Instant> hostSampleTimes(Path home) {
        return hostSampleTimes(home, "hot");
    }

    /** The distinct times of every device's samples but {@code except}'s. */
    static List<Instant> hostSampleTimes(Path home, String except) {
        Set<Instant> times = new HashSet<>();
        for (JsonObject o : lines(home)) {
            if (!o.get("device").getAsString().equals(except)) times.add(Instant.parse(o.get("time").getAsString()));
        }
        return new ArrayList<>(new TreeSet<>(times));
    }

    /** The longest time between consecutive instants. */
    static Duration longestGap(List<Instant> times) {
        Duration worst = Duration.ZERO;
        for (int i = 1; i < times.size(); i++) {
            Duration gap = Duration.between(times.get(i - 1), times.get(i));
            if (gap.compareTo(worst) > 0) worst = gap;
        }
        return worst;
    }

    static long hostReadings(String page) {
        long max = 0;
        Matcher m = Pattern.compile("(?m)^hearth_device_readings_total\\{device=\"([^\"]+)\"\\} (\\d+)").matcher(page);
        while (m.find()) {
            if (!m.group(1).equals("hot")) max = Math.max(max, Long.parseLong(m.group(2)));
        }
        return max;
    }
}
