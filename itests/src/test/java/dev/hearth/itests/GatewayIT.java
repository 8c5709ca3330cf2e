package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    /** The demo fridge's relay in a /metrics page: 1, 0, or -1 when absent. */
    private static int relay(String page) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^power_relay\\{device=\"fridge\"[^}]*\\} (\\S+)").matcher(page);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void badFilesInConfigAndDeployAreReportedAndTheGatewayKeepsRunning() throws Exception {
        try (Gateway g = new Gateway(dir, "core,system-monitor,prometheus").start()) {
            g.metricsWhen(p -> HotDeployIT.hostReadings(p) > 0, Gateway.START);
            Files.write(g.home.resolve("deploy/broken.jar"), new byte[] { 'P', 'K', 3, 4, 0, 0, 1, 2, 3 });
            Files.write(g.home.resolve("deploy/empty.jar"), new byte[0]);
            g.config("dev.hearth.driver.system.cfg", "interval_seconds = \"not a number\"\nroot = /\n");
            g.await(() -> g.logText().contains("dev.hearth.driver.system.cfg: interval_seconds: '\"not a number\"' is refused"),
                    Duration.ofSeconds(30), () -> "the file, the key and the value are named in the log");
            // The host driver is refused; everything else keeps serving.
            String page = g.metricsWhen(p -> p.contains("hearth_up"), Duration.ofSeconds(30));
            long stalled = HotDeployIT.hostReadings(page);
            g.await(() -> g.logText().contains("broken.jar"), Duration.ofSeconds(30), () -> "the broken jar is named in the log");
            // Fixing the file brings the driver back without a restart.
            g.config("dev.hearth.driver.system.cfg", "interval_seconds = 1\nroot = /\n");
            g.metricsWhen(p -> HotDeployIT.hostReadings(p) > stalled + 2, Duration.ofSeconds(60));
            assertTrue(g.alive());
        }
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
