package dev.hearth.sink.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.testkit.Mosquitto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

/** The sink against a real Mosquitto on 127.0.0.1, read back by a second, independent client. */
class MqttBrokerTest {

    @TempDir
    Path dir;

    private static MqttSink sink(int port, Map<String, Object> extra) {
        Map<String, Object> values = new HashMap<>(Map.of("hearth_sink_id", "mqtt-test", "port", port, "reconnect__max__s", 2));
        values.putAll(extra);
        return new MqttSink(MqttSettings.from(Configs.mqtt(values), "gw1"));
    }

    private static Reading reading(String device, int i) {
        return Reading.of(device, "climate").at(Instant.parse("2026-03-04T05:06:07.123Z").plusSeconds(i))
                .tag("room", "kitchen").field("temperature", 21.0 + i).field("count", (long) i).field("ok", true)
                .field("note", "n\"" + i).build();
    }

    @Test
    void readingsArriveOnTheirTopicsWithTypedPayloadsAtQos1() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); Subscriber sub = new Subscriber(broker.port(), "hearth/#")) {
            MqttSink sink = sink(broker.port(), Map.of("topic", "hearth/{gateway}/{device}/{measurement}/{tag:room}/{tag:none}"));
            try {
                Reading plain = reading("kitchen-1", 1);
                Reading hostile = Reading.of("evil/+/#dev", "$SYS/x").tag("room", "a/b#c").field("v", -1.5e-7).build();
                Reading big = Reading.of("big", "blob").field("s", "x".repeat(Reading.MAX_STRING_LENGTH)).build();
                MqttSink small = sink(broker.port(), Map.of("hearth_sink_id", "mqtt-small", "client__id", "small", "max__payload__kib", 8));
                try {
                    assertEquals(Outcome.Status.REJECTED, small.deliver(List.of(big)).get(0).status());
                    assertTrue(small.deliver(List.of(big)).get(0).reason().contains("max_payload_kib"));
                } finally {
                    small.deactivate();
                }
                assertEquals(List.of(Outcome.DELIVERED, Outcome.DELIVERED), sink.deliver(List.of(plain, hostile)));

                List<Subscriber.Message> got = sub.await(m -> !m.topic().endsWith("/status"), 2, Duration.ofSeconds(10));
                assertEquals(2, got.size(), got.toString());
                assertEquals("hearth/gw1/kitchen-1/climate/kitchen/_", got.get(0).topic());
                // wildcards and separators in values cannot change the topic's shape
                assertEquals("hearth/gw1/evil____dev/$SYS_x/a_b_c/_", got.get(1).topic());

                JsonObject json = JsonParser.parseString(got.get(0).payload()).getAsJsonObject();
                assertEquals(plain.id(), json.get("id").getAsString());
                assertEquals("kitchen-1", json.get("device").getAsString());
                assertEquals("climate", json.get("measurement").getAsString());
                assertEquals("2026-03-04T05:06:08.123Z", json.get("time").getAsString());
                assertEquals("kitchen", json.getAsJsonObject("tags").get("room").getAsString());
                JsonObject fields = json.getAsJsonObject("fields");
                assertEquals("22.0", fields.get("temperature").toString()); // a double keeps its decimal point
                assertEquals("1", fields.get("count").toString()); // a long is an integer
                assertEquals("true", fields.get("ok").toString());
                assertEquals("n\"1", fields.get("note").getAsString());
                JsonObject h = JsonParser.parseString(got.get(1).payload()).getAsJsonObject();
                assertEquals("evil/+/#dev", h.get("device").getAsString()); // the payload keeps the true names
                assertEquals(-1.5e-7, h.getAsJsonObject("fields").get("v").getAsDouble());
                assertFalse(got.get(0).retained());
            } finally {
                sink.deactivate();
            }
        }
    }

    /**
     * Big batches at every QoS and both protocol versions: each reading is answered DELIVERED in
     * its own slot and arrives once, in order, on its own topic, with the payload built for it.
     */
    @Test
    void bigBatchesAreDeliveredInOrderAtEveryQosAndVersion() throws Exception {
        Mosquitto mosquitto = new Mosquitto(dir, null);
        // every packet in the broker's log: a PUBREC with rc151 (quota exceeded) is a message it dropped
        Files.writeString(dir.resolve("mosquitto.conf"), "log_type all\n", StandardOpenOption.APPEND);
        try (Mosquitto broker = mosquitto.start()) {
            for (int version : new int[] { 5, 3 }) {
                for (int qos = 0; qos <= 2; qos++) {
                    String id = "mqtt-v" + version + "q" + qos;
                    try (Subscriber sub = new Subscriber(broker.port(), "hearth/gw1/+/" + id)) {
                        MqttSink sink = sink(broker.port(), Map.of("hearth_sink_id", id, "client__id", id, "version", version, "qos", qos));
                        try {
                            List<Reading> batch = new ArrayList<>();
                            for (int i = 0; i < 900; i++) { // under Mosquitto's default queue of 1000 for a subscriber
                                batch.add(Reading.of("dev-" + (i % 4), id).tag("room", "r" + i).field("seq", (long) i)
                                        .at(Instant.ofEpochMilli(1_767_225_600_000L + i)).build());
                            }
                            long start = System.nanoTime();
                            List<Outcome> outcomes = sink.deliver(batch);
                            System.out.printf("%s: %d readings answered in %d ms%n", id, batch.size(), (System.nanoTime() - start) / 1_000_000);
                            assertEquals(Outcome.all(Outcome.DELIVERED, batch.size()), outcomes, id);
                            List<Subscriber.Message> got = sub.await(m -> true, batch.size(), Duration.ofSeconds(30));
                            assertEquals(batch.size(), got.size(), id + ": the broker refused " + refusedByBroker(id) + " (PUBREC rc151)");
                            for (int i = 0; i < batch.size(); i++) {
                                assertEquals("hearth/gw1/dev-" + (i % 4) + "/" + id, got.get(i).topic(), id + " #" + i);
                                assertEquals(batch.get(i).id(),
                                        JsonParser.parseString(got.get(i).payload()).getAsJsonObject().get("id").getAsString(), id + " #" + i);
                            }
                        } finally {
                            sink.deactivate();
                        }
                    }
                }
            }
        }
    }

    /**
     * A broker that stops answering (SIGSTOP) while a batch goes out over MQTT 3.1.1 at QoS 2 with a
     * window of 5: the sink hands 5 messages to the client, and after {@code ack_timeout_s} without
     * an acknowledgement answers the whole batch RETRY without having sent the rest. Once the broker
     * runs again, the retried batch arrives in full, and only the 5 handed over the first time can
     * arrive twice.
     */
    @Test
    void aBrokerThatStopsAnsweringHoldsTheRestOfTheBatchBackAsRetry() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); Subscriber sub = new Subscriber(broker.port(), "hearth/gw1/+/stall")) {
            MqttSink sink = sink(broker.port(), Map.of("version", 3, "qos", 2, "max__inflight", 5, "ack__timeout__s", 1));
            try {
                List<Reading> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) batch.add(Reading.of("d", "stall").field("seq", (long) i).at(Instant.ofEpochSecond(1_767_225_600L + i)).build());
                assertEquals(List.of(Outcome.DELIVERED), sink.deliver(batch.subList(0, 1))); // connected, and the window works

                long pid = mosquittoPid();
                signal("STOP", pid);
                List<Outcome> stalled;
                try {
                    stalled = sink.deliver(batch);
                } finally {
                    signal("CONT", pid);
                }
                for (Outcome o : stalled) {
                    assertEquals(Outcome.Status.RETRY, o.status());
                    assertTrue(o.reason().startsWith("no acknowledgement from broker 127.0.0.1:" + broker.port()), o.reason());
                }
                assertEquals(Outcome.all(Outcome.DELIVERED, batch.size()), sink.deliver(batch));

                // the retried batch's last message is the last on the connection
                assertEquals(1, sub.await(m -> m.payload().contains("\"seq\":49}"), 1, Duration.ofSeconds(10)).size(), sub.received().toString());
                List<Subscriber.Message> got = sub.received();
                Map<Long, Long> perSeq = got.stream().collect(Collectors.groupingBy(
                        m -> JsonParser.parseString(m.payload()).getAsJsonObject().getAsJsonObject("fields").get("seq").getAsLong(),
                        Collectors.counting()));
                for (long i = 0; i < batch.size(); i++) {
                    long n = perSeq.getOrDefault(i, 0L);
                    // #0 was also delivered before; #0-#4 went out during the stall, the rest only when retried
                    assertTrue(i < 5 ? n >= 1 && n <= 3 : n == 1, "seq " + i + " arrived " + n + " times: " + perSeq);
                }
            } finally {
                sink.deactivate();
            }
        }
    }

    /** The pid of the Mosquitto started from this test's directory. */
    private long mosquittoPid() {
        String conf = dir.resolve("mosquitto.conf").toString();
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().orElse("").contains(conf)).findFirst()
                .orElseThrow(() -> new AssertionError("no mosquitto process for " + conf)).pid();
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + name + " " + pid);
    }

    /** How many of {@code client}'s QoS 2 messages the broker's log shows refused with quota exceeded (0x97). */
    private long refusedByBroker(String client) throws java.io.IOException {
        Path log = dir.resolve("mosquitto.log");
        if (!Files.exists(log)) return -1;
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("Sending PUBREC to " + client + " ") && l.contains("rc151")).count();
        }
    }

    /**
     * The broker is stopped for about 6 s while deliveries continue as the core makes them
     * (RETRY answers go back into the queue, oldest first), then started again: every reading
     * arrives. QoS 1 means at least once: a reading whose PUBACK was lost with the connection is
     * published again, and the subscriber sees it twice; the count is printed.
     */
    @Test
    void everyReadingArrivesAfterTheBrokerWasStopped() throws Exception {
        Mosquitto broker = new Mosquitto(dir, null).start();
        List<Subscriber> subs = new ArrayList<>();
        subs.add(new Subscriber(broker.port(), "hearth/#"));
        MqttSink sink = sink(broker.port(), Map.of());
        Object gate = new Object();
        try {
            Deque<Reading> pending = new ArrayDeque<>();
            for (int i = 0; i < 300; i++) pending.add(reading("dev-" + (i % 3), i));
            Set<String> ids = pending.stream().map(Reading::id).collect(Collectors.toSet());
            Thread outage = new Thread(() -> {
                try {
                    Thread.sleep(300);
                    broker.stop();
                    Thread.sleep(6000);
                    synchronized (gate) { // no delivery until the new subscriber listens
                        broker.start();
                        subs.add(new Subscriber(broker.port(), "hearth/#"));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            outage.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            int retries = 0;
            Set<String> reasons = new HashSet<>();
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                List<Reading> batch = new ArrayList<>();
                while (batch.size() < 10 && !pending.isEmpty()) batch.add(pending.poll());
                List<Outcome> outcomes;
                synchronized (gate) {
                    outcomes = sink.deliver(batch);
                }
                List<Reading> again = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    if (outcomes.get(i).status() == Outcome.Status.RETRY) {
                        again.add(batch.get(i));
                        reasons.add(outcomes.get(i).reason());
                    }
                }
                for (int i = again.size() - 1; i >= 0; i--) pending.addFirst(again.get(i));
                if (!again.isEmpty()) {
                    retries += again.size();
                    Thread.sleep(200); // the core's backoff, shortened
                } else {
                    Thread.sleep(20); // readings keep coming, not all at once
                }
            }
            outage.join();
            assertTrue(pending.isEmpty(), "undelivered: " + pending.size() + ", reasons " + reasons);
            assertTrue(retries > 0, "the outage was not noticed");
            assertTrue(reasons.stream().anyMatch(r -> r.startsWith("broker 127.0.0.1:" + broker.port() + " unreachable: ")), reasons.toString());

            List<Subscriber.Message> all = new ArrayList<>();
            for (Subscriber s : subs) all.addAll(s.await(m -> !m.topic().endsWith("/status"), 300, Duration.ofSeconds(2)));
            Map<String, Long> perId = all.stream().collect(Collectors.groupingBy(
                    m -> JsonParser.parseString(m.payload()).getAsJsonObject().get("id").getAsString(), Collectors.counting()));
            assertEquals(ids, perId.keySet(), "every reading arrives");
            long duplicates = perId.values().stream().mapToLong(n -> n - 1).sum();
            System.out.printf("broker outage: %d readings, %d RETRY answers, %d duplicates at QoS 1, reasons %s%n",
                    ids.size(), retries, duplicates, reasons);
        } finally {
            sink.deactivate();
            for (Subscriber s : subs) s.close();
            broker.stop();
        }
    }

    @Test
    void aWrongPasswordIsNamedWithoutThePasswordAndTheBacklogWaits() throws Exception {
        Path passwd = Mosquitto.passwordFile(dir, "hearth", "right-secret");
        try (Mosquitto broker = new Mosquitto(dir, passwd).start();
                Subscriber sub = new Subscriber(broker.port(), "hearth/#", "hearth", "right-secret")) {
            List<Reading> backlog = List.of(reading("a", 1), reading("a", 2));
            MqttSink wrong = sink(broker.port(), Map.of("username", "hearth", "password", "wrong-secret"));
            List<Outcome> outcomes;
            try {
                outcomes = wrong.deliver(backlog);
                for (int i = 0; i < 20 && outcomes.get(0).reason().contains("not connected yet"); i++) {
                    Thread.sleep(100);
                    outcomes = wrong.deliver(backlog);
                }
            } finally {
                wrong.deactivate();
            }
            for (Outcome o : outcomes) {
                assertEquals(Outcome.Status.RETRY, o.status());
                assertTrue(o.reason().startsWith("authentication failed for sink mqtt-test: "), o.reason());
                assertFalse(o.reason().contains("wrong-secret"), o.reason());
            }
            System.out.println("wrong password: " + outcomes.get(0).reason());

            Path file = dir.resolve("password");
            java.nio.file.Files.writeString(file, "right-secret\n");
            MqttSink fixed = sink(broker.port(), Map.of("username", "hearth", "password__file", file.toString()));
            try {
                assertEquals(List.of(Outcome.DELIVERED, Outcome.DELIVERED), fixed.deliver(backlog));
                assertEquals(2, sub.await(m -> !m.topic().endsWith("/status"), 2, Duration.ofSeconds(10)).size());
            } finally {
                fixed.deactivate();
            }
        }
    }

    @Test
    void homeAssistantConfigsAreRetainedAndRepublishedOnBirth() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start()) {
            MqttSink sink = sink(broker.port(), Map.of("ha__discovery", true, "version", 3));
            try {
                Reading r = Reading.of("pit/1", "climate").field("temperature", 21.5).field("humidity", 40L)
                        .field("pm2_5", 3.0).field("label", "x").field("on", true).build();
                assertEquals(List.of(Outcome.DELIVERED), sink.deliver(List.of(r)));
                assertEquals(List.of(Outcome.DELIVERED), sink.deliver(List.of(r))); // the same entities: not announced again
                assertEquals(3, sink.discoveryCount());

                try (Subscriber late = new Subscriber(broker.port(), "homeassistant/#")) {
                    List<Subscriber.Message> configs = late.await(m -> m.topic().endsWith("/config"), 3, Duration.ofSeconds(10));
                    assertEquals(3, configs.size(), configs.toString());
                    assertTrue(configs.stream().allMatch(Subscriber.Message::retained));
                    Subscriber.Message temperature = configs.stream().filter(m -> m.topic().contains("temperature")).findFirst().orElseThrow();
                    assertTrue(temperature.topic().matches("homeassistant/sensor/hearth_gw1/pit_1_climate_temperature_[0-9a-f]{8}/config"),
                            temperature.topic());
                    JsonObject c = JsonParser.parseString(temperature.payload()).getAsJsonObject();
                    assertEquals("temperature", c.get("device_class").getAsString());
                    assertEquals("°C", c.get("unit_of_measurement").getAsString());
                    assertEquals("measurement", c.get("state_class").getAsString());
                    assertEquals("hearth/gw1/pit_1/climate", c.get("state_topic").getAsString());
                    assertEquals("{{ value_json.fields.temperature }}", c.get("value_template").getAsString());
                    assertTrue(c.get("unique_id").getAsString().startsWith("hearth_gw1_pit_1_climate_temperature_"));
                    assertEquals("hearth/gw1/status", c.getAsJsonArray("availability").get(0).getAsJsonObject().get("topic").getAsString());
                    JsonObject device = c.getAsJsonObject("device");
                    assertEquals("Hearth", device.get("manufacturer").getAsString());
                    assertEquals("pit/1", device.get("name").getAsString());
                    assertEquals("hearth_gw1", device.get("via_device").getAsString());

                    late.publish("homeassistant/status", "online"); // Home Assistant's birth message
                    List<Subscriber.Message> again = late.await(m -> m.topic().endsWith("/config"), 6, Duration.ofSeconds(10));
                    assertEquals(6, again.size(), "republished after the birth message: " + again);
                }
            } finally {
                sink.deactivate();
            }
        }
    }

    @Test
    void theLastWillSaysOfflineWhenTheConnectionIsCut() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); TcpProxy proxy = new TcpProxy(broker.port());
                Subscriber sub = new Subscriber(broker.port(), "hearth/gw1/status")) {
            MqttSink sink = sink(proxy.port(), Map.of());
            try {
                assertEquals(1, sub.await(m -> m.payload().equals("online"), 1, Duration.ofSeconds(10)).size());
                proxy.cutAll(); // no DISCONNECT reaches the broker: it publishes the will
                assertEquals(1, sub.await(m -> m.payload().equals("offline"), 1, Duration.ofSeconds(10)).size(), sub.received().toString());
                // the sink reconnects by itself and says so
                assertEquals(2, sub.await(m -> m.payload().equals("online"), 2, Duration.ofSeconds(15)).size(), sub.received().toString());
            } finally {
                sink.deactivate();
            }
            // stopping the component says offline too (a clean disconnect does not trigger the will)
            assertEquals(2, sub.await(m -> m.payload().equals("offline"), 2, Duration.ofSeconds(10)).size(), sub.received().toString());
        }
    }
}
