package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

class ReadingCodecTest {

    static Reading sample() {
        return Reading.of("kitchen-ibbq", "temperature").tag("probe", "1").tag("unit", "\"°C\"\n\\")
                .field("value", 21.5).field("count", 42L).field("ok", true).field("note", "ünïcødé 🔥 \u0000 \t")
                .at(Instant.parse("2026-11-28T10:15:30.123456789Z")).build();
    }

    @Test
    void roundTripKeepsEveryTypeAndTheId() {
        Reading r = sample();
        Reading back = ReadingCodec.decode(ReadingCodec.encode(r));
        assertEquals(r, back);
        assertEquals(r.id(), back.id());
        assertEquals(Long.class, back.fields().get("count").getClass());
        assertEquals(Double.class, back.fields().get("value").getClass());
    }

    @Test
    void longestAllowedStringsFit() {
        String big = "€".repeat(Reading.MAX_STRING_LENGTH); // 3 bytes each in modified UTF-8: 48 KiB
        Reading r = Reading.of("d", "m").field("s", big).build();
        assertEquals(r, ReadingCodec.decode(ReadingCodec.encode(r)));
    }

    @Test
    void everyTruncationIsAClearError() {
        byte[] full = ReadingCodec.encode(sample());
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(cut), "truncated at " + n);
        }
    }

    @Test
    void unknownVersionTrailingBytesAndUnknownTypesAreRefused() {
        byte[] full = ReadingCodec.encode(sample());
        byte[] version = full.clone();
        version[0] = 99;
        assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(version));
        byte[] trailing = Arrays.copyOf(full, full.length + 3);
        assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(trailing));
        byte[] oneField = ReadingCodec.encode(Reading.of("d", "m").field("x", 1L).build());
        oneField[oneField.length - 9] = 'z'; // the type byte before the 8-byte long
        assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(oneField));
    }

    @Test
    void randomGarbageNeverEscapesAsAnotherException() {
        Random random = new Random(7);
        byte[] base = ReadingCodec.encode(sample());
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = i % 2 == 0 ? new byte[random.nextInt(64)] : base.clone();
            if (i % 2 == 0) random.nextBytes(junk);
            else for (int k = 0; k < 3; k++) junk[random.nextInt(junk.length)] = (byte) random.nextInt();
            try {
                Reading r = ReadingCodec.decode(junk);
                // a flip inside a value may still decode: it must then be a valid reading that round-trips
                assertEquals(r, ReadingCodec.decode(ReadingCodec.encode(r)));
            } catch (IllegalArgumentException expected) {
                // the only failure allowed
            }
        }
    }

    @Test
    void aSharedStringTableGivesTheSameReadingsAsDecodingAlone() {
        // Many distinct names and values, so that table slots are shared and replaced many times over.
        ReadingCodec.Strings strings = new ReadingCodec.Strings();
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            Reading r = Reading.of("dev-" + random.nextInt(500), "m" + random.nextInt(50))
                    .tag("k" + random.nextInt(30), "v" + random.nextInt(1000)).tag("unit", i % 7 == 0 ? "°C" : "C")
                    .field("f" + random.nextInt(40), random.nextDouble()).field("s", "x".repeat(random.nextInt(80)))
                    .at(Instant.ofEpochSecond(1_800_000_000L + i, random.nextInt(1_000_000_000))).build();
            byte[] data = ReadingCodec.encode(r);
            Reading shared = ReadingCodec.decode(data, strings);
            assertEquals(r, shared);
            assertEquals(ReadingCodec.decode(data), shared);
        }
    }

    @Test
    void damagedRowsAreRefusedAlsoWithASharedTable() {
        ReadingCodec.Strings strings = new ReadingCodec.Strings();
        byte[] full = ReadingCodec.encode(sample());
        ReadingCodec.decode(full, strings); // fill the table with the sample's names
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(cut, strings), "truncated at " + n);
        }
        Random random = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = full.clone();
            for (int k = 0; k < 3; k++) junk[random.nextInt(junk.length)] = (byte) random.nextInt();
            try {
                Reading r = ReadingCodec.decode(junk, strings);
                assertEquals(r, ReadingCodec.decode(junk)); // the table never changes what a row decodes to
            } catch (IllegalArgumentException expected) {
                assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(junk));
            }
        }
    }

    @Test
    void aControlCharacterSmuggledIntoANameByDamageIsStillRefused() {
        byte[] data = ReadingCodec.encode(Reading.of("dX", "m").field("v", 1L).build());
        // version byte, two length bytes, then "dX": turn X into a line feed
        data[4] = '\n';
        assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(data, new ReadingCodec.Strings()));
    }

    @Test
    void overlongAndMalformedUtf8IsRefused() {
        byte[] data = ReadingCodec.encode(Reading.of("dé", "m").field("v", 1L).build());
        // "d" then C3 A9 (é): make the continuation byte invalid
        data[5] = 0x41;
        assertThrows(IllegalArgumentException.class, () -> ReadingCodec.decode(data, new ReadingCodec.Strings()));
    }

    @Test
    void aDamagedRowWithKeysOutOfOrderOrRepeatedDecodesAsAMapWould() {
        byte[] data = ReadingCodec.encode(Reading.of("d", "m").tag("a", "1").tag("b", "2").field("v", 1L).build());
        // the tags sit after version(1), device(2+1), measurement(2+1), time(8+4), count(2): 0,1,'a',0,1,'1',0,1,'b',0,1,'2'
        int at = 1 + 3 + 3 + 12 + 2;
        byte[] swapped = data.clone();
        swapped[at + 2] = 'b';
        swapped[at + 8] = 'a';
        Reading r = ReadingCodec.decode(swapped, new ReadingCodec.Strings());
        assertEquals(List.of("a", "b"), List.copyOf(r.tags().keySet()));
        assertEquals("2", r.tags().get("a"));
        byte[] repeated = data.clone();
        repeated[at + 8] = 'a';
        assertEquals(java.util.Map.of("a", "2"), ReadingCodec.decode(repeated).tags(), "the later one wins");
    }

    /** The encoder before it wrote its bytes by hand: DataOutputStream, whose bytes the journal holds. */
    private static byte[] referenceEncoding(Reading r) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(r.device());
            out.writeUTF(r.measurement());
            out.writeLong(r.timestamp().getEpochSecond());
            out.writeInt(r.timestamp().getNano());
            out.writeShort(r.tags().size());
            for (var t : r.tags().entrySet()) {
                out.writeUTF(t.getKey());
                out.writeUTF(t.getValue());
            }
            out.writeShort(r.fields().size());
            for (var f : r.fields().entrySet()) {
                out.writeUTF(f.getKey());
                Object v = f.getValue();
                char type = Reading.typeCode(v);
                out.writeByte(type);
                switch (type) {
                    case 'i' -> out.writeLong((Long) v);
                    case 'f' -> out.writeDouble((Double) v);
                    case 'b' -> out.writeBoolean((Boolean) v);
                    default -> out.writeUTF((String) v);
                }
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void theEncodingIsByteForByteDataOutputStreams() throws Exception {
        Random random = new Random(20261129);
        String[] alphabet = { "a", "Z", "0", "_", " ", "\u0000", "\u007f", "\u0080", "é", "\u07ff", "\u0800", "€", "\uffff",
                "\ud83d\ude00", "\ud800", "\udc00", "\n", "\"" };
        for (int n = 0; n < 2_000; n++) {
            Reading.Builder b = Reading.of("dev-" + text(random, alphabet, 1 + random.nextInt(8), false),
                    "m" + text(random, alphabet, random.nextInt(6), false));
            for (int t = random.nextInt(4); t > 0; t--) b.tag("t" + t + text(random, alphabet, random.nextInt(5), false),
                    "v" + text(random, alphabet, random.nextInt(12), true));
            b.field("i", random.nextLong()).field("f", random.nextDouble() * Math.pow(10, random.nextInt(40) - 20))
                    .field("b", random.nextBoolean()).field("s" + text(random, alphabet, random.nextInt(4), false),
                            text(random, alphabet, random.nextInt(30), true));
            Reading r = b.at(Instant.ofEpochSecond(random.nextInt(2_000_000_000) - 1_000_000_000L, random.nextInt(1_000_000_000))).build();
            assertArrayEquals(referenceEncoding(r), ReadingCodec.encode(r), r.toString());
            assertEquals(r, ReadingCodec.decode(ReadingCodec.encode(r)));
        }
        // the longest strings a reading may carry: 16 Ki chars of three bytes each still fit the two-byte length
        Reading longest = Reading.of("d", "m").field("s", "€".repeat(Reading.MAX_STRING_LENGTH)).at(Instant.EPOCH).build();
        assertArrayEquals(referenceEncoding(longest), ReadingCodec.encode(longest));
        assertEquals(longest, ReadingCodec.decode(ReadingCodec.encode(longest)));
    }

    /** Random text from the alphabet; control characters only where values allow them (names refuse them). */
    private static String text(Random random, String[] alphabet, int count, boolean controlsAllowed) {
        StringBuilder s = new StringBuilder();
        while (count-- > 0) {
            String piece = alphabet[random.nextInt(alphabet.length)];
            if (!controlsAllowed && piece.chars().anyMatch(Character::isISOControl)) piece = "x";
            s.append(piece);
        }
        return s.toString();
    }

    @Test
    void aDecodedReadingsMapsAreWellBehavedSortedMaps() {
        Reading original = Reading.of("d", "m").field("a", 1L).field("c", 2.5).field("e", "x").tag("t", "1").at(Instant.ofEpochSecond(5)).build();
        Reading r = ReadingCodec.decode(ReadingCodec.encode(original), new ReadingCodec.Strings());
        assertEquals(original, r);
        assertEquals(original.id(), r.id());
        java.util.SortedMap<String, Object> view = r.fields();
        java.util.TreeMap<String, Object> tree = new java.util.TreeMap<>(java.util.Map.of("a", 1L, "c", 2.5, "e", "x"));
        assertEquals(tree, view);
        assertEquals(view, tree);
        assertEquals(tree.hashCode(), view.hashCode());
        assertEquals(List.copyOf(tree.entrySet()), List.copyOf(view.entrySet()));
        assertEquals("a", view.firstKey());
        assertEquals("e", view.lastKey());
        assertEquals(tree.headMap("c"), view.headMap("c"));
        assertEquals(tree.tailMap("b"), view.tailMap("b"));
        assertEquals(tree.subMap("b", "e"), view.subMap("b", "e"));
        assertEquals(null, view.comparator());
        assertEquals(2.5, view.get("c"));
        assertThrows(UnsupportedOperationException.class, () -> view.put("z", 1L));
        assertEquals(tree, new java.util.TreeMap<>(view)); // the linear copy from a sorted map reads it in order
    }
}
