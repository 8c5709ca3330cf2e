package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Issue 7: the gateway is killed with SIGKILL while an ESP32-like publisher sends QoS 1 messages,
 * then restarted. Every message the publisher sent reaches the file sink exactly once: the driver
 * acknowledged only what was committed, the broker redelivered the rest to the persistent session,
 * and a redelivered message has the same reading id (its time comes from the payload), so the
 * file sink writes it once.
 */
class MqttInputCrashIT {

    static final int MESSAGES = 6000;

    @TempDir
    Path dir;

    @Test
    void everyPublishedMessageArrivesOnceAcrossSigkill() throws Exception {
        Path mqttDir = Files.createDirectories(dir.resolve("mqtt"));
        // Mosquitto queues at most 1000 messages for an absent session by default; the gateway is away
        // for a few seconds at 500 messages/s, so this test lets it queue more (README: driver-mqtt).
        try (Servers.Mosquitto broker = new Servers.Mosquitto(mqttDir, "persistence false\nmax_queued_messages 0\n");
                Gateway g = new Gateway(dir, "core,file,mqtt-input")) {
            broker.start();
            g.config("dev.hearth.driver.mqtt-esp.cfg", "host = 127.0.0.1\nport = " + broker.port + "\nclient_id = hearth-crash-test\n"
                    + "mode = json\ntopics = embedded/+\njson_measurement = dht22\njson_time_field = ts\nqos = 1\nclean_start = false\n");
            g.start();
            // Subscribed before anything is published: a broker drops messages nobody has subscribed to.
            g.await(() -> subscribed(g), Gateway.START, () -> "the MQTT input is connected:\n" + devices(g));

            Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port), "-t",
                    "embedded/esp32-1", "-q", "1", "-l").redirectErrorStream(true).start();
            AtomicInteger sent = new AtomicInteger();
            Thread publisher = new Thread(() -> {
                try (OutputStream out = pub.getOutputStream()) {
                    for (int seq = 1; seq <= MESSAGES; seq++) {
                        String line = "{\"seq\":" + seq + ",\"temperature\":" + (20 + seq % 50 / 10.0) + ",\"humidity\":51.5,\"ts\":"
                                + (1_767_225_600_000L + seq) + "}\n";
                        out.write(line.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        sent.set(seq);
                        Thread.sleep(2); // ~500 messages/s
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            publisher.start();
            g.await(() -> count(g.home).size() >= 1000, Duration.ofSeconds(60), () -> "readings reach the file sink");
            g.kill();
            Thread.sleep(2_000);
            g.start();
            publisher.join(120_000);
            assertTrue(pub.waitFor(60, TimeUnit.SECONDS), "the publisher finished");
            assertEquals(0, pub.exitValue(), "mosquitto_pub delivered every message to the broker");
            g.await(() -> count(g.home).size() >= MESSAGES, Duration.ofSeconds(120),
                    () -> "file sink has " + count(g.home).size() + " of " + MESSAGES);
            assertEquals(0, g.stop());
            Map<Long, Integer> seen = count(g.home);
            for (long seq = 1; seq <= MESSAGES; seq++) assertEquals(1, seen.getOrDefault(seq, 0), "message " + seq);
        }
    }

    private static String devices(Gateway g) {
        try {
            return g.shell("hearth:devices");
        } catch (Exception | AssertionError e) {
            return e.toString();
        }
    }

    private static boolean subscribed(Gateway g) {
        return devices(g).lines().anyMatch(l -> l.startsWith("mqtt-esp") && l.contains(" online "));
    }

    /** How often each message's seq appears among the file sink's readings of device esp32-1. */
    static Map<Long, Integer> count(Path home) {
        Map<Long, Integer> seen = new HashMap<>();
        Path readings = home.resolve("data/readings");
        if (!Files.isDirectory(readings)) return seen;
        try (Stream<Path> files = Files.list(readings)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    try {
                        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                        if (!"esp32-1".equals(o.get("device").getAsString())) continue;
                        seen.merge(o.getAsJsonObject("fields").get("seq").getAsLong(), 1, Integer::sum);
                    } catch (RuntimeException torn) {
                        // a line being written
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return seen;
    }
}
