package dev.hearth.sink.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.json.ReadingJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

/** Topics, payloads, discovery ids and configuration checks, on values. */
class MqttPayloadTest {

    @Test
    void templatesRenderAndRefuseWildcardsAndUnknownPlaceholders() {
        TopicTemplate t = TopicTemplate.parse("{device}/x/{tag:probe}");
        assertEquals("_dev/x/_", t.render(Reading.of("$dev", "m").field("v", 1L).build(), "g"));
        assertEquals(List.of("probe"), t.tagNames());
        assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("a/+/{device}"));
        assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("a/#"));
        assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("a/{devices}"));
        assertThrows(IllegalArgumentException.class, () -> TopicTemplate.parse("a/{device"));
        assertEquals("a_b_c_d", TopicTemplate.segment("a/b+c#d"));
        assertEquals("a_b", TopicTemplate.segment("a\u0000b"));
    }

    @Test
    void payloadIsTheDocumentedJson() {
        Reading r = Reading.of("d", "m").at(Instant.parse("2026-01-01T00:00:00Z")).tag("k", "v")
                .field("i", 3L).field("f", 1.0).field("b", false).field("s", "\u2028\n").build();
        String json = ReadingJson.of(r);
        assertEquals("{\"id\":\"" + r.id() + "\",\"device\":\"d\",\"measurement\":\"m\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"tags\":{\"k\":\"v\"},\"fields\":{\"b\":false,\"f\":1.0,\"i\":3,\"s\":\"\\u2028\\n\"}}", json);
        MqttPayload p = MqttPayload.of(r, TopicTemplate.parse("t/{device}"), "g");
        assertNull(p.refusal(1024));
        assertTrue(p.refusal(10).contains("max_payload_kib"));
    }

    @Test
    void sensorsAreClassifiedByFieldThenMeasurement() {
        assertEquals("pm25", HomeAssistantDiscovery.classify("air", "pm2_5").deviceClass());
        assertEquals("pm10", HomeAssistantDiscovery.classify("air", "pm10").deviceClass());
        assertEquals("µg/m³", HomeAssistantDiscovery.classify("air", "pm10").unit());
        assertEquals("°C", HomeAssistantDiscovery.classify("temperature", "probe1").unit());
        assertEquals("%", HomeAssistantDiscovery.classify("climate", "humidity").unit());
        assertEquals("W", HomeAssistantDiscovery.classify("plug", "power").unit());
        assertEquals("V", HomeAssistantDiscovery.classify("plug", "voltage").unit());
        assertEquals("A", HomeAssistantDiscovery.classify("plug", "current").unit());
        assertEquals("total_increasing", HomeAssistantDiscovery.classify("plug", "energy").stateClass());
        assertEquals("battery", HomeAssistantDiscovery.classify("x", "battery_level").deviceClass());
        assertNull(HomeAssistantDiscovery.classify("cpu", "load1").deviceClass());
        assertEquals("{{ value_json.fields['a-b'] }}", HomeAssistantDiscovery.valueTemplate("a-b"));
        assertEquals("plain-id_1", HomeAssistantDiscovery.safeId("plain-id_1"));
        assertTrue(HomeAssistantDiscovery.safeId("a/b").matches("a_b_[0-9a-f]{8}"));
        assertFalse(HomeAssistantDiscovery.safeId("a/b").equals(HomeAssistantDiscovery.safeId("a_b")));
    }

    @Test
    void settingsNeedASinkIdAndNeverShowThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MqttSettings.from(Configs.mqtt(Map.of()), "g"));
        assertTrue(e.getMessage().contains("hearth.sink.id is required"));
        MqttSettings s = MqttSettings.from(Configs.mqtt(Map.of("hearth_sink_id", "mqtt-home", "password", "p4ss-word",
                "username", "u")), "gw");
        assertEquals("hearth-gw-mqtt-home", s.clientId());
        assertEquals("hearth/gw/status", s.availabilityTopic());
        assertFalse(s.toString().contains("p4ss-word"), s.toString());
        assertThrows(IllegalArgumentException.class, () -> MqttSettings.from(Configs.mqtt(Map.of("hearth_sink_id", "x",
                "qos", 3)), "g"));
        assertThrows(IllegalArgumentException.class, () -> MqttSettings.from(Configs.mqtt(Map.of("hearth_sink_id", "x",
                "tls__sha256", "ab")), "g"));
    }
    @Test
    void theSendWindowIs20OverMqtt3AndTheBrokersOverMqtt5UnlessSet() {
        assertEquals(20, window(Map.of("version", 3, "qos", 2)));
        assertEquals(20, window(Map.of("version", 3)));
        assertEquals(0, window(Map.of("version", 3, "qos", 0)), "QoS 0 has no acknowledgements to wait for");
        assertEquals(0, window(Map.of()), "MQTT 5: the client keeps within the broker's receive maximum");
        assertEquals(7, window(Map.of("max__inflight", 7)));
        assertEquals(100, window(Map.of("version", 3, "qos", 2, "max__inflight", 100)));
        assertEquals(65535, window(Map.of("max__inflight", 65535)));
        for (int bad : new int[] { -1, 65536, Integer.MIN_VALUE }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> window(Map.of("max__inflight", bad)));
            assertTrue(e.getMessage().startsWith("max_inflight " + bad + ": "), e.getMessage());
        }
    }

    private static int window(Map<String, Object> values) {
        Map<String, Object> all = new java.util.HashMap<>(values);
        all.put("hearth_sink_id", "x");
        return MqttSettings.from(Configs.mqtt(all), "g").sendWindow();
    }
}
