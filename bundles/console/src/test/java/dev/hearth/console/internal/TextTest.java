package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void cleanShowsControlAndInvisibleCharactersAsEscapes() {
        assertEquals("a\\nb\\r\\tc", Text.clean("a\nb\r\tc", 100));
        assertEquals("\\u001b[31mred\\u001b[0m", Text.clean("\u001b[31mred\u001b[0m", 100));
        assertEquals("nul\\u0000 c1\\u009b", Text.clean("nul\0 c1\u009b", 100));
        assertEquals("bidi\\u202e \\u2028\\u2029 zw\\u200b", Text.clean("bidi\u202e \u2028\u2029 zw\u200b", 100));
        assertEquals("lone \\ud800", Text.clean("lone \ud800", 100));
        assertEquals("温度 ✓ 🔥", Text.clean("温度 ✓ 🔥", 100));
        assertEquals("-", Text.clean(null, 10));
    }

    @Test
    void cleanCutsToTheWidthWithAnEllipsisAndNeverSplitsAPair() {
        assertEquals("abcdefghi…", Text.clean("abcdefghijklmnop", 10));
        assertEquals(10, Text.clean("x".repeat(100_000), 10).length());
        assertEquals("abcdefghij", Text.clean("abcdefghij", 10));
        String cut = Text.clean("123456789🔥🔥", 10);
        assertEquals("123456789…", cut);
        String emoji = Text.clean("🔥".repeat(20), 7);
        assertTrue(emoji.length() <= 7, emoji);
        assertFalse(Character.isHighSurrogate(emoji.charAt(emoji.length() - 2)), "no half of a surrogate pair");
        String escapes = Text.clean("\n".repeat(50), 9);
        assertTrue(escapes.length() <= 9 && escapes.endsWith("…") && !escapes.contains("\n"), escapes);
    }

    @Test
    void durationsAgesBytesAndMillis() {
        assertEquals("850ms", Text.duration(Duration.ofMillis(850)));
        assertEquals("45s", Text.duration(Duration.ofSeconds(45)));
        assertEquals("3m12s", Text.duration(Duration.ofSeconds(192)));
        assertEquals("2h05m", Text.duration(Duration.ofMinutes(125)));
        assertEquals("3d04h", Text.duration(Duration.ofHours(76)));
        assertEquals("-45s", Text.duration(Duration.ofSeconds(-45)));
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        assertEquals("3m12s ago", Text.age(now.minusSeconds(192), now));
        assertEquals("in 5s", Text.age(now.plusSeconds(5), now));
        assertEquals("-", Text.age(null, now));
        assertEquals("512 B", Text.bytes(512));
        assertEquals("1.5 KiB", Text.bytes(1536));
        assertEquals("256 MiB", Text.bytes(256L << 20));
        assertEquals("-1 KiB", Text.bytes(-1024));
        assertEquals("8 EiB", Text.bytes(Long.MAX_VALUE));
        assertEquals("12.3 ms", Text.millis(12.34));
        assertEquals("850 ms", Text.millis(850));
        assertEquals("-", Text.millis(Double.NaN));
    }
}
