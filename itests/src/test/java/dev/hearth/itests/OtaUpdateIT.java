package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as an operator updates it: a driver bundle, signed with the distribution's own
 * {@code hearth keygen}/{@code hearth sign}, sent over MQTT to management ({@code mosquitto_rr},
 * MQTT 5 request/response) while the load generator and the host monitor publish. An unsigned
 * build is refused and changes nothing; the signed one goes live, no acknowledged reading is lost
 * or doubled, and the host monitor keeps its one-second pace through the update.
 */
class OtaUpdateIT {

    @TempDir
    Path dir;

    @Test
    void aSignedDriverUpdateOverMqttGoesLiveWhileTheOtherDriverKeepsItsPace() throws Exception {
        Path mqttDir = Files.createDirectories(dir.resolve("mqtt"));
        try (Servers.Mosquitto broker = new Servers.Mosquitto(mqttDir);
                Gateway g = new Gateway(dir, "core,system-monitor,file,loadgen,mqtt,management")) {
            broker.start();
            g.config("dev.hearth.driver.system.cfg", "interval_seconds = 1\n");
            g.config("dev.hearth.management.cfg", "host = 127.0.0.1\nport = " + broker.port + "\nmax_request_kib = 1024\n");
            Path ack = g.home.resolve("data/ota.ack");
            g.config("dev.hearth.driver.loadgen-ota.cfg", "device = ota\nrate_per_second = 100\nbatch_size = 10\nack_file = " + ack + "\n");

            Map<String, String> password = Map.of("HEARTH_KEY_PASSWORD", "ota-test-password");
            g.tool(password, "keygen", dir.resolve("keys").toString(), "release");
            Files.copy(dir.resolve("keys/release.pem"), g.home.resolve("config/trusted-keys/release.pem"));
            Path v1;
            try (Stream<Path> all = Files.walk(g.home.resolve("system"))) {
                v1 = all.filter(p -> p.getFileName().toString().startsWith("hearth-driver-loadgen-")).findFirst().orElseThrow();
            }
            Path unsigned = dir.resolve("loadgen-unsigned.jar");
            HotDeployIT.withVersion(v1, unsigned, "0.1.0.unsigned");
            Path signed = dir.resolve("loadgen-ota.jar");
            HotDeployIT.withVersion(v1, signed, "0.1.0.ota");
            g.tool(password, "sign", dir.resolve("keys/release.p12").toString(), signed.toString());

            g.start();
            g.await(() -> CrashIT.ackOf(ack) >= 300, Gateway.START, () -> "the load generator runs: " + CrashIT.ackOf(ack));

            String refused = update(broker, unsigned, "u1");
            assertTrue(refused.contains("\"ok\":false") && refused.contains("not signed"), refused);
            long before = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.ackOf(ack) >= before + 100, Duration.ofSeconds(30), () -> "the running version keeps going");

            String done = update(broker, signed, "u2");
            assertTrue(done.contains("\"ok\":true") && done.contains("\"version\":\"0.1.0.ota\""), done);
            g.await(() -> HotDeployIT.versionsSeen(g.home, "ota").contains("0.1.0.ota"), Duration.ofSeconds(30),
                    () -> "readings of the new version; seen " + HotDeployIT.versionsSeen(g.home, "ota"));
            long after = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.ackOf(ack) >= after + 200, Duration.ofSeconds(30), () -> "the new version keeps going");
            long acked = CrashIT.ackOf(ack);
            assertEquals(0, g.stop());

            Map<Long, Integer> seen = HotDeployIT.countDevice(g.home, "ota", acked);
            for (long seq = 1; seq <= acked; seq++) assertEquals(1, seen.getOrDefault(seq, 0), "ota reading " + seq + " of " + acked);
            assertEquals(List.of("0.1.0.SNAPSHOT", "0.1.0.ota"), List.copyOf(HotDeployIT.versionsSeen(g.home, "ota")),
                    "the unsigned build never ran");
            List<Instant> host = HotDeployIT.hostSampleTimes(g.home, "ota");
            Duration worst = HotDeployIT.longestGap(host);
            assertTrue(host.size() > 5, "host samples: " + host.size());
            assertTrue(worst.compareTo(Duration.ofMillis(2500)) <= 0, "host readings every 1 s; the longest gap was " + worst);
        }
    }

    /** bundle/update of the load generator with {@code jar} inline; the answer's JSON. */
    private static String update(Servers.Mosquitto broker, Path jar, String id) throws Exception {
        byte[] bytes = Files.readAllBytes(jar);
        String request = "{\"id\":\"" + id + "\",\"bundle\":\"dev.hearth.driver.loadgen\",\"data\":\"" + Base64.getEncoder().encodeToString(bytes)
                + "\",\"sha256\":\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                + "\",\"grace_s\":10,\"devices\":[\"ota\"]}";
        Process p = new ProcessBuilder("mosquitto_rr", "-V", "5", "-h", "127.0.0.1", "-p", String.valueOf(broker.port), "-W", "120",
                "-t", "hearth/systest/req/bundle/update", "-e", "systest/replies/" + id, "-m", request).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("no answer to " + id);
        }
        if (p.exitValue() != 0) throw new IOException("mosquitto_rr failed (" + p.exitValue() + "): " + out);
        return out;
    }
}
