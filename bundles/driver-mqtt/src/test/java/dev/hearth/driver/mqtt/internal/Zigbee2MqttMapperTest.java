package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;

/** Zigbee2MQTT topics and recorded-shape payloads (test resources z2m/) on values, no broker. */
class Zigbee2MqttMapperTest {

    private static final Instant ARRIVAL = Instant.parse("2026-03-01T10:00:00Z");
    private final Zigbee2MqttMapper mapper = new Zigbee2MqttMapper("zigbee2mqtt", "zigbee", Set.of("action"));

    static byte[] resource(String name) throws IOException {
        try (InputStream in = Zigbee2MqttMapperTest.class.getResourceAsStream("z2m/" + name)) {
            return in.readAllBytes();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Reading reading(String topic, byte[] payload) {
        Mapped m = mapper.map(topic, payload, ARRIVAL);
        Mapped.Readings r = assertInstanceOf(Mapped.Readings.class, m, m.toString());
        assertEquals(1, r.readings().size());
        return r.readings().get(0);
    }

    @Test
    void aqaraSensorStateBecomesTypedFieldsWithLearntModel() throws IOException {
        assertEquals(new Mapped.Learned(2), mapper.map("zigbee2mqtt/bridge/devices", resource("bridge-devices.json"), ARRIVAL));
        Reading r = reading("zigbee2mqtt/living room/aqara", resource("aqara-wsdcgq11lm.json"));
        assertEquals("living_room_aqara", r.device());
        assertEquals("zigbee", r.measurement());
        assertEquals(ARRIVAL, r.timestamp());
        assertEquals(Map.of("battery", 100L, "humidity", 52.3, "linkquality", 120L, "pressure", 1003.2, "temperature", 21.7,
                "voltage", 3025L), r.fields());
        assertEquals(Map.of("model", "WSDCGQ11LM", "vendor", "Aqara", "friendly_name", "living room/aqara"), r.tags());
    }

    @Test
    void plugStateOnIsTrueAndUnknownDeviceHasNoModelTags() throws IOException {
        Reading before = reading("zigbee2mqtt/plug_1", resource("ts011f-plug.json"));
        assertEquals(Map.of(), before.tags());
        mapper.map("zigbee2mqtt/bridge/devices", resource("bridge-devices.json"), ARRIVAL);
        Reading r = reading("zigbee2mqtt/plug_1", resource("ts011f-plug.json"));
        assertEquals("plug_1", r.device());
        assertEquals(Map.of("current", 0.12, "energy", 1.53, "linkquality", 80L, "power", 23.4, "state", true, "voltage", 231L),
                r.fields());
        assertEquals(Map.of("model", "TS011F_plug_1", "vendor", "Tuya"), r.tags());
        assertEquals(false, reading("zigbee2mqtt/plug_1", b("{\"state\":\"OFF\",\"state_l2\":\"ON\"}")).fields().get("state"));
        assertEquals(true, reading("zigbee2mqtt/plug_1", b("{\"state\":\"OFF\",\"state_l2\":\"ON\"}")).fields().get("state_l2"));
    }

    @Test
    void lastSeenIsTheTimestampNestedObjectsFlattenStringsOnlyWhenListed() throws IOException {
        Reading r = reading("zigbee2mqtt/sensor", resource("aqara-with-extras.json"));
        assertEquals(Instant.parse("2026-01-02T02:04:05.678Z"), r.timestamp());
        assertEquals(0.31, r.fields().get("color_x"));
        assertEquals("single", r.fields().get("action")); // listed in z2m_strings
        assertFalse(r.fields().containsKey("power_on_behavior")); // a string, not listed
        assertFalse(r.fields().containsKey("last_seen"));
        assertFalse(r.fields().keySet().stream().anyMatch(k -> k.startsWith("update_") && !k.equals("update_available")));
        assertEquals(false, r.fields().get("update_available"));
        assertFalse(r.fields().containsKey("list"));
        assertEquals(Instant.ofEpochMilli(1767225600123L),
                reading("zigbee2mqtt/sensor", b("{\"last_seen\":1767225600123,\"t\":1}")).timestamp());
    }

    @Test
    void availabilityAndBridgeStateInBothForms() {
        assertEquals(new Mapped.Status("plug_1", DeviceState.ONLINE, "Zigbee2MQTT availability: online"),
                mapper.map("zigbee2mqtt/plug_1/availability", b("online"), ARRIVAL));
        assertEquals(new Mapped.Status("plug_1", DeviceState.OFFLINE, "Zigbee2MQTT availability: offline"),
                mapper.map("zigbee2mqtt/plug_1/availability", b("{\"state\":\"offline\"}"), ARRIVAL));
        assertEquals(new Mapped.Status("living_room_aqara", DeviceState.ONLINE, "Zigbee2MQTT availability: online"),
                mapper.map("zigbee2mqtt/living room/aqara/availability", b("{\"state\":\"online\"}"), ARRIVAL));
        assertEquals(new Mapped.Status("zigbee2mqtt-bridge", DeviceState.ONLINE, "Zigbee2MQTT bridge: online"),
                mapper.map("zigbee2mqtt/bridge/state", b("online"), ARRIVAL));
        assertEquals(new Mapped.Status("zigbee2mqtt-bridge", DeviceState.OFFLINE, "Zigbee2MQTT bridge: offline"),
                mapper.map("zigbee2mqtt/bridge/state", b("{\"state\":\"offline\"}"), ARRIVAL));
        assertEquals(SkipReason.WRONG_TYPE, ((Mapped.Skipped) mapper.map("zigbee2mqtt/bridge/state", b("maybe"), ARRIVAL)).reason());
        assertEquals(SkipReason.NOT_JSON, ((Mapped.Skipped) mapper.map("zigbee2mqtt/x/availability", b("{state"), ARRIVAL)).reason());
    }

    @Test
    void bridgeChatterAndCommandsAreIgnored() {
        for (String topic : new String[] { "zigbee2mqtt/bridge/logging", "zigbee2mqtt/bridge/info", "zigbee2mqtt/bridge/event",
                "zigbee2mqtt/bridge/response/device/rename", "zigbee2mqtt/plug_1/set", "zigbee2mqtt/plug_1/get",
                "zigbee2mqtt/plug_1/set/state", "other/topic" }) {
            assertInstanceOf(Mapped.Ignored.class, mapper.map(topic, b("{\"level\":\"info\",\"message\":\"x\"}"), ARRIVAL), topic);
        }
    }

    @Test
    void malformedStatesAreSkippedByReason() {
        assertEquals(SkipReason.NOT_JSON, skip("zigbee2mqtt/s", "{\"temperature\":21.7"));
        assertEquals(SkipReason.NOT_JSON, skip("zigbee2mqtt/s", "{temperature:21.7}")); // lenient JSON is not JSON
        assertEquals(SkipReason.NOT_JSON, skip("zigbee2mqtt/s", "{\"a\":1} trailing"));
        assertEquals(SkipReason.WRONG_TYPE, skip("zigbee2mqtt/s", "21.7")); // attribute output
        assertEquals(SkipReason.WRONG_TYPE, skip("zigbee2mqtt/s", "[1,2]"));
        assertEquals(SkipReason.WRONG_TYPE, skip("zigbee2mqtt/bridge/devices", "{}"));
        assertEquals(SkipReason.NO_FIELDS, skip("zigbee2mqtt/s", "{\"power_on_behavior\":\"on\"}"));
        assertEquals(SkipReason.NO_FIELDS, skip("zigbee2mqtt/s", "{}"));
        assertEquals(SkipReason.BAD_TIME, skip("zigbee2mqtt/s", "{\"last_seen\":\"yesterday\",\"t\":1}"));
        assertEquals(SkipReason.NO_DEVICE, skip("zigbee2mqtt/ ", "{\"t\":1}"));
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 200; i++) many.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        assertEquals(SkipReason.INVALID, skip("zigbee2mqtt/s", many.append('}').toString()));
    }

    @Test
    void invalidUtf8IsNotJson() {
        Mapped m = mapper.map("zigbee2mqtt/s", new byte[] { '{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}' }, ARRIVAL);
        assertEquals(SkipReason.NOT_JSON, ((Mapped.Skipped) m).reason());
        assertTrue(((Mapped.Skipped) m).detail().contains("UTF-8"));
    }

    private SkipReason skip(String topic, String payload) {
        Mapped m = mapper.map(topic, b(payload), ARRIVAL);
        return assertInstanceOf(Mapped.Skipped.class, m, m.toString()).reason();
    }
}
