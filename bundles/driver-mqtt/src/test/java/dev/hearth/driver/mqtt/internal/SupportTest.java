package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonPrimitive;

/** JsonValues, TopicFilter, LoopGuard and settings validation, on values. */
class SupportTest {

    @Test
    void epochUnitFollowsMagnitude() throws Exception {
        assertEquals(Instant.ofEpochSecond(99_999_999_999L), JsonValues.epoch(new BigDecimal("99999999999")));
        assertEquals(Instant.ofEpochMilli(100_000_000_000L), JsonValues.epoch(new BigDecimal("100000000000")));
        assertEquals(Instant.ofEpochSecond(0, 0), JsonValues.epoch(BigDecimal.ZERO));
        assertEquals(Instant.ofEpochSecond(-1, 500_000_000), JsonValues.epoch(new BigDecimal("-0.5")));
        assertEquals(Instant.ofEpochMilli(99_999_999_999_999L), JsonValues.epoch(new BigDecimal("99999999999999")));
        assertEquals(Instant.ofEpochSecond(100_000_000, 0), JsonValues.epoch(new BigDecimal("100000000000000"))); // µs
        assertEquals(Instant.ofEpochSecond(100_000_000, 0), JsonValues.epoch(new BigDecimal("100000000000000000"))); // ns
    }

    /** time()'s long-arithmetic path for integers agrees with epoch(BigDecimal) at and around every unit boundary, either sign. */
    @Test
    void integerTimesMatchTheExactRule() throws Exception {
        List<Long> values = new java.util.ArrayList<>(List.of(0L, 1L, 1_767_225_600_000L, 1_767_225_600_123_456L,
                Long.MAX_VALUE, Long.MIN_VALUE + 1));
        for (long boundary : new long[] { 100_000_000_000L, 100_000_000_000_000L, 100_000_000_000_000_000L }) {
            for (long d = -2; d <= 2; d++) values.add(boundary + d);
        }
        for (long v : List.copyOf(values)) values.add(-v);
        for (long v : values) {
            String literal = Long.toString(v);
            Instant exact = JsonValues.epoch(new BigDecimal(literal));
            assertEquals(exact, JsonValues.time(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber(literal))), literal);
            assertEquals(exact, JsonValues.time(new JsonPrimitive(literal)), "as a string: " + literal);
        }
        assertEquals(Instant.ofEpochSecond(1_767_225_600L, 250_000_000),
                JsonValues.time(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("1767225600.25"))));
        assertEquals(Instant.ofEpochMilli(1_767_225_600_000L),
                JsonValues.time(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("1.7672256e12"))));
    }

    @Test
    void numbersKeepTheirLiteralType() {
        assertEquals(3000L, JsonValues.number(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("3000"))));
        assertEquals(21.0, JsonValues.number(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("21.0"))));
        assertEquals(1000.0, JsonValues.number(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("1e3"))));
        assertEquals(null, JsonValues.number(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("1e999"))));
        assertEquals(0.1, JsonValues.number(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("0.1"))));
        assertEquals(-2.5e-300, JsonValues.number(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("-2.5E-300"))));
        assertEquals(9.223372036854776E18, JsonValues.number(new JsonPrimitive(new com.google.gson.internal.LazilyParsedNumber("9223372036854775808"))));
    }

    @Test
    void deviceIdsAreMadeSafe() {
        assertEquals("Living_room_Plug", JsonValues.deviceId("Living room/Plug"));
        assertEquals("a_b_c", JsonValues.deviceId("a+b#c"));
        assertEquals("K_che", JsonValues.deviceId("Küche"));
        assertEquals(null, JsonValues.deviceId("  "));
        assertEquals(256, JsonValues.deviceId("x".repeat(400)).length());
    }

    @Test
    void topicFiltersMatchAsTheBrokerDoes() {
        TopicFilter f = TopicFilter.parse("sensors/+/state");
        assertTrue(f.matches("sensors/a/state"));
        assertFalse(f.matches("sensors/a/b/state"));
        assertFalse(f.matches("sensors/a"));
        assertEquals(1, f.firstWildcardLevel());
        assertTrue(TopicFilter.parse("a/#").matches("a"));
        assertTrue(TopicFilter.parse("a/#").matches("a/b/c"));
        assertFalse(TopicFilter.parse("#").matches("$SYS/broker"));
        assertTrue(TopicFilter.parse("$share/g/s/+").matches("s/x"));
        assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse("a/#/b"));
        assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse("a/b+"));
        assertThrows(IllegalArgumentException.class, () -> TopicFilter.parse(" "));
    }

    @Test
    void loopGuardKnowsOwnTopicsAndMarker() {
        LoopGuard g = new LoopGuard("gw1");
        assertTrue(g.isOwn("hearth/gw1/kitchen/climate", Map.of()));
        assertTrue(g.isOwn("hearth/gw1/status", Map.of()));
        assertFalse(g.isOwn("hearth/gw2/kitchen/climate", Map.of()));
        assertFalse(g.isOwn("hearth/gw1", Map.of()));
        assertTrue(g.isOwn("anything", Map.of(LoopGuard.USER_PROPERTY, "gw1")));
        assertFalse(g.isOwn("anything", Map.of(LoopGuard.USER_PROPERTY, "gw2")));
        assertEquals("hearth/a_b/", new LoopGuard("a/b").ownPrefix());
        assertTrue(g.coversOnlyOwn(TopicFilter.parse("hearth/gw1/#")));
        assertFalse(g.coversOnlyOwn(TopicFilter.parse("hearth/#")));
    }

    @Test
    void settingsAreCheckedWithTheKeyInTheMessage() {
        MqttInputSettings s = Configs.settings(Map.of());
        assertEquals("hearth-gw1-test", s.clientId());
        assertEquals("mqtt-test", s.connectionDevice());
        assertEquals(List.of(TopicFilter.parse("zigbee2mqtt/#")), s.topics());
        assertEquals(86_400, s.sessionExpirySeconds());
        assertEquals(64 * 1024, s.maxPayloadBytes());
        assertTrue(s.mapper() instanceof Zigbee2MqttMapper);
        assertEquals(2, Configs.settings(Map.of("topics", new String[] { "a/#,b/+" })).topics().size());
        assertTrue(Configs.settings(Map.of("mode", "json")).mapper() instanceof GenericJsonMapper);
        GenericJsonMapper tagged = (GenericJsonMapper) Configs.settings(Map.of("mode", "json", "topics", new String[] { "s/+" },
                "json__tags", new String[] { "site=home, room=lab" })).mapper();
        assertEquals(Map.of("site", "home", "room", "lab"), ((Mapped.Readings) tagged.map("s/a", "{\"v\":1}".getBytes(
                java.nio.charset.StandardCharsets.UTF_8), Instant.EPOCH)).readings().get(0).tags());
        for (Map.Entry<String, Object> bad : Map.<String, Object>of("mode", "xml", "qos", 3, "version", 4, "topics",
                new String[] { "a/#/b" }, "json__tags", new String[] { "novalue" }, "z2m__base__topic", "z/#",
                "ca__file", "/x.pem", "instance", "bad name", "max__payload__kib", 0).entrySet()) {
            Map<String, Object> values = new HashMap<>();
            values.put(bad.getKey(), bad.getValue());
            if (bad.getKey().startsWith("json")) values.put("mode", "json");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Configs.settings(values), bad.getKey());
            String key = bad.getKey().replace("__", "_");
            assertTrue(e.getMessage().contains(key) || e.getMessage().contains(key.replace("_", "")), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Configs.settings(Map.of("version", 3, "password", "x")));
        assertTrue(Configs.settings(Map.of("password", "s3cret")).toString().contains("****"));
        assertFalse(Configs.settings(Map.of("password", "s3cret")).toString().contains("s3cret"));
    }

    @Test
    void instanceComesFromTheFileNameOrThePid() {
        assertEquals("zigbee", MqttInputDriver.instanceHint(Map.of("felix.fileinstall.filename",
                "file:/opt/hearth/config/dev.hearth.driver.mqtt-zigbee.cfg")));
        assertEquals("esp32", MqttInputDriver.instanceHint(Map.of("service.pid", "dev.hearth.driver.mqtt~esp32")));
        assertEquals("", MqttInputDriver.instanceHint(Map.of()));
    }
}
