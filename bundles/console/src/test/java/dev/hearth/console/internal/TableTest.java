package dev.hearth.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAlignAndCountsAlignRight() {
        String t = new Table("NAME", "COUNT").right(1).row("a", 5).row("longer", 12345).render();
        assertEquals("""
                NAME    COUNT
                a           5
                longer  12345
                """, t);
    }

    @Test
    void hostileCellsCannotBreakTheLayout() {
        String t = new Table("ID", "MESSAGE").maxWidth(1, 20)
                .row("x\ny", "line one\nline two\r\n\u001b[2J cleared?")
                .row(null, "x".repeat(10_000))
                .row("short") // a missing cell
                .row("a", "b", "extra cells are ignored")
                .render();
        List<String> lines = t.lines().toList();
        assertEquals(5, lines.size(), t);
        for (String l : lines) {
            assertTrue(l.length() <= "short".length() + 2 + 20, "capped: " + l);
            assertTrue(l.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "no control characters: " + l);
        }
        assertTrue(lines.get(1).startsWith("x\\ny   line one\\nline t"), lines.get(1));
        assertTrue(lines.get(2).startsWith("-   "), "null shows as -: " + lines.get(2));
        assertTrue(lines.get(2).endsWith("…"));
        assertEquals("short", lines.get(3));
    }

    @Test
    void noTrailingBlanks() {
        String t = new Table("A", "B").row("wide value", "").render();
        t.lines().forEach(l -> assertTrue(l.isEmpty() || l.charAt(l.length() - 1) != ' ', "'" + l + "'"));
    }
}
