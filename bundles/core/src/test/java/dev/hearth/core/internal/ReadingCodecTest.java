package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
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
}
