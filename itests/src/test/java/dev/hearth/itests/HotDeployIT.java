package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A driver bundle dropped into deploy/ runs without a restart, and the other drivers carry on meanwhile. */
class HotDeployIT {

    @TempDir
    Path dir;

    @Test
    void aDriverDroppedIntoDeployStartsAndLeavesAgain() throws Exception {
        try (Gateway g = new Gateway(dir, "core,system-monitor,prometheus").start()) {
            g.metricsWhen(p -> p.contains("cpu_usage{"), Gateway.START);
            Path jar;
            try (Stream<Path> all = Files.walk(g.home.resolve("system"))) {
                jar = all.filter(p -> p.getFileName().toString().startsWith("hearth-driver-loadgen-")).findFirst().orElseThrow();
            }
            long hostBefore = hostReadings(g.metricsWhen(p -> hostReadings(p) > 0, Duration.ofSeconds(30)));
            g.config("dev.hearth.driver.loadgen-hot.cfg", "device = hot\nrate_per_second = 50\nbatch_size = 10\n");
            Path tmp = g.home.resolve("deploy/.loadgen.tmp");
            Files.copy(jar, tmp);
            Files.move(tmp, g.home.resolve("deploy/loadgen.jar"), StandardCopyOption.ATOMIC_MOVE);
            g.metricsWhen(p -> p.contains("device=\"hot\""), Duration.ofSeconds(60));

            Files.delete(g.home.resolve("deploy/loadgen.jar"));
            g.await(() -> g.logText().contains("loadgen") && !bundleActive(g), Duration.ofSeconds(30), () -> "loadgen still running");
            String page = g.metricsWhen(p -> hostReadings(p) > hostBefore, Duration.ofSeconds(30));
            assertTrue(hostReadings(page) > hostBefore, "host metrics kept flowing");
        }
    }

    /** The loadgen stops publishing once its bundle is gone: its readings counter stops moving. */
    private static boolean bundleActive(Gateway g) {
        try {
            long a = counter(g.get("/metrics", null, null).body(), "hot");
            Thread.sleep(2500);
            long b = counter(g.get("/metrics", null, null).body(), "hot");
            return b > a;
        } catch (Exception e) {
            return true;
        }
    }

    static long hostReadings(String page) {
        long max = 0;
        Matcher m = Pattern.compile("(?m)^hearth_device_readings_total\\{device=\"([^\"]+)\"\\} (\\d+)").matcher(page);
        while (m.find()) {
            if (!m.group(1).equals("hot")) max = Math.max(max, Long.parseLong(m.group(2)));
        }
        return max;
    }

    static long counter(String page, String device) {
        Matcher m = Pattern.compile("(?m)^hearth_device_readings_total\\{device=\"" + device + "\"\\} (\\d+)").matcher(page);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
