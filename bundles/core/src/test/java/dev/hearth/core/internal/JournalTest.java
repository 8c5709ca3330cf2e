package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.Reading;

class JournalTest {

    @TempDir
    Path dir;

    static List<byte[]> readings(int from, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(ReadingCodec.encode(Reading.of("dev", "m").field("seq", (long) i).build()));
        }
        return out;
    }

    Journal open(long maxBytes) throws SQLException {
        return new Journal(dir.resolve("journal.db"), FsyncPolicy.full, maxBytes, 100);
    }

    @Test
    void commitsReadsInOrderAndSurvivesReopen() throws Exception {
        try (Journal j = open(64L << 20)) {
            assertEquals(10, j.commit(readings(1, 10), Map.of(), List.of()));
            assertEquals(0, j.cursor("a"));
            j.commit(List.of(), Map.of("a", 4L), List.of());
            List<Journal.Row> rows = j.read(4, 100);
            assertEquals(6, rows.size());
            assertEquals(5, rows.get(0).seq());
            assertEquals(5L, ReadingCodec.decode(rows.get(0).data()).fields().get("seq"));
        }
        try (Journal j = open(64L << 20)) {
            assertEquals(10, j.lastSequence());
            assertEquals(4, j.cursor("a"));
            assertEquals(10, j.rows());
        }
    }

    @Test
    void aNewJournalHasSmallPagesAndAnOldOneKeepsItsOwn() throws Exception {
        // the page size sets the bytes a commit writes (see Journal.PAGE_SIZE)
        try (Journal j = open(64L << 20)) {
            j.commit(readings(1, 3), Map.of(), List.of());
        }
        assertEquals(Journal.PAGE_SIZE, pageSize(dir.resolve("journal.db")));
        // a journal made with SQLite's default page size (as before) opens, works and keeps it
        Path old = dir.resolve("old.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old); Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size=4096");
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("CREATE TABLE readings (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)");
        }
        try (Journal j = new Journal(old, FsyncPolicy.full, 64L << 20, 100)) {
            assertEquals(3, j.commit(readings(1, 3), Map.of(), List.of()));
        }
        assertEquals(4096, pageSize(old));
    }

    private static int pageSize(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
                java.sql.ResultSet r = st.executeQuery("PRAGMA page_size")) {
            return r.getInt(1);
        }
    }

    @Test
    void theLastSequenceSurvivesEveryRowAndCursorGoing() throws Exception {
        // Commits do not write the last sequence down (the newest row says it); deletes must, or a
        // journal emptied by its only sink, which then goes, would number readings anew after a restart.
        try (Journal j = open(64L << 20)) {
            j.commit(readings(1, 10), Map.of("a", 10L), List.of());
            assertEquals(10, j.prune());
            j.forget("a");
            assertEquals(0, j.rows());
        }
        try (Journal j = open(64L << 20)) {
            assertEquals(10, j.lastSequence());
            assertEquals(11, j.commit(readings(11, 1), Map.of(), List.of()), "numbering goes on");
            assertEquals(1, j.dropOldest(1.0).rows(), "dropped with no sink to move");
            assertEquals(0, j.rows());
        }
        try (Journal j = open(64L << 20)) {
            assertEquals(11, j.lastSequence(), "a drop keeps the last sequence too");
            assertEquals(11, j.firstSequence() - 1);
        }
    }

    @Test
    void aNewSinkStartsWithEverythingStillHeldAndCursorsNeverMoveBack() throws Exception {
        try (Journal j = open(64L << 20)) {
            j.commit(readings(1, 10), Map.of("a", 6L), List.of());
            j.prune(); // a is done with 1..6
            assertEquals(4, j.rows());
            assertEquals(6, j.cursor("b"), "b starts before the oldest reading still held");
            j.commit(List.of(), Map.of("a", 3L), List.of());
            assertEquals(6, j.cursors().get("a"));
        }
        try (Journal j = open(64L << 20)) {
            assertEquals(6, j.cursors().get("a"), "the stale move did not reach the file either");
        }
    }

    @Test
    void pruneKeepsWhatTheSlowestSinkStillNeedsAndNothingWithoutSinks() throws Exception {
        try (Journal j = open(64L << 20)) {
            j.commit(readings(1, 10), Map.of(), List.of());
            assertEquals(0, j.prune());
            j.commit(List.of(), Map.of("fast", 10L, "slow", 2L), List.of());
            assertEquals(2, j.prune());
            assertEquals(3, j.firstSequence());
        }
    }

    @Test
    void dropOldestMovesCursorsAndCountsEachSinksLoss() throws Exception {
        try (Journal j = open(64L << 20)) {
            j.commit(readings(1, 100), Map.of("behind", 0L, "ahead", 90L), List.of());
            Journal.Dropped d = j.dropOldest(0.25);
            assertEquals(25, d.rows());
            assertEquals(25, d.upTo());
            assertEquals(Map.of("behind", 25L), d.perSink());
            assertEquals(25, j.cursors().get("behind"));
            assertEquals(90, j.cursors().get("ahead"));
            assertEquals(75, j.rows());
        }
    }

    @Test
    void theBoundLooksLikeAFullDisk() throws Exception {
        try (Journal j = open(256 << 10)) {
            SQLException full = null;
            for (int i = 0; i < 1000 && full == null; i++) {
                try {
                    j.commit(readings(i * 100, 100), Map.of(), List.of());
                } catch (SQLException e) {
                    full = e;
                }
            }
            assertTrue(full != null && Journal.isFull(full), "the ceiling was reached as SQLITE_FULL: " + full);
            long before = j.lastSequence();
            j.dropOldest(0.5);
            j.commit(readings(0, 100), Map.of(), List.of());
            assertEquals(before + 100, j.lastSequence(), "after dropping, commits go through again");
        }
    }

    @Test
    void deadLettersAreKeptPerSinkAndTrimmed() throws Exception {
        try (Journal j = open(64L << 20)) {
            List<Journal.DeadLetterRow> rows = new ArrayList<>();
            for (int i = 0; i < 150; i++) rows.add(new Journal.DeadLetterRow("s", i, new byte[] { 1 }, "bad " + i, i));
            j.commit(List.of(), Map.of(), rows);
            List<Journal.DeadLetterRow> kept = j.deadLetters("s", 1000);
            assertEquals(100, kept.size(), "trimmed to the configured 100");
            assertEquals("bad 149", kept.get(0).reason(), "newest first");
            assertEquals(Map.of("s", 100L), j.deadLetterCounts());
        }
    }

    @Test
    void aDamagedFileIsMovedAsideAndANewJournalStarts() throws Exception {
        Path file = dir.resolve("journal.db");
        Files.write(file, "this is not a database, it is a shopping list\n".repeat(200).getBytes());
        List<String> warnings = new ArrayList<>();
        try (Journal j = Journal.open(file, FsyncPolicy.full, 1 << 20, 10, warnings::add)) {
            j.commit(readings(1, 3), Map.of(), List.of());
            assertEquals(3, j.rows());
        }
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("moved to"), warnings.get(0));
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("journal.db.corrupt-")));
        }
        assertFalse(Journal.isCorrupt(new SQLException("something else")));
    }
}
