package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The gateway as a user meets it: start, /metrics, the web console's login, bad files, SIGTERM. */
class GatewayIT {

    @TempDir
    Path dir;

    @Test
    void servesValidMetricsFromTheHostAndGuardsTheConsole() throws Exception {
        try (Gateway g = new Gateway(dir, "core,system-monitor,prometheus,file").start()) {
            String page = g.metricsWhen(p -> p.contains("\ncpu_usage{") || p.startsWith("cpu_usage{"), Gateway.START);
            for (String family : List.of("memory_usage{", "cpu_cores{", "boot_time{", "system_time{", "disk_usage{", "hearth_up")) {
                assertTrue(page.contains(family), family + " in\n" + page);
            }
            Path file = dir.resolve("metrics.txt");
            Files.writeString(file, page);
            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            String verdict = new String(promtool.getInputStream().readAllBytes());
            assertTrue(promtool.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, promtool.exitValue(), "promtool check metrics:\n" + verdict);

            // The web console: no default password, the generated one works.
            assertEquals(401, g.get("/system/console/bundles", null, null).statusCode());
            assertEquals(401, g.get("/system/console/bundles", "admin", "admin").statusCode());
            int ok = g.get("/system/console/bundles", "admin", g.password()).statusCode();
            assertTrue(ok == 200 || ok == 302, "logged in: " + ok);

            // Only loopback is served.
            InetAddress other = nonLoopbackAddress();
            if (other != null) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other, g.port), 1000);
                    throw new AssertionError("the HTTP port answers on " + other);
                } catch (java.io.IOException expected) {
                    // refused: good
                }
            }
            assertEquals(0, g.stop(), "SIGTERM ends the gateway cleanly");
        }
    }

    @Test
    void theDemoNeedsNoServerAndItsSimulatedPlugTakesCommands() throws Exception {
        try (Gateway g = new Gateway(dir, "demo").start()) {
            // The real Kasa driver reads the simulated plug over TCP, and the host monitor runs.
            String page = g.metricsWhen(p -> p.contains("power_relay{device=\"fridge\"") && p.contains("cpu_usage{"), Gateway.START);
            assertTrue(page.contains("power_power{device=\"fridge\""), page);
            // The real DHT22 driver reads the simulated IIO files.
            g.metricsWhen(p -> p.contains("dht22_temperature{device=\"demo-climate\"") && p.contains("dht22_humidity{device=\"demo-climate\""),
                    Gateway.START);
            // The real SDS011 driver and duty cycle, on the simulated sensor behind the serial transport.
            g.metricsWhen(p -> p.contains("air_quality_pm2_5{device=\"demo-air\"") && p.contains("air_quality_pm10{device=\"demo-air\""),
                    Duration.ofSeconds(60));
            // The real iBBQ driver (login, notifications, decoding) on the simulated thermometer behind the BLE transport.
            g.metricsWhen(p -> p.contains("bbq_bbq_temp{bbq_probe=\"1\",device=\"smoker\"") && p.contains("bbq_battery_bbq_battery{device=\"smoker\"}"),
                    Duration.ofSeconds(60));
            assertTrue(g.shell("hearth:commands").contains("smoker"), "the thermometer takes commands");
            assertTrue(g.shell("hearth:commands").contains("fridge"), "the plug offers commands");

            assertTrue(g.shell("hearth:command fridge off").contains("fridge: relay is off"));
            g.metricsWhen(p -> p.contains("power_relay{device=\"fridge\"") && relay(p) == 0, Gateway.START);
            assertTrue(g.shell("hearth:command fridge on").contains("fridge: relay is on"));
            g.metricsWhen(p -> relay(p) == 1, Gateway.START);

            String refused = g.shell("hearth:command fridge on outlet=nine colour=red");
            assertTrue(refused.contains("no argument 'colour'"), refused);
            assertTrue(g.shell("hearth:command freezer off").contains("no device 'freezer'"));
            assertEquals(0, g.stop(), "SIGTERM ends the demo cleanly");
        }
    }

    @Test
    void hearthVersionPrintsTheDistributionsVersionAndHearthDemoKeepsToDataDemo() throws Exception {
        String version = System.getProperty("hearth.version");
        assertNotNull(version, "failsafe passes the project's version as hearth.version");
        try (Gateway g = new Gateway(dir, "core")) {
            String printed = g.tool(Map.of(), "version").strip();
            assertTrue(printed.matches("hearth " + Pattern.quote(version) + " \\(Apache Felix \\d+\\.\\d+\\.\\d+, Java \\d+[^)]*\\)"),
                    "bin/hearth version printed: " + printed);
            assertTrue(Files.exists(g.home.resolve("lib/hearth-launcher-" + version + ".jar")), "the launcher shipped is " + version);

            g.start("demo");
            // A simulated device's reading, through the real driver.
            g.metricsWhen(p -> p.contains("power_power{device=\"fridge\""), Gateway.START);
            Path demo = g.home.resolve("data/demo");
            String log = g.logText();
            assertTrue(log.contains("Hearth " + version + " demo"), "the demo says it is the demo:\n" + log);
            assertTrue(log.contains("http://127.0.0.1:" + g.port + "/system/console"), "the console URL is printed:\n" + log);
            assertTrue(log.contains("http://127.0.0.1:" + g.port + "/metrics"), "the metrics URL is printed:\n" + log);
            Path passwordFile = demo.resolve("console-password");
            String password = Files.readString(passwordFile).trim();
            assertTrue(log.contains(password) && log.contains("kept in " + passwordFile), "where the password is kept is printed:\n" + log);
            int ok = g.get("/system/console/bundles", "admin", password).statusCode();
            assertTrue(ok == 200 || ok == 302, "logged in with the demo's password: " + ok);
            // Its state is in data/demo, never in the real data/.
            assertTrue(Files.exists(demo.resolve("journal.db")), "the demo's journal is in data/demo");
            g.await(() -> Files.exists(demo.resolve("readings/readings.jsonl")), Duration.ofSeconds(30), () -> "the demo's readings file");
            for (String real : List.of("console-password", "journal.db", "readings", "console.sock")) {
                assertFalse(Files.exists(g.home.resolve("data").resolve(real)), "data/" + real + " is not touched by the demo");
            }
            assertEquals(0, g.stopWithin(ShutdownIT.SYSTEMD_STOP_DEADLINE), "SIGTERM ends the demo with exit code 0");
        }
    }

    /** The demo fridge's relay in a /metrics page: 1, 0, or -1 when absent. */
    private static int relay(String page) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^power_relay\\{device=\"fridge\"[^}]*\\} (\\S+)").matcher(page);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    static final String SYSTEM_CFG = "dev.hearth.driver.system.cfg";
    /** The host driver's good file: every second, as device "host", so that it stopping shows within seconds. */
    static final String GOOD_SYSTEM = "interval_seconds = 1\nroot = /\ndevice = host\n";

    @Test
    void badFilesInConfigAndDeployAreReportedAndTheGatewayKeepsRunning() throws Exception {
        try (Gateway g = witnessed(); Witness w = new Witness(g)) {
            int mark = g.logText().length();
            Files.write(g.home.resolve("deploy/broken.jar"), new byte[] { 'P', 'K', 3, 4, 0, 0, 1, 2, 3 });
            Files.write(g.home.resolve("deploy/empty.jar"), new byte[0]);
            // A bad value beside a good one: neither may apply (device would show as "half-applied").
            g.config(SYSTEM_CFG, "interval_seconds = \"not a number\"\nroot = /\ndevice = half-applied\n");
            awaitLogLine(g, mark, l -> l.contains(SYSTEM_CFG + ": interval_seconds: '\"not a number\"' is refused"),
                    "the file, the key and the value are named in the log");
            w.assertHostUnconfigured("a bad interval_seconds");
            awaitLogLine(g, mark, l -> l.contains("broken.jar is not installed"), "the broken jar is named in the log");
            awaitLogLine(g, mark, l -> l.contains("empty.jar is not installed"), "the empty jar is named in the log");
            w.assertHostRecovers();
        }
    }

    /**
     * Files that are not a configuration at all, each in place of the host driver's good one: the
     * same contract as a bad value (the file and the key or line named, that driver unconfigured,
     * nothing of the file applied, everything else unchanged, and fixing the file brings it back).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedSystemFiles")
    void aMalformedConfigFileLeavesItsComponentUnconfiguredAndNothingElseChanges(String what, byte[] content,
            Predicate<String> namesIt) throws Exception {
        try (Gateway g = witnessed(); Witness w = new Witness(g)) {
            int mark = g.logText().length();
            Path tmp = g.home.resolve("config/." + SYSTEM_CFG + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, g.home.resolve("config/" + SYSTEM_CFG), StandardCopyOption.ATOMIC_MOVE);
            w.assertHostUnconfigured(what);
            awaitLogLine(g, mark, l -> l.contains(SYSTEM_CFG) && namesIt.test(l), "the file and what is wrong in it are named in the log");
            // The file's bytes do not reach the log raw: no terminal control sequences, no forged lines.
            String log = g.logText().substring(mark);
            assertFalse(Pattern.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f]").matcher(log).find(), "control characters in the log:\n" + log);
            assertFalse(log.lines().anyMatch(l -> l.startsWith("ERROR hearth.launcher - forged")), "a line forged by the file:\n" + log);
            w.assertHostRecovers();
        }
    }

    static Stream<Arguments> malformedSystemFiles() {
        // A Windows path: properties files read backslash-u as the start of a unicode escape, so line 3 cannot be read.
        byte[] unreadable = "interval_seconds = 2\ndevice = half-applied\nroot = C:\\users\\hearth".getBytes(StandardCharsets.ISO_8859_1);
        // An image saved under the wrong name, with one line that looks like a setting.
        java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        binary.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, '\r', 'I', 'H', 'D', 'R', 0, 0, 0, 1,
            (byte) 0xff, (byte) 0xfe, 0x1b, '[', '2', 'J', '\n' });
        binary.writeBytes("device = half-applied\nfake\\nERROR\\ hearth.launcher\\ -\\ forged = 1\n".getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < 4096; i++) binary.write(i * 31 % 256 == '\n' ? 0 : i * 31 % 256);
        // Hostile: a 32 MiB value (a log or a dump copied in under a .cfg name).
        byte[] huge = new byte[32 << 20];
        java.util.Arrays.fill(huge, (byte) 'A');
        byte[] head = "interval_seconds = 2\ndevice = ".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, huge, 0, head.length);
        return Stream.of(
                Arguments.of("an unreadable escape on line 3", unreadable,
                        (Predicate<String>) l -> l.contains("root") || l.contains("line 3")),
                Arguments.of("binary bytes", binary.toByteArray(),
                        (Predicate<String>) l -> Pattern.compile("(?i)refus|fail|error|invalid|not a setting|binary").matcher(l).find()),
                Arguments.of("a 32 MiB value", huge,
                        (Predicate<String>) l -> Pattern.compile("(?i)refus|fail|error|too (big|large|long)|larger|longer").matcher(l).find()));
    }

    /** A gateway whose host driver samples every second as device "host", beside a load generator at 20/s as the witness. */
    private Gateway witnessed() throws Exception {
        Gateway g = new Gateway(dir, "core,system-monitor,prometheus,file,loadgen");
        g.config(SYSTEM_CFG, GOOD_SYSTEM);
        g.config("dev.hearth.driver.loadgen-steady.cfg", "device = steady\nrate_per_second = 20\nbatch_size = 1\n");
        g.start();
        g.metricsWhen(p -> readings(p, "host") > 0 && readings(p, "steady") > 0, Gateway.START);
        return g;
    }

    /**
     * Watches that nothing but the host driver changes: on every page it scrapes, the load
     * generator's count never falls (a reset would mean it was restarted), it stays online, the
     * file sink's delivered count never falls, and no reading of device "half-applied" exists.
     * On close: both kept rising, were started once, and "half-applied" is in no file either.
     */
    private static final class Witness implements AutoCloseable {
        private final Gateway g;
        private final List<String> violations = new ArrayList<>();
        private final long steadyAtStart;
        private final long fileAtStart;
        private long steady;
        private long file;

        Witness(Gateway g) throws Exception {
            this.g = g;
            String page = g.metricsWhen(p -> readings(p, "steady") > 0, Gateway.START);
            steadyAtStart = steady = readings(page, "steady");
            fileAtStart = file = delivered(page, "file");
        }

        /** Checks the invariants on {@code page}; true when {@code until} holds for it too. */
        private boolean check(String page, Predicate<String> until) {
            long s = readings(page, "steady");
            long f = delivered(page, "file");
            if (s < steady) violations.add("the load generator's count fell from " + steady + " to " + s);
            if (f < file) violations.add("the file sink's delivered count fell from " + file + " to " + f);
            if (!page.contains("hearth_device_up{device=\"steady\",state=\"online\"} 1")) violations.add("the load generator is not online");
            if (page.contains("half-applied")) violations.add("a value from the refused file was applied:\n" + page);
            steady = Math.max(steady, s);
            file = Math.max(file, f);
            return until.test(page);
        }

        /** Scrapes until {@code until} holds for a page, checking the invariants on every page; stops at the first violation. */
        private String page(Predicate<String> until, Duration timeout, Supplier<String> what) throws Exception {
            String[] last = { "" };
            g.await(() -> {
                try {
                    HttpResponse<String> r = g.get("/metrics", null, null);
                    if (r.statusCode() != 200) return false;
                    last[0] = r.body();
                    return check(last[0], until) || !violations.isEmpty();
                } catch (IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }, timeout, () -> what.get() + "; last page:\n" + last[0]);
            assertEquals(List.of(), violations, "everything but the host driver stays as it was");
            return last[0];
        }

        /** The host driver stops: its device leaves /metrics and stays away while the load generator publishes 3 s worth. */
        void assertHostUnconfigured(String what) throws Exception {
            String[] last = { "" };
            page(p -> readings(last[0] = p, "host") < 0, Duration.ofSeconds(20),
                    () -> "after " + what + ", the host driver still publishes (host readings " + readings(last[0], "host") + ")");
            long from = steady;
            page(p -> {
                if (readings(p, "host") >= 0) violations.add("after " + what + ", the host driver published again: " + readings(p, "host"));
                return readings(p, "steady") >= from + 60;
            }, Duration.ofSeconds(30), () -> "the load generator publishes");
        }

        /** The good file back: the driver runs with exactly its values (every 1 s, device "host") and publishes. */
        void assertHostRecovers() throws Exception {
            int mark = g.logText().length();
            g.config(SYSTEM_CFG, GOOD_SYSTEM);
            awaitLogLine(g, mark, l -> l.contains("host metrics for device 'host' from / every 1 s"), "the host driver runs with the fixed file");
            long first = readings(page(p -> readings(p, "host") > 0, Duration.ofSeconds(30), () -> "the host driver publishes again"), "host");
            page(p -> readings(p, "host") > first, Duration.ofSeconds(30), () -> "the host driver keeps publishing");
        }

        @Override
        public void close() throws Exception {
            if (!g.alive() || !violations.isEmpty()) return; // the test failed already; its own message says why
            page(p -> readings(p, "steady") > steadyAtStart + 20 && delivered(p, "file") > fileAtStart + 20, Duration.ofSeconds(30),
                    () -> "the load generator and the file sink kept going");
            String log = g.logText();
            assertEquals(1, occurrences(log, "load generator steady starts at seq"), "the load generator was started once");
            assertEquals(1, occurrences(log, "sink file starts after journal sequence"), "the file sink was started once");
            try (Stream<Path> files = Files.list(g.home.resolve("data/readings"))) {
                for (Path f : files.toList()) {
                    assertTrue(!new String(Files.readAllBytes(f), StandardCharsets.UTF_8).contains("half-applied"),
                            "a reading of the refused file's device in " + f);
                }
            }
        }
    }

    /** Waits for a log line written after {@code mark} (a length of the log) for which {@code line} holds. */
    static void awaitLogLine(Gateway g, int mark, Predicate<String> line, String what) throws InterruptedException {
        g.await(() -> {
            String log = g.logText();
            return log.length() > mark && log.substring(mark).lines().anyMatch(line);
        }, Duration.ofSeconds(30), () -> what);
    }

    static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

    /** hearth_device_readings_total of {@code device} in a /metrics page, or -1 when absent. */
    static long readings(String page, String device) {
        Matcher m = Pattern.compile("(?m)^hearth_device_readings_total\\{device=\"" + Pattern.quote(device) + "\"\\} (\\d+)").matcher(page);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** hearth_sink_delivered_total of {@code sink}, or -1 when absent. */
    static long delivered(String page, String sink) {
        Matcher m = Pattern.compile("(?m)^hearth_sink_delivered_total\\{sink=\"" + Pattern.quote(sink) + "\"\\} (\\d+)").matcher(page);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) continue;
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address) return a;
            }
        }
        return null;
    }
}
