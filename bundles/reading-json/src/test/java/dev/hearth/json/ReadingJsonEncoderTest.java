package dev.hearth.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

/** The fast encoder against the documented one: the same bytes, and the id is Reading.id(). */
class ReadingJsonEncoderTest {

    /**
     * The reference: the object written by Gson's JsonWriter (as ReadingJson did before the encoder),
     * encoded as UTF-8 (an unpaired surrogate becomes '?').
     */
    static String gson(Reading r) {
        return gson(r, null);
    }

    /**
     * With {@code timestampKey}, the document layout of {@link ReadingJsonEncoder#encodeDocument}
     * (as the Elasticsearch sink wrote it with Gson before): the time first under that key, no id.
     */
    static String gson(Reading r, String timestampKey) {
        java.io.StringWriter out = new java.io.StringWriter(256);
        try (com.google.gson.stream.JsonWriter json = new com.google.gson.stream.JsonWriter(out)) {
            json.beginObject();
            if (timestampKey != null) json.name(timestampKey).value(r.timestamp().toString());
            else json.name("id").value(r.id());
            json.name("device").value(r.device());
            json.name("measurement").value(r.measurement());
            if (timestampKey == null) json.name("time").value(r.timestamp().toString());
            json.name("tags").beginObject();
            for (var t : r.tags().entrySet()) json.name(t.getKey()).value(t.getValue());
            json.endObject();
            json.name("fields").beginObject();
            for (var f : r.fields().entrySet()) {
                json.name(f.getKey());
                switch (Reading.typeCode(f.getValue())) {
                    case 'i' -> json.value((long) (Long) f.getValue());
                    case 'f' -> json.value((double) (Double) f.getValue());
                    case 'b' -> json.value((boolean) (Boolean) f.getValue());
                    default -> json.value((String) f.getValue());
                }
            }
            json.endObject();
            json.endObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Both layouts, from one encoder in turn (its buffers are reused between them). */
    private static void same(ReadingJsonEncoder encoder, Reading r) {
        same(gson(r), encoder.encode(r));
        same(gson(r, "@timestamp"), encoder.encodeDocument(r, "@timestamp"));
        same(gson(r, "t\"\u00e9"), encoder.encodeDocument(r, "t\"\u00e9"));
        // appended to what a body already holds, which stays as it was
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(new byte[] { 'x', '\n' });
        encoder.encodeDocument(r, "@timestamp", body);
        same("x\n" + gson(r, "@timestamp"), body.toByteArray());
    }

    private static void same(String reference, byte[] actual) {
        byte[] expected = reference.getBytes(StandardCharsets.UTF_8);
        assertEquals(visible(new String(expected, StandardCharsets.UTF_8)), visible(new String(actual, StandardCharsets.UTF_8)));
        assertArrayEquals(expected, actual);
    }

    /** Non-ASCII as \\uXXXX, so that a failure prints readably. */
    private static String visible(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("<%04x>", c) : String.valueOf((char) c)));
        return b.toString();
    }

    @Test
    void ordinaryReadingsEncodeAsReadingJson() {
        ReadingJsonEncoder e = new ReadingJsonEncoder();
        for (long seq = 1; seq <= 3000; seq++) {
            same(e, Reading.of("bench", "load").tag("bundle_version", "0.1.0.SNAPSHOT").field("seq", seq)
                    .field("value", (seq % 1000) / 10.0).at(Instant.ofEpochMilli(1_767_225_600_000L + seq)).build());
        }
        same(e, Reading.of("d", "m").at(Instant.parse("2026-01-01T00:00:00Z")).tag("k", "v").field("i", 3L).field("f", 1.0)
                .field("b", false).field("s", "x").build());
    }

    @Test
    void hostileStringsEscapeAsGsonDoes() {
        ReadingJsonEncoder e = new ReadingJsonEncoder();
        String[] nasty = { "\"", "\\", "\u0000", "\u001f", "\t\b\n\r\f", "\u007f", "\u2028\u2029", "é", "°C µg/m³", "日本",
            "\uD83D\uDE00", "\uD83D", "\uDE00x", "a\uD83Dz", "</script>", "'&=", "\u0080\u00ff", "x\"é\n\u2028\\" };
        for (String s : nasty) {
            String name = s.chars().anyMatch(Character::isISOControl) ? "k" : "k" + s;
            same(e, Reading.of("dev" + (s.chars().anyMatch(Character::isISOControl) ? "" : s), "m").tag(name, s)
                    .field(name, s).field("n", 1L).build());
        }
    }

    @Test
    void numbersAndTimesOfEveryShape() {
        ReadingJsonEncoder e = new ReadingJsonEncoder();
        double[] doubles = { 0.0, -0.0, 1.0, -1.5e-7, 1e7, 1.0E-3, 2.0E-3, 123456789.125, Double.MAX_VALUE, Double.MIN_VALUE,
            -Double.MIN_NORMAL, 0.1 + 0.2, 1e21, 1e-300 };
        long[] longs = { 0, -1, Long.MAX_VALUE, Long.MIN_VALUE };
        Instant[] times = { Instant.EPOCH, Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("0000-01-01T00:00:00Z"),
            Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("9999-12-31T23:59:59.5Z"), Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("2024-02-29T12:00:00.000001Z"), Instant.parse("2026-01-01T00:00:00.000000001Z"), Instant.MIN, Instant.MAX,
            Instant.parse("0999-06-30T00:00:00.120Z") };
        for (double d : doubles) same(e, Reading.of("d", "m").field("v", d).at(Instant.EPOCH).build());
        for (long l : longs) same(e, Reading.of("d", "m").field("v", l).field("t", true).at(Instant.EPOCH).build());
        for (Instant t : times) same(e, Reading.of("d", "m").field("v", 1L).at(t).build());
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong() % 400_000_000_000L, random.nextInt(4) == 0 ? 0
                    : random.nextBoolean() ? random.nextInt(1000) * 1_000_000 : random.nextInt(1_000_000_000));
            same(e, Reading.of("d", "m").field("v", Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL))
                    .field("w", random.nextLong()).at(t).build());
        }
    }

    @Test
    void bigReadingsGrowTheBuffers() {
        ReadingJsonEncoder e = new ReadingJsonEncoder();
        Reading.Builder b = Reading.of("d".repeat(Reading.MAX_NAME_LENGTH), "m");
        for (int i = 0; i < Reading.MAX_ENTRIES; i++) b.tag("tag" + i, "v".repeat(Reading.MAX_TAG_VALUE_LENGTH)).field("f" + i, "é".repeat(200));
        same(e, b.build());
        same(e, Reading.of("d", "m").field("v", 1L).build()); // and small again after
    }
}
