package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

/**
 * The streaming fast path of {@link GenericJsonMapper} against its tree path: for every payload
 * the fast path takes, the same readings or the same skip (reason and detail), under several rule
 * sets; and it must really be taken for flat ASCII objects, and refuse everything else.
 */
class GenericJsonMapperDifferentialTest {

    private static final Instant ARRIVAL = Instant.parse("2026-03-01T10:00:00Z");
    private static final String[] TOPICS = { "s/esp-007", "s/a b/c", "s" };

    private static GenericJsonMapper mapper(String deviceField, int level, String timeField, Set<String> fields, Set<String> tagFields) {
        return new GenericJsonMapper(new GenericJsonMapper.Rules("env", List.of(TopicFilter.parse("s/+"), TopicFilter.parse("s/#")),
                deviceField, level, timeField, fields, tagFields, Map.of("site", "lab", "room", "default")));
    }

    /** Device from a field or the topic, time field set or not, json_fields set or not, tag fields of every type. */
    private static final List<GenericJsonMapper> RULES = List.of(
            mapper("", -1, "", Set.of(), Set.of()),
            mapper("device", -1, "ts", Set.of(), Set.of("room")),
            mapper("device", -1, "ts", Set.of("s", "t", "name", "v", "temperature", "ok", "n", "big", "nul", "room", "device", "ts", ""),
                    Set.of()),
            mapper("", 1, "time", Set.of("v", "s", "a_b", "k3"), Set.of("room", "n", "ok", "device", "s")),
            mapper("ts", -1, "ts", Set.of(), Set.of()),
            mapper("", 7, "", Set.of(), Set.of()),
            mapper("n", -1, "", Set.of(), Set.of("s", "name")),
            mapper("", -1, "v", Set.of(), Set.of("t")));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String asciiPrefix, int[] raw, String asciiSuffix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(asciiPrefix));
        for (int b : raw) out.write(b);
        out.writeBytes(utf8(asciiSuffix));
        return out.toByteArray();
    }

    /** Flat ASCII objects without a duplicate name: the fast path must take every one. */
    private static List<byte[]> flat() {
        List<String> p = new ArrayList<>(List.of(
                "{\"device\": \"esp-007\", \"seq\": 7, \"temperature\": 20.7, \"humidity\": 50.5, \"ts\": 1767225600007}",
                "{\"device\":\"d1\",\"s\":\"x\",\"n\":3,\"t\":21.0,\"ok\":true,\"no\":false,\"nul\":null,\"room\":\"kitchen\",\"ts\":1767225600}",
                " \t\r\n{ \"v\" : 1 , \"s\" : \"two words\" }\r\n ",
                "{}",
                "{\"v\":null}",
                "{\"\":1}",
                "{\"\":1,\"v\":2}",
                "{\"n\":42,\"v\":1}",
                "{\"n\":-1.5,\"v\":1}",
                "{\"n\":true,\"v\":1}",
                "{\"n\":\"\",\"v\":1}",
                "{\"n\":\" \",\"v\":1}",
                "{\"n\":null,\"v\":1}",
                "{\"device\":\"a/b c\",\"v\":1}",
                "{\"device\":\"" + "d".repeat(300) + "\",\"v\":1}",
                "{\"device\":\"caf\\u00e9\",\"v\":1}",
                "{\"device\":1e5,\"v\":1}",
                "{\"temperature\":\"hot\"}",
                "{\"name\":\"caf\\u00e9\",\"v\":1,\"s\":\"\\u00e9\"}",
                "{\"caf\\u00e9\":1}",
                "{\"s\":\"\\ud83d\\ude00\",\"v\":1}",
                "{\"s\":\"\\ud800\",\"v\":1}",
                "{\"k\\u0000\":1}",
                "{\"k\\n\":1}",
                "{\"s\":\"a\\\\\\\"b\\n\\/\\t\",\"v\":1}",
                "{\"big\":123456789012345678901234567890,\"v\":1}",
                "{\"v\":9223372036854775807,\"n\":9223372036854775808}",
                "{\"v\":-9223372036854775808,\"n\":-9223372036854775809}",
                "{\"v\":1e400,\"t\":-1e400,\"n\":1e-400}",
                "{\"v\":1e400}",
                "{\"v\":-0,\"t\":-0.0,\"n\":0.0,\"ok\":0}",
                "{\"v\":1E5,\"t\":1e+5,\"n\":2.5E-3,\"s\":-2.5e-3}",
                "{\"room\":\"" + "r".repeat(1024) + "\",\"s\":\"" + "s".repeat(1025) + "\",\"v\":1}",
                "{\"s\":\"" + "x".repeat(16 * 1024) + "\",\"v\":1}",
                "{\"s\":\"" + "x".repeat(16 * 1024 + 1) + "\",\"v\":1}",
                "{\"s\":\"" + "x".repeat(64 * 1024) + "\",\"v\":1}",
                "{\"" + "k".repeat(256) + "\":1}",
                "{\"" + "k".repeat(257) + "\":1}",
                "{\"room\":1,\"ok\":false,\"n\":2.50,\"device\":\"x\",\"time\":1767225600}",
                "{\"a_b\":1,\"v\":2}"));
        for (String ts : List.of("1767225600", "1767225600.5", "1767225600123", "1767225600123456", "1767225600123456789",
                "\"1767225600\"", "\"1767225600.25\"", "\" 1767225600 \"", "\"2026-01-01T00:00:00.25Z\"", "\"2026-01-01T01:00:00+01:00\"",
                "\"2026-01-01T00:00:00\"", "\"yesterday\"", "\"\"", "true", "false", "null", "1e300", "-1", "-0", "0", "1e5", "1.5e3",
                "99999999999999999999999", "-1767225600", "12345678901234567", "123456789012345678", "-99999999999999999",
                "\"-1767225600123\"", "1767225600.123456789123")) {
            p.add("{\"device\":\"d\",\"ts\":" + ts + ",\"time\":" + ts + ",\"v\":1,\"n\":2}");
            p.add("{\"ts\":" + ts + "}");
        }
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 150; i++) many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        p.add(many + "}");
        StringBuilder some = new StringBuilder("{");
        for (int i = 0; i < 120; i++) some.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i % 2 == 0 ? "1.5" : "true");
        p.add(some + "}");
        return p.stream().map(GenericJsonMapperDifferentialTest::utf8).toList();
    }

    /** Everything the fast path must leave to the tree path. */
    private static List<byte[]> others() {
        List<byte[]> p = new ArrayList<>();
        for (String s : List.of(
                // nested objects and arrays
                "{\"a\":{\"b\":1},\"c\":2}", "{\"device\":{\"id\":1},\"v\":1}", "{\"device\":[1],\"v\":1}", "{\"ts\":{\"s\":1},\"v\":1}",
                "{\"ts\":[1767225600],\"v\":1}", "{\"a\":{\"b\":{\"c\":{\"d\":1}}},\"v\":2}", "{\"a_b\":1,\"a\":{\"b\":2}}",
                "{\"a\":{\"b\":2},\"a_b\":1}", "{\"arr\":[1,2],\"v\":1}", "{\"v\":[]}", "{\"v\":{}}", "{\"room\":{\"x\":\"y\"},\"v\":1}",
                "{\"ts\":{},\"time\":{\"a\":1767225600},\"v\":1}",
                // duplicates, flat and nested
                "{\"v\":1,\"v\":2}", "{\"v\":1,\"v\":\"x\"}", "{\"v\":1,\"v\":null}", "{\"v\":null,\"v\":1}", "{\"ts\":1,\"ts\":2,\"v\":1}",
                "{\"device\":\"a\",\"device\":\"b\",\"v\":1}", "{\"a\":{\"b\":1,\"b\":2}}", "{\"a\":{\"b\":1},\"a\":{\"c\":2}}",
                "{\"a\":{\"b\":1},\"a\":3}", "{\"\":1,\"\":2}", "{\"ts\":1767225600,\"ts\":{\"s\":1},\"v\":1}",
                // not an object
                "[1]", "[{\"t\":1}]", "\"t\"", "1", "true", "null", "", " ", "hello", "online",
                // truncated
                "{\"t\":1", "{\"t\":", "{\"t\"", "{\"t", "{", "{\"t\":1,", "{\"s\":\"abc", "{\"t\":1.", "{\"t\":-", "{\"t\":1e", "{\"s\":\"\\u00e",
                // trailing text
                "{\"a\":1}{", "{\"a\":1} x", "{\"a\":1},", "{\"a\":1}]", "{\"a\":1}}", "{\"a\":1}{\"b\":2}", "{\"a\":1}null",
                // not strict JSON
                "{\"v\":online}", "{\"t\":NaN}", "{\"t\":Infinity}", "{\"t\":-Infinity}", "{'t':1}", "{\"t\":'x'}", "{t:1}",
                "{\"t\":1/*c*/}", "{\"t\":1 // c\n}", "{\"t\":01}", "{\"t\":.5}", "{\"t\":+1}", "{\"t\":0x10}", "{\"t\":1,}", "{,\"t\":1}",
                "{\"t\":1;\"v\":2}", "{\"t\"=1}", "{\"t\"=>1}", "{\"s\":\"\\x\"}", "{\"s\":\"\\u00zz\"}", "{\"s\":\"a\tb\",\"v\":1}",
                "{\"k\n\":1}", ")]}'\n{\"v\":1}", "{\"v\":1}\u0000", "#{\"v\":1}", "{\"t\":tru}", "{\"t\":nul}", "{\"t\":True}",
                "{\"t\":1 2}", "{\"t\":\"a\" \"b\"}",
                // non-ASCII (valid UTF-8, left to the strict decoder)
                "{\"name\":\"café\",\"v\":1}", "{\"é\":1}", "\ufeff{\"v\":1}", "{\"device\":\"köln\",\"v\":1}", "{\"s\":\"😀\",\"v\":1}")) {
            p.add(utf8(s));
        }
        // invalid UTF-8: a lone continuation, a bad lead byte, overlong '/', a truncated sequence, a surrogate, beyond U+10FFFF
        p.add(bytes("{\"v\":1,\"s\":\"", new int[] { 0x80 }, "\"}"));
        p.add(bytes("{\"v\":1,\"s\":\"", new int[] { 0xff }, "\"}"));
        p.add(bytes("{\"v\":1,\"s\":\"", new int[] { 0xc0, 0xaf }, "\"}"));
        p.add(bytes("{\"v\":1,\"s\":\"", new int[] { 0xe2, 0x82 }, "\"}"));
        p.add(bytes("{\"v\":1,\"s\":\"", new int[] { 0xed, 0xa0, 0x80 }, "\"}"));
        p.add(bytes("{\"v\":1,\"s\":\"", new int[] { 0xf4, 0x90, 0x80, 0x80 }, "\"}"));
        p.add(bytes("{\"v\":1}", new int[] { 0xe9 }, ""));
        // deep nesting, past Gson's nesting limit too
        p.add(utf8("{\"a\":".repeat(300) + "1" + "}".repeat(300)));
        p.add(utf8("[".repeat(1000)));
        p.add(utf8("{\"v\":1,\"a\":" + "[".repeat(1000) + "]".repeat(1000) + "}"));
        // a duplicate past the first 16 names (where Names switches to a hash set), and one within them
        StringBuilder late = new StringBuilder("{");
        for (int i = 0; i < 20; i++) late.append("\"k").append(i).append("\":").append(i).append(',');
        p.add(utf8(late + "\"k3\":\"again\"}"));
        p.add(utf8(late + "\"k19\":null}"));
        p.add(utf8("{\"k1\":1,\"k2\":2,\"k1\":3}"));
        return p;
    }

    private static String describe(byte[] payload) {
        String text = new String(payload, StandardCharsets.UTF_8);
        return (text.length() > 120 ? text.substring(0, 120) + "…" : text) + " (" + payload.length + " bytes, "
                + HexFormat.of().formatHex(payload, 0, Math.min(16, payload.length)) + "…)";
    }

    /** The fast path's result, if it took the payload, equals the tree path's; map() equals the tree path's. */
    private static boolean assertSame(GenericJsonMapper m, String topic, byte[] payload) {
        Mapped tree = m.mapWithTree(topic, payload, ARRIVAL);
        Mapped fast = m.mapFlat(topic, payload, ARRIVAL);
        if (fast != null) assertEquals(tree, fast, () -> "fast path differs on " + describe(payload) + " topic " + topic);
        assertEquals(tree, m.map(topic, payload, ARRIVAL), () -> "map() differs on " + describe(payload));
        return fast != null;
    }

    @Test
    void everyListedPayloadMapsAlikeUnderEveryRuleSet() {
        int fastTaken = 0;
        for (GenericJsonMapper m : RULES) {
            for (String topic : TOPICS) {
                for (byte[] payload : flat()) {
                    assertTrue(assertSame(m, topic, payload), () -> "fast path refused the flat " + describe(payload));
                    fastTaken++;
                }
                for (byte[] payload : others()) {
                    assertTrue(!assertSame(m, topic, payload), () -> "fast path took " + describe(payload));
                }
            }
        }
        System.out.println("listed payloads: the fast path took " + fastTaken + " of " + RULES.size() * TOPICS.length
                * (flat().size() + others().size()));
        assertTrue(fastTaken > 1000, "fast path taken " + fastTaken + " times");
    }

    @Test
    void theBenchmarkMessageTakesTheFastPathAndReadsAsBefore() {
        GenericJsonMapper m = mapper("device", -1, "ts", Set.of(), Set.of());
        byte[] payload = utf8("{\"device\": \"esp-007\", \"seq\": 7, \"temperature\": 20.7, \"humidity\": 50.5, \"ts\": 1767225600007}");
        Mapped fast = m.mapFlat("s/x", payload, ARRIVAL);
        assertNotNull(fast);
        Reading r = assertInstanceOf(Mapped.Readings.class, fast).readings().get(0);
        assertEquals("esp-007", r.device());
        assertEquals(Instant.parse("2026-01-01T00:00:00.007Z"), r.timestamp());
        assertEquals(Map.of("seq", 7L, "temperature", 20.7, "humidity", 50.5), r.fields());
        assertEquals(Map.of("site", "lab", "room", "default"), r.tags());
        // and a nested payload is not taken, but still mapped (by the tree path)
        byte[] nested = utf8("{\"device\":\"esp-007\",\"ts\":1767225600007,\"env\":{\"t\":20.7}}");
        assertNull(m.mapFlat("s/x", nested, ARRIVAL));
        assertEquals(Map.of("env_t", 20.7), assertInstanceOf(Mapped.Readings.class, m.map("s/x", nested, ARRIVAL)).readings().get(0).fields());
    }

    @Test
    void randomPayloadsMapAlike() {
        Random random = new Random(20260301L);
        int fastTaken = 0;
        int cases = 4000;
        for (int i = 0; i < cases; i++) {
            String json = randomObject(random, 0);
            int mutation = random.nextInt(20);
            if (mutation == 0) json = json.substring(0, random.nextInt(json.length() + 1)); // truncated
            else if (mutation == 1) json = json + List.of("{", "}", " x", ",", "1", "null", " ").get(random.nextInt(7)); // trailing text
            byte[] payload = utf8(json);
            GenericJsonMapper m = RULES.get(i % RULES.size());
            if (assertSame(m, TOPICS[random.nextInt(TOPICS.length)], payload)) fastTaken++;
        }
        System.out.println("random payloads: the fast path took " + fastTaken + " of " + cases);
        // the generator makes flat ones often enough for the comparison to mean something
        assertTrue(fastTaken > cases / 5, "fast path taken " + fastTaken + " of " + cases);
        assertTrue(fastTaken < cases * 9 / 10, "fast path taken " + fastTaken + " of " + cases);
    }

    private static final String[] NAMES = { "device", "ts", "time", "v", "t", "s", "n", "room", "ok", "a", "b", "a_b", "nul", "name",
        "", "k3", "temperature" };

    private static String randomObject(Random random, int depth) {
        StringBuilder s = new StringBuilder("{");
        int size = random.nextInt(depth == 0 ? 9 : 4);
        // nested values and repeated names are rarer at the top, so many objects come out flat
        boolean nest = random.nextInt(4) == 0;
        List<String> used = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (i > 0) s.append(',');
            String name = NAMES[random.nextInt(NAMES.length)];
            if (used.contains(name) && random.nextInt(4) != 0) name = name + "_" + i;
            used.add(name);
            s.append(space(random)).append('"').append(name).append('"').append(space(random)).append(':').append(space(random));
            s.append(nest && depth < 4 && random.nextInt(3) == 0 ? random.nextBoolean() ? randomObject(random, depth + 1)
                    : "[" + randomValue(random) + "]" : randomValue(random));
        }
        return s.append(space(random)).append('}').toString();
    }

    private static String space(Random random) {
        return random.nextInt(5) == 0 ? List.of(" ", "\n", "\t", "  ", "\r\n").get(random.nextInt(5)) : "";
    }

    private static final String[] STRINGS = { "\"\"", "\"x\"", "\"kitchen\"", "\" \"", "\"1767225600\"", "\"1767225600123\"",
        "\"2026-01-01T00:00:00Z\"", "\"2026-01-01T00:00:00\"", "\"caf\\u00e9\"", "\"café\"", "\"a\\\"b\"", "\"ON\"", "\"-1.5\"",
        "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"😀\"" };
    private static final String[] NUMBERS = { "0", "-0", "7", "-7", "20.7", "50.5", "1767225600", "1767225600007",
        "1767225600007000", "1767225600007000000", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "1e400", "-1e400", "1e-400", "2.5E-3", "1E5", "-0.0", "1767225600.5", "1e300" };

    private static String randomValue(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> STRINGS[random.nextInt(STRINGS.length)];
            case 1 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 2 -> Long.toString(random.nextLong() >> random.nextInt(64));
            case 3 -> Double.toString(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            case 4 -> random.nextBoolean() ? "true" : "false";
            default -> "null";
        };
    }
}
