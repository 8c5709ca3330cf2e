package dev.hearth.driver.loadgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

class LoadSequenceTest {

    final LoadSequence sequence = new LoadSequence("loadgen", "0.1.0.SNAPSHOT", 1_767_225_600_000L);

    @Test
    void readingNIsAFunctionOfN() {
        Reading r = sequence.reading(1);
        assertEquals("loadgen", r.device());
        assertEquals("load", r.measurement());
        assertEquals(Map.of("bundle_version", "0.1.0.SNAPSHOT"), r.tags());
        assertEquals(1L, r.fields().get("seq"));
        assertEquals(0.1, r.fields().get("value"));
        assertEquals(Instant.parse("2026-01-01T00:00:00.001Z"), r.timestamp());

        Reading r1999 = sequence.reading(1999);
        assertEquals(1999L, r1999.fields().get("seq"));
        assertEquals(99.9, r1999.fields().get("value"));
        assertEquals(0.0, sequence.reading(2000).fields().get("value"));
        assertEquals(Instant.parse("2026-01-01T00:00:01.999Z"), r1999.timestamp());
    }

    @Test
    void idsAreStableAcrossRunsAndDistinctAcrossSeqs() {
        LoadSequence again = new LoadSequence("loadgen", "0.1.0.SNAPSHOT", 1_767_225_600_000L);
        for (long s = 1; s <= 1000; s++) assertEquals(sequence.reading(s).id(), again.reading(s).id());
        // pinned, so a change to what a reading holds (and thus to its id) is noticed
        assertEquals("b1456f5961a6b99c4eda2ca299564304",
                new LoadSequence("loadgen", "0.1.0.SNAPSHOT", 1_767_225_600_000L).reading(1).id());
        assertEquals(1000, sequence.batch(1, 1000).stream().map(Reading::id).distinct().count());
        assertNotEquals(sequence.reading(1).id(), new LoadSequence("loadgen", "0.2.0", 1_767_225_600_000L).reading(1).id(),
                "the bundle version is part of the reading");
    }

    @Test
    void batchesAreConsecutive() {
        List<Reading> b = sequence.batch(41, 3);
        assertEquals(List.of(41L, 42L, 43L), b.stream().map(r -> r.fields().get("seq")).toList());
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertThrows(IllegalArgumentException.class, () -> sequence.reading(0));
        assertThrows(IllegalArgumentException.class, () -> sequence.reading(LoadSequence.MAX_SEQ + 1));
        assertThrows(IllegalArgumentException.class, () -> new LoadSequence("bad\ndevice", "1", 0));
        assertThrows(IllegalArgumentException.class, () -> new LoadSequence("", "1", 0));
        assertThrows(IllegalArgumentException.class, () -> new LoadSequence("x", "1", -1));
        sequence.reading(LoadSequence.MAX_SEQ); // the largest still has a valid timestamp
    }
}
