package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.testkit.Mosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.testkit.RecordingStatusReporter;

/** The driver against a real Mosquitto on 127.0.0.1, fed by a second client playing Zigbee2MQTT or an ESP32. */
class MqttInputBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final List<MqttInputDriver> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (MqttInputDriver d : List.copyOf(running)) stop(d);
        scheduler.shutdownNow();
    }

    private MqttInputDriver start(int port, ReadingPublisher publisher, RecordingStatusReporter reporter, Map<String, Object> extra)
            throws Exception {
        Map<String, Object> values = new HashMap<>(Map.of("port", port, "reconnect__max__s", 2, "instance", "test"));
        values.putAll(extra);
        MqttInputDriver d = new MqttInputDriver(Configs.settings(values), publisher, reporter, scheduler);
        running.add(d);
        d.connection().subscribed().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return d;
    }

    private void stop(MqttInputDriver d) {
        if (running.remove(d)) d.deactivate();
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("waited " + WAIT + " for " + what);
            Thread.sleep(10);
        }
    }

    private static String resource(String name) throws Exception {
        return new String(Zigbee2MqttMapperTest.resource(name), StandardCharsets.UTF_8);
    }

    @Test
    void zigbee2mqttTrafficBecomesReadingsAndDeviceStates() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); TestClient z2m = new TestClient(broker.port())) {
            // what Zigbee2MQTT leaves on the broker before we subscribe: retained devices list and a 1.x bridge state
            z2m.retain("zigbee2mqtt/bridge/devices", resource("bridge-devices.json"));
            z2m.retain("zigbee2mqtt/bridge/state", "online");
            RecordingPublisher publisher = new RecordingPublisher();
            RecordingStatusReporter reporter = new RecordingStatusReporter();
            MqttInputDriver d = start(broker.port(), publisher, reporter, Map.of("z2m__strings", new String[] { "action" }));
            reporter.await("zigbee2mqtt-bridge", s -> s.state() == DeviceState.ONLINE, WAIT);

            z2m.publish("zigbee2mqtt/living room/aqara", resource("aqara-wsdcgq11lm.json"));
            z2m.publish("zigbee2mqtt/plug_1", resource("ts011f-plug.json"));
            z2m.publish("zigbee2mqtt/living room/aqara/availability", "online"); // 1.x
            z2m.publish("zigbee2mqtt/plug_1/availability", "{\"state\":\"offline\"}"); // 2.x
            z2m.publish("zigbee2mqtt/bridge/logging", "{\"level\":\"info\",\"message\":\"MQTT publish\"}");
            z2m.publish("zigbee2mqtt/plug_1/set", "{\"state\":\"TOGGLE\"}");
            z2m.publish("zigbee2mqtt/bridge/state", "{\"state\":\"offline\"}"); // 2.x

            List<Reading> readings = publisher.await(r -> true, 2, WAIT);
            Reading sensor = readings.stream().filter(r -> r.device().equals("living_room_aqara")).findFirst().orElseThrow();
            assertEquals("zigbee", sensor.measurement());
            assertEquals(Map.of("battery", 100L, "humidity", 52.3, "linkquality", 120L, "pressure", 1003.2, "temperature", 21.7,
                    "voltage", 3025L), sensor.fields());
            assertEquals(Map.of("model", "WSDCGQ11LM", "vendor", "Aqara", "friendly_name", "living room/aqara"), sensor.tags());
            Reading plug = readings.stream().filter(r -> r.device().equals("plug_1")).findFirst().orElseThrow();
            assertEquals(Map.of("current", 0.12, "energy", 1.53, "linkquality", 80L, "power", 23.4, "state", true, "voltage", 231L),
                    plug.fields());
            assertEquals(Map.of("model", "TS011F_plug_1", "vendor", "Tuya"), plug.tags());

            reporter.await("zigbee2mqtt-bridge", s -> s.state() == DeviceState.OFFLINE, WAIT);
            reporter.await("plug_1", s -> s.state() == DeviceState.OFFLINE, WAIT);
            assertEquals(DeviceState.ONLINE, reporter.latest("living_room_aqara").state());
            waitFor("9 messages", () -> d.intake().messages() >= 9);
            assertEquals(2, publisher.readings().size());
            assertEquals(0, d.intake().skippedTotal());

            DeviceStatus connection = reporter.await("mqtt-test", s -> s.state() == DeviceState.ONLINE, WAIT);
            assertTrue(connection.details().containsKey("connected_since"), connection.toString());
            assertEquals("hearth-gw1-test", connection.details().get("client_id"));
            stop(d);
            assertTrue(reporter.removed().containsAll(List.of("mqtt-test", "plug_1", "living_room_aqara", "zigbee2mqtt-bridge")));
        }
    }

    @Test
    void genericJsonTimestampsAndMalformedMessagesAreSkippedWhileTheDriverKeepsRunning() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); TestClient esp = new TestClient(broker.port())) {
            RecordingPublisher publisher = new RecordingPublisher();
            RecordingStatusReporter reporter = new RecordingStatusReporter();
            MqttInputDriver d = start(broker.port(), publisher, reporter, Map.of("mode", "json", "topics",
                    new String[] { "sensors/+/state" }, "json__time__field", "ts", "json__measurement", "dht22",
                    "max__payload__kib", 1, "json__tags", new String[] { "site=lab" }));
            Instant t = Instant.parse("2026-01-01T00:00:00Z");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":21.5,\"humidity\":40.2,\"ts\":1767225600}");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":21.6,\"humidity\":40.3,\"ts\":1767225601250}");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":21.7,\"humidity\":40.4,\"ts\":\"2026-01-01T00:00:02.5Z\"}");
            // the bad ones
            esp.publish("sensors/esp32-1/state", "temperature=21.8");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":21.8,");
            esp.publish("sensors/esp32-1/state", "");
            esp.publish("sensors/esp32-1/state", "{\"pad\":\"" + "x".repeat(2000) + "\",\"ts\":1767225600}");
            esp.publish("sensors/esp32-1/state", "[21.8,40.5]");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":\"warm\",\"ts\":1767225600}");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":21.8}");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":21.8,\"ts\":\"tomorrow\"}");
            esp.publish("sensors/esp32-1/state", "{\"temperature\":21.8,\"ts\":{\"s\":1}}");
            // and a good one after them: the driver is still there
            esp.publish("sensors/esp32-2/state", "{\"temperature\":19.0,\"ok\":true,\"ts\":1767225603}");

            List<Reading> readings = publisher.await(r -> true, 4, WAIT);
            assertEquals(List.of(t, t.plusMillis(1250), t.plusMillis(2500), t.plusSeconds(3)),
                    readings.stream().map(Reading::timestamp).toList());
            assertEquals(Map.of("temperature", 21.5, "humidity", 40.2), readings.get(0).fields());
            assertEquals(Map.of("site", "lab"), readings.get(0).tags());
            assertEquals("dht22", readings.get(0).measurement());
            assertEquals("esp32-2", readings.get(3).device());
            assertEquals(Map.of("temperature", 19.0, "ok", true), readings.get(3).fields());

            MessageIntake in = d.intake();
            waitFor("13 messages", () -> in.messages() >= 13);
            assertEquals(2, in.skipped(SkipReason.NOT_JSON));
            assertEquals(1, in.skipped(SkipReason.EMPTY));
            assertEquals(1, in.skipped(SkipReason.OVERSIZED));
            assertEquals(2, in.skipped(SkipReason.WRONG_TYPE));
            assertEquals(1, in.skipped(SkipReason.NO_FIELDS));
            assertEquals(1, in.skipped(SkipReason.NO_TIME));
            assertEquals(1, in.skipped(SkipReason.BAD_TIME));
            DeviceStatus status = reporter.await("mqtt-test", s -> "2".equals(s.details().get("skipped_not_json")), WAIT);
            assertEquals("13", status.details().get("messages"));
            assertEquals("1", status.details().get("skipped_oversized"));
            assertEquals(4, publisher.readings().size());
        }
    }

    @Test
    void arrivalTimeWhenNoTimeFieldAndDeviceFromAPayloadField() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); TestClient kasa = new TestClient(broker.port())) {
            RecordingPublisher publisher = new RecordingPublisher();
            start(broker.port(), publisher, new RecordingStatusReporter(), Map.of("mode", "json", "topics", new String[] { "lab_plug1" },
                    "json__device__field", "device_id", "json__measurement", "smart_plug"));
            Instant before = Instant.now();
            kasa.publish("lab_plug1", "{\"power_usage\":12.5,\"voltage\":230.1,\"current\":0.05,\"device_id\":\"8006ABC\"}");
            Reading r = publisher.await(x -> true, 1, WAIT).get(0);
            assertEquals("8006ABC", r.device());
            assertEquals(Map.of("power_usage", 12.5, "voltage", 230.1, "current", 0.05), r.fields());
            assertTrue(!r.timestamp().isBefore(before.minusSeconds(1)) && !r.timestamp().isAfter(Instant.now()), r.toString());
        }
    }

    /**
     * A journal that never commits: the message is not acknowledged, so the broker still holds it
     * for the persistent session and sends it to the next driver with the same client id. With a
     * payload timestamp the redelivered reading is the same reading (same id), so sinks drop the
     * duplicate.
     */
    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({ "5,1", "3,1", "5,2", "3,2" })
    void uncommittedMessagesAreRedeliveredToTheNextSessionCommittedOnesAreNot(int version, int qos) throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); TestClient esp = new TestClient(broker.port())) {
            Map<String, Object> config = Map.of("mode", "json", "topics", new String[] { "sensors/+" }, "json__time__field", "ts",
                    "version", version, "client__id", "ack-test", "qos", qos);
            TestPublisher hanging = new TestPublisher(TestPublisher.Mode.HOLD);
            MqttInputDriver first = start(broker.port(), hanging, new RecordingStatusReporter(), config);
            esp.publish("sensors/a", "{\"v\":1,\"ts\":1767225600}".getBytes(StandardCharsets.UTF_8), qos, false);
            Reading held = hanging.awaitAttempts(1, WAIT).get(0);
            stop(first); // the stage never completed: nothing was acknowledged

            RecordingPublisher journal = new RecordingPublisher();
            MqttInputDriver second = start(broker.port(), journal, new RecordingStatusReporter(), config);
            Reading redelivered = journal.await(r -> true, 1, WAIT).get(0);
            assertEquals(held.id(), redelivered.id());
            esp.publish("sensors/a", "{\"v\":2,\"ts\":1767225601}".getBytes(StandardCharsets.UTF_8), qos, false);
            journal.await(r -> true, 2, WAIT);
            waitFor("acknowledgements", () -> second.batcher().committed() == 2);
            stop(second);

            RecordingPublisher third = new RecordingPublisher();
            start(broker.port(), third, new RecordingStatusReporter(), config);
            esp.publish("sensors/a", "{\"v\":3,\"ts\":1767225602}".getBytes(StandardCharsets.UTF_8), qos, false);
            List<Reading> got = third.await(r -> true, 1, WAIT);
            Thread.sleep(300);
            // only the new message: both earlier ones were acknowledged after their commit
            assertEquals(List.of(3L), third.readings().stream().map(r -> r.fields().get("v")).toList(), got.toString());
        }
    }

    @Test
    void aFailedCommitReconnectsAndTheBrokerRedeliversUntilItIsCommittedOnce() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); TestClient esp = new TestClient(broker.port())) {
            TestPublisher journal = new TestPublisher(TestPublisher.Mode.FAIL);
            RecordingStatusReporter reporter = new RecordingStatusReporter();
            MqttInputDriver d = start(broker.port(), journal, reporter, Map.of("mode", "json", "topics", new String[] { "sensors/+" },
                    "json__time__field", "ts"));
            esp.publish("sensors/a", "{\"v\":1,\"ts\":1767225600}");
            journal.awaitAttempts(1, WAIT);
            journal.awaitAttempts(2, WAIT); // redelivered after the reconnect, and failed again
            assertTrue(reporter.errors().stream().anyMatch(e -> e.startsWith("mqtt-test: readings not committed")), reporter.errors().toString());
            journal.mode(TestPublisher.Mode.ACCEPT);
            waitFor("the commit", () -> journal.accepted().size() == 1);
            waitFor("the acknowledgement", () -> d.batcher().committed() == 1);
            Thread.sleep(2500); // a further reconnect would redeliver it once more
            assertEquals(1, journal.accepted().size());
            assertEquals(1L, journal.accepted().get(0).fields().get("v"));
            reporter.await("mqtt-test", s -> s.state() == DeviceState.ONLINE, WAIT);
        }
    }

    @Test
    void ownOutputIsNotIngestedAgain() throws Exception {
        try (Mosquitto broker = new Mosquitto(dir, null).start(); TestClient other = new TestClient(broker.port())) {
            String sinkJson = "{\"id\":\"0123\",\"device\":\"kitchen\",\"measurement\":\"climate\",\"time\":\"2026-01-01T00:00:00Z\","
                    + "\"tags\":{},\"fields\":{\"temperature\":21.5}}";
            RecordingPublisher publisher = new RecordingPublisher();
            MqttInputDriver safe = start(broker.port(), publisher, new RecordingStatusReporter(), Map.of("mode", "json", "topics",
                    new String[] { "#" }));
            other.publish("hearth/gw1/kitchen/climate", sinkJson); // our MQTT sink's default topic
            other.publish("hearth/gw1/status", "online");
            other.publishMarked("elsewhere/kitchen", "{\"temperature\":21.5}", "gw1");
            other.publish("hearth/gw2/hall/climate", sinkJson); // another gateway's output is data
            List<Reading> got = publisher.await(r -> true, 1, WAIT);
            waitFor("4 messages", () -> safe.intake().messages() >= 4);
            Thread.sleep(200);
            assertEquals(1, publisher.readings().size(), publisher.readings().toString());
            assertEquals("climate", got.get(0).device()); // last topic level
            assertEquals(3, safe.intake().skipped(SkipReason.OWN_OUTPUT));
            stop(safe);

            RecordingPublisher unsafe = new RecordingPublisher();
            start(broker.port(), unsafe, new RecordingStatusReporter(), Map.of("mode", "json", "topics", new String[] { "hearth/#" },
                    "exclude__own", false, "client__id", "unsafe"));
            other.publish("hearth/gw1/kitchen/climate", sinkJson);
            unsafe.await(r -> true, 1, WAIT);
        }
    }
}
