package dev.hearth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class ReadingTest {

    static final Instant T = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void theIdIsStableAndCoversEveryPart() {
        Reading a = Reading.of("pit", "temperature").tag("probe", "1").field("value", 110.5).at(T).build();
        Reading same = Reading.of("pit", "temperature").tag("probe", "1").field("value", 110.5).at(T).build();
        assertEquals(a.id(), same.id());
        assertEquals(32, a.id().length());
        assertNotEquals(a.id(), Reading.of("pit", "temperature").tag("probe", "2").field("value", 110.5).at(T).build().id());
        assertNotEquals(a.id(), Reading.of("pit", "temperature").tag("probe", "1").field("value", 110.5).at(T.plusNanos(1)).build().id());
        // the same digits as an integer and as a float are different readings
        assertNotEquals(Reading.of("d", "m").field("v", 1L).at(T).build().id(), Reading.of("d", "m").field("v", 1.0).at(T).build().id());
        // separators cannot be forged by shifting text between device and measurement
        assertNotEquals(Reading.of("ab", "c").field("v", 1L).at(T).build().id(), Reading.of("a", "bc").field("v", 1L).at(T).build().id());
    }

    @Test
    void numbersAreNormalisedToLongAndDouble() {
        Reading r = Reading.of("d", "m").fields(Map.of("i", 3, "s", (short) 4, "f", 0.1f, "b", true)).at(T).build();
        assertEquals(3L, r.fields().get("i"));
        assertEquals(4L, r.fields().get("s"));
        assertEquals(0.1, r.fields().get("f"), "a float keeps the decimal it printed as");
        assertEquals(true, r.fields().get("b"));
        assertEquals(3.0, r.number("i"));
    }

    @Test
    void malformedReadingsAreRefusedWithTheReason() {
        assertTrue(refused(() -> Reading.of("", "m").field("v", 1L).build()).contains("device is empty"));
        assertTrue(refused(() -> Reading.of("d", "m").build()).contains("at least one field"));
        assertTrue(refused(() -> Reading.of("d", "m").field("v", Double.NaN).build()).contains("finite"));
        assertTrue(refused(() -> Reading.of("d", "m").field("v", Double.POSITIVE_INFINITY).build()).contains("finite"));
        assertTrue(refused(() -> Reading.of("d\n", "m").field("v", 1L).build()).contains("control character"));
        assertTrue(refused(() -> Reading.of("d", "m").tag("k", "").field("v", 1L).build()).contains("needs a value"));
        assertTrue(refused(() -> Reading.of("d", "m").fields(Map.of("v", new Object())).build()).contains("unsupported type"));
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("v", null);
        assertTrue(refused(() -> Reading.of("d", "m").fields(nullValue).build()).contains("null"));
        assertThrows(NullPointerException.class, () -> new Reading("d", "m", new TreeMap<>(), new TreeMap<>(Map.of("v", 1L)), null));
    }

    @Test
    void oversizedReadingsAreRefused() {
        assertTrue(refused(() -> Reading.of("d".repeat(Reading.MAX_NAME_LENGTH + 1), "m").field("v", 1L).build()).contains("longer"));
        assertTrue(refused(() -> Reading.of("d", "m").field("s", "x".repeat(Reading.MAX_STRING_LENGTH + 1)).build()).contains("longer"));
        assertTrue(refused(() -> Reading.of("d", "m").tag("k", "x".repeat(Reading.MAX_TAG_VALUE_LENGTH + 1)).field("v", 1L).build())
                .contains("needs a value"));
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i <= Reading.MAX_ENTRIES; i++) many.put("f" + i, (long) i);
        assertTrue(refused(() -> Reading.of("d", "m").fields(many).build()).contains("more than"));
        // the limits themselves are allowed
        Reading.of("d".repeat(Reading.MAX_NAME_LENGTH), "m").field("s", "x".repeat(Reading.MAX_STRING_LENGTH)).build();
    }

    @Test
    void theMapsCannotBeChangedAfterwards() {
        TreeMap<String, Object> fields = new TreeMap<>(Map.of("v", 1L));
        Reading r = new Reading("d", "m", new TreeMap<>(), fields, T);
        fields.put("w", 2L);
        assertEquals(1, r.fields().size(), "a defensive copy");
        assertThrows(UnsupportedOperationException.class, () -> r.fields().put("x", 3L));
        assertThrows(UnsupportedOperationException.class, () -> r.tags().put("x", "y"));
    }

    /**
     * The maps behave as read-only sorted maps whatever the caller passed: a map in its own order
     * (a comparator) becomes natural key order, they equal (and hash and print as) TreeMaps with the same entries, lookups work,
     * and every way to change them throws.
     */
    @Test
    void theMapsAreSortedReadOnlyMapsWhateverWasPassed() {
        TreeMap<String, Object> unordered = new TreeMap<>(java.util.Comparator.reverseOrder()); // a SortedMap in its own order
        for (String k : new String[] { "zeta", "alpha", "Mid", "beta", "a", "é", "_" }) unordered.put(k, (long) k.length());
        TreeMap<String, Object> expected = new TreeMap<>(); // natural order (the SortedMap constructor would keep the comparator)
        expected.putAll(unordered);
        TreeMap<String, String> reversedTags = new TreeMap<>(java.util.Comparator.reverseOrder());
        reversedTags.putAll(Map.of("room", "lab", "floor", "1", "building", "b"));
        Reading r = new Reading("d", "m", reversedTags, unordered, T);

        assertEquals(java.util.List.copyOf(expected.keySet()), java.util.List.copyOf(r.fields().keySet()), "key order");
        assertEquals(java.util.List.of("building", "floor", "room"), java.util.List.copyOf(r.tags().keySet()));
        assertEquals(expected, r.fields());
        assertEquals(r.fields(), expected);
        assertEquals(expected.hashCode(), r.fields().hashCode());
        assertEquals(expected.toString(), r.fields().toString());
        assertEquals(4L, r.fields().get("zeta"));
        assertEquals(null, r.fields().get("missing"));
        assertEquals(null, r.fields().get(42));
        assertTrue(r.fields().containsKey("_") && !r.fields().containsKey("omega"));
        assertEquals("Mid", r.fields().firstKey());
        assertEquals("é", r.fields().lastKey());
        assertEquals(null, r.fields().comparator());
        assertEquals(expected.headMap("b"), r.fields().headMap("b"));
        assertEquals(expected.subMap("a", "z"), r.fields().subMap("a", "z"));
        assertEquals(expected.tailMap("beta"), r.fields().tailMap("beta"));
        java.util.List<String> seen = new java.util.ArrayList<>();
        r.fields().forEach((k, v) -> seen.add(k + "=" + v));
        assertEquals(expected.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(), seen);
        assertEquals(r, new Reading("d", "m", new TreeMap<>(Map.of("room", "lab", "floor", "1", "building", "b")), expected, T));

        assertThrows(UnsupportedOperationException.class, () -> r.fields().remove("zeta"));
        assertThrows(UnsupportedOperationException.class, () -> r.fields().remove("missing"));
        assertThrows(UnsupportedOperationException.class, () -> r.fields().clear());
        assertThrows(UnsupportedOperationException.class, () -> r.fields().putAll(Map.of("x", 1L)));
        assertThrows(UnsupportedOperationException.class, () -> r.fields().entrySet().iterator().next().setValue(9L));
        assertThrows(UnsupportedOperationException.class, () -> {
            var it = r.fields().keySet().iterator();
            it.next();
            it.remove();
        });
        assertThrows(UnsupportedOperationException.class, () -> r.fields().replaceAll((k, v) -> v));
        assertThrows(UnsupportedOperationException.class, () -> r.tags().headMap("m").put("a", "b"));
        Reading bare = new Reading("d", "m", new TreeMap<>(), new TreeMap<>(Map.of("v", 1L)), T);
        assertThrows(UnsupportedOperationException.class, () -> bare.tags().clear());
        assertThrows(java.util.NoSuchElementException.class, () -> bare.tags().firstKey());
        assertTrue(bare.tags().isEmpty() && bare.tags().entrySet().isEmpty());
    }

    @Test
    void outcomesNeedReasonsUnlessDelivered() {
        assertThrows(IllegalArgumentException.class, () -> Outcome.retry(" "));
        assertThrows(IllegalArgumentException.class, () -> Outcome.rejected(null));
        assertEquals(Duration.ofSeconds(30), Outcome.retry("429", Duration.ofSeconds(30)).retryAfter());
        assertEquals(3, Outcome.all(Outcome.DELIVERED, 3).size());
    }

    @Test
    void ofSortedMakesTheReadingTheConstructorMakes() {
        Instant t = Instant.ofEpochSecond(1_767_225_600L, 5);
        Reading viaMaps = new Reading("d", "m", new TreeMap<>(Map.of("room", "hall", "zone", "1")),
                new TreeMap<>(Map.of("a", 1L, "b", 2.5, "c", true, "d", "text")), t);
        String[] tagKeys = { "room", "zone" };
        String[] tagValues = { "hall", "1" };
        String[] fieldKeys = { "a", "b", "c", "d" };
        Object[] fieldValues = { 1, 2.5f, true, "text" }; // an int and a float are widened, as by the constructor
        Reading sorted = Reading.ofSorted("d", "m", tagKeys, tagValues, fieldKeys, fieldValues, t);
        assertEquals(viaMaps, sorted);
        assertEquals(viaMaps.id(), sorted.id());
        assertEquals(Long.class, sorted.fields().get("a").getClass());
        assertEquals(viaMaps.toString(), sorted.toString());
        // the arrays are copied: changing them later changes nothing
        tagValues[0] = "attic";
        fieldValues[0] = 99L;
        fieldKeys[3] = "e";
        assertEquals(viaMaps, sorted);
        assertEquals(Map.of(), Reading.ofSorted("d", "m", new String[0], new String[0], new String[] { "x" }, new Object[] { 1L }, t).tags());
    }

    @Test
    void ofSortedRefusesWhatTheConstructorRefusesAndKeysOutOfOrder() {
        Instant t = Instant.EPOCH;
        String[] none = new String[0];
        assertTrue(refused(() -> Reading.ofSorted("d", "m", none, none, new String[] { "b", "a" }, new Object[] { 1L, 2L }, t))
                .contains("twice or out of order"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", none, none, new String[] { "a", "a" }, new Object[] { 1L, 2L }, t))
                .contains("twice or out of order"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", new String[] { "k" }, none, new String[] { "a" }, new Object[] { 1L }, t))
                .contains("1 keys but 0 values"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", none, none, new String[] { "a", null }, new Object[] { 1L, 2L }, t))
                .contains("null key"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", none, none, none, new Object[0], t)).contains("at least one field"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", none, none, new String[] { "a" }, new Object[] { Double.NaN }, t))
                .contains("not a finite number"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", none, none, new String[] { "a" }, new Object[] { new int[0] }, t))
                .contains("unsupported type"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", new String[] { "k" }, new String[] { "" }, new String[] { "a" },
                new Object[] { 1L }, t)).contains("needs a value"));
        assertTrue(refused(() -> Reading.ofSorted("d", "m", new String[] { "k\u0007" }, new String[] { "v" }, new String[] { "a" },
                new Object[] { 1L }, t)).contains("control character"));
        assertTrue(refused(() -> Reading.ofSorted("", "m", none, none, new String[] { "a" }, new Object[] { 1L }, t)).contains("empty"));
        String[] many = new String[Reading.MAX_ENTRIES + 1];
        Object[] values = new Object[many.length];
        for (int i = 0; i < many.length; i++) {
            many[i] = String.format("f%04d", i);
            values[i] = (long) i;
        }
        assertTrue(refused(() -> Reading.ofSorted("d", "m", none, none, many, values, t)).contains("more than"));
    }

    @Test
    @SuppressWarnings({ "unchecked", "rawtypes" })
    void anotherReadingsMapsAreSharedOnlyInTheSameRole() {
        Reading r = Reading.of("d", "m").tag("room", "hall").field("value", 1.5).field("n", 2L).at(Instant.EPOCH).build();
        Reading copy = new Reading("d2", "m", r.tags(), r.fields(), Instant.EPOCH);
        assertEquals(r.tags(), copy.tags());
        assertTrue(copy.fields() == r.fields(), "an immutable map already checked as fields is not copied again");
        // fields smuggled in as tags (a raw cast) are checked as tags: a number is no tag value
        assertTrue(refused(() -> new Reading("d", "m", (java.util.SortedMap) r.fields(), r.fields(), Instant.EPOCH))
                .contains("needs a value"));
        // tags as fields pass the field check (strings are field values) but are still checked, not shared
        Reading tagsAsFields = new Reading("d", "m", r.tags(), (java.util.SortedMap) r.tags(), Instant.EPOCH);
        assertTrue(tagsAsFields.fields() != (Object) r.tags());
        assertEquals(Map.of("room", "hall"), tagsAsFields.fields());
    }

    /** Reading.id() as first written (a StringBuilder's text as UTF-8): the ids stores hold. */
    private static String referenceId(Reading r) throws Exception {
        StringBuilder s = new StringBuilder().append(r.device()).append('\0').append(r.measurement()).append('\1');
        r.tags().forEach((k, v) -> s.append(k).append('\0').append(v).append('\0'));
        s.append('\1');
        r.fields().forEach((k, v) -> s.append(k).append('\0').append(Reading.typeCode(v)).append(v).append('\0'));
        s.append('\1').append(r.timestamp().getEpochSecond()).append('.').append(r.timestamp().getNano());
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest, 0, 16);
    }

    @Test
    void theIdIsTheOneStoresHold() throws Exception {
        java.util.Random random = new java.util.Random(29112026);
        String[] pieces = { "a", "Z", "9", "-", " ", "é", "€", "\ud83d\ude00", "\ud800", "\udfff", "\u0000", "\u00ff", "\uffff" };
        long[] longs = { 0, 1, -1, 9, 10, -10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 999_999_999_999_999_999L,
                1_000_000_000_000_000_000L, -1_000_000_000_000_000_000L };
        double[] doubles = { 0.0, -0.0, 1.0, 0.1, 1e21, 1e-7, Double.MIN_VALUE, Double.MAX_VALUE, -123.456 };
        for (int n = 0; n < 3_000; n++) {
            Reading.Builder b = Reading.of("d" + text(random, pieces, random.nextInt(6), false), "m" + text(random, pieces, random.nextInt(4), false));
            for (int t = random.nextInt(3); t > 0; t--) b.tag("t" + t + text(random, pieces, random.nextInt(3), false), "v" + text(random, pieces, random.nextInt(8), true));
            b.field("i", random.nextBoolean() ? longs[random.nextInt(longs.length)] : random.nextLong());
            b.field("f", random.nextBoolean() ? doubles[random.nextInt(doubles.length)] : random.nextGaussian() * 1e6);
            b.field("b", random.nextBoolean()).field("s" + text(random, pieces, random.nextInt(3), false), text(random, pieces, random.nextInt(40), true));
            Instant at = Instant.ofEpochSecond(random.nextLong() % 100_000_000_000L, random.nextInt(1_000_000_000));
            Reading r = b.at(at).build();
            assertEquals(referenceId(r), r.id(), r.toString());
        }
        Reading big = Reading.of("d", "m").field("s", "€".repeat(Reading.MAX_STRING_LENGTH)).at(Instant.EPOCH).build();
        assertEquals(referenceId(big), big.id());
        Reading small = Reading.of("d", "m").field("v", 1L).at(Instant.EPOCH).build();
        assertEquals(referenceId(small), small.id(), "after a long string the thread's buffer still works");
    }

    private static String text(java.util.Random random, String[] pieces, int count, boolean controls) {
        StringBuilder s = new StringBuilder();
        while (count-- > 0) {
            String p = pieces[random.nextInt(pieces.length)];
            s.append(!controls && p.chars().anyMatch(Character::isISOControl) ? "x" : p);
        }
        return s.toString();
    }

    private static String refused(Runnable build) {
        return assertThrows(RuntimeException.class, build::run).getMessage();
    }
}
