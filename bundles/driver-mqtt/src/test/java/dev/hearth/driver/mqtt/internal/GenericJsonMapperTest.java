package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

/** The generic JSON mapping on values, no broker. */
class GenericJsonMapperTest {

    private static final Instant ARRIVAL = Instant.parse("2026-03-01T10:00:00Z");

    private static GenericJsonMapper mapper(String filter, String deviceField, int level, String timeField, Set<String> fields,
            Set<String> tagFields) {
        return new GenericJsonMapper(new GenericJsonMapper.Rules("env", List.of(TopicFilter.parse(filter)), deviceField, level,
                timeField, fields, tagFields, Map.of("site", "lab")));
    }

    private static Mapped map(GenericJsonMapper m, String topic, String payload) {
        return m.map(topic, payload.getBytes(StandardCharsets.UTF_8), ARRIVAL);
    }

    private static Reading reading(Mapped m) {
        return assertInstanceOf(Mapped.Readings.class, m, m.toString()).readings().get(0);
    }

    private static SkipReason reason(Mapped m) {
        return assertInstanceOf(Mapped.Skipped.class, m, m.toString()).reason();
    }

    @Test
    void esp32Dht22NodeFromTheSeedSystem() {
        GenericJsonMapper m = mapper("/embedded/+", "", -1, "", Set.of(), Set.of());
        Reading r = reading(map(m, "/embedded/esp32_dht22_node1", "{\"temperature\":22.5,\"humidity\":41}"));
        assertEquals("esp32_dht22_node1", r.device()); // the level under the filter's +
        assertEquals("env", r.measurement());
        assertEquals(ARRIVAL, r.timestamp()); // no time field: arrival time
        assertEquals(Map.of("temperature", 22.5, "humidity", 41L), r.fields());
        assertEquals(Map.of("site", "lab"), r.tags());
    }

    @Test
    void deviceFromLevelOrLastLevelOrField() {
        assertEquals("node7", reading(map(mapper("a/#", "", 1, "", Set.of(), Set.of()), "a/node7/x", "{\"v\":1}")).device());
        assertEquals("x", reading(map(mapper("a/#", "", -1, "", Set.of(), Set.of()), "a/node7/x", "{\"v\":1}")).device());
        GenericJsonMapper byField = mapper("plugs/#", "device_id", -1, "", Set.of(), Set.of());
        assertEquals("8006_ABC", reading(map(byField, "plugs/lab", "{\"device_id\":\"8006 ABC\",\"power_usage\":12.5}")).device());
        assertEquals("42", reading(map(byField, "plugs/lab", "{\"device_id\":42,\"power_usage\":12.5}")).device());
        assertEquals(SkipReason.NO_DEVICE, reason(map(byField, "plugs/lab", "{\"power_usage\":12.5}")));
        assertEquals(SkipReason.NO_DEVICE, reason(map(byField, "plugs/lab", "{\"device_id\":\" \",\"power_usage\":12.5}")));
        assertEquals(SkipReason.WRONG_TYPE, reason(map(byField, "plugs/lab", "{\"device_id\":[1],\"power_usage\":12.5}")));
        assertEquals(SkipReason.NO_DEVICE, reason(map(mapper("a/#", "", 5, "", Set.of(), Set.of()), "a/b", "{\"v\":1}")));
    }

    @Test
    void everyTimestampForm() {
        GenericJsonMapper m = mapper("s/+", "", -1, "ts", Set.of(), Set.of());
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(t, reading(map(m, "s/a", "{\"ts\":1767225600,\"v\":1}")).timestamp());
        assertEquals(t.plusMillis(500), reading(map(m, "s/a", "{\"ts\":1767225600.5,\"v\":1}")).timestamp());
        assertEquals(t.plusMillis(123), reading(map(m, "s/a", "{\"ts\":1767225600123,\"v\":1}")).timestamp());
        assertEquals(t.plusNanos(123_456_000), reading(map(m, "s/a", "{\"ts\":1767225600123456,\"v\":1}")).timestamp());
        assertEquals(t.plusNanos(123_456_789), reading(map(m, "s/a", "{\"ts\":1767225600123456789,\"v\":1}")).timestamp());
        assertEquals(t, reading(map(m, "s/a", "{\"ts\":\"1767225600\",\"v\":1}")).timestamp());
        assertEquals(t.plusMillis(250), reading(map(m, "s/a", "{\"ts\":\"2026-01-01T00:00:00.25Z\",\"v\":1}")).timestamp());
        assertEquals(t, reading(map(m, "s/a", "{\"ts\":\"2026-01-01T01:00:00+01:00\",\"v\":1}")).timestamp());
        // the time field is not also a field
        assertEquals(Map.of("v", 1L), reading(map(m, "s/a", "{\"ts\":1767225600,\"v\":1}")).fields());
        assertEquals(SkipReason.NO_TIME, reason(map(m, "s/a", "{\"v\":1}")));
        assertEquals(SkipReason.NO_TIME, reason(map(m, "s/a", "{\"ts\":null,\"v\":1}")));
        assertEquals(SkipReason.BAD_TIME, reason(map(m, "s/a", "{\"ts\":\"2026-01-01T00:00:00\",\"v\":1}"))); // no offset
        assertEquals(SkipReason.BAD_TIME, reason(map(m, "s/a", "{\"ts\":\"yesterday\",\"v\":1}")));
        assertEquals(SkipReason.BAD_TIME, reason(map(m, "s/a", "{\"ts\":true,\"v\":1}")));
        assertEquals(SkipReason.BAD_TIME, reason(map(m, "s/a", "{\"ts\":1e300,\"v\":1}")));
        assertEquals(SkipReason.WRONG_TYPE, reason(map(m, "s/a", "{\"ts\":{\"s\":1},\"v\":1}")));
    }

    @Test
    void defaultSelectionIsNumbersAndBooleansAnIncludeListTypesAll() {
        GenericJsonMapper all = mapper("s/+", "", -1, "", Set.of(), Set.of("room"));
        Reading r = reading(map(all, "s/a", "{\"t\":21.0,\"n\":3,\"ok\":true,\"name\":\"x\",\"room\":\"kitchen\",\"nested\":{\"a\":1},"
                + "\"arr\":[1],\"nul\":null,\"big\":123456789012345678901234567890}"));
        assertEquals(Map.of("t", 21.0, "n", 3L, "ok", true, "nested_a", 1L, "big", 1.2345678901234568E29), r.fields());
        assertEquals(Map.of("site", "lab", "room", "kitchen"), r.tags());
        GenericJsonMapper listed = mapper("s/+", "", -1, "", Set.of("t", "name", "nested_a"), Set.of());
        assertEquals(Map.of("t", 21.0, "name", "x", "nested_a", 1L),
                reading(map(listed, "s/a", "{\"t\":21.0,\"n\":3,\"name\":\"x\",\"nested\":{\"a\":1}}")).fields());
        assertEquals(SkipReason.NO_FIELDS, reason(map(listed, "s/a", "{\"n\":3}")));
    }

    @Test
    void wrongShapesAreSkipped() {
        GenericJsonMapper m = mapper("s/+", "", -1, "", Set.of(), Set.of());
        assertEquals(SkipReason.NOT_JSON, reason(map(m, "s/a", "hello")));
        assertEquals("malformed JSON at line 1 column 1", ((Mapped.Skipped) map(m, "s/a", "hello")).detail());
        assertEquals("malformed JSON at line 1 column 7", ((Mapped.Skipped) map(m, "s/a", "{\"t\":1")).detail());
        assertEquals(SkipReason.NOT_JSON, reason(map(m, "s/a", "{'t':1}")));
        assertEquals(SkipReason.NOT_JSON, reason(map(m, "s/a", "{\"t\":NaN}")));
        assertEquals(SkipReason.WRONG_TYPE, reason(map(m, "s/a", "[{\"t\":1}]")));
        assertEquals(SkipReason.WRONG_TYPE, reason(map(m, "s/a", "\"t\"")));
        assertEquals(SkipReason.NO_FIELDS, reason(map(m, "s/a", "{\"temperature\":\"hot\"}")));
        assertEquals(SkipReason.INVALID, reason(map(m, "s/a", "{\"" + "k".repeat(300) + "\":1}")));
    }
}
