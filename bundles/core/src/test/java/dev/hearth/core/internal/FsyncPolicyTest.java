package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fsync policies: the level each sets on the journal's committing connection, as SQLite reads it
 * back (SQLite takes a misspelt level silently), and a journal under each one opens, commits and
 * keeps its readings and cursors across a reopen, also when the policy changes between runs. How
 * often the journal then fsyncs is SQLite's, not measured here.
 */
class FsyncPolicyTest {

    @TempDir
    Path dir;

    /** SQLite's numbers for the levels: OFF 0, NORMAL 1, FULL 2 (https://sqlite.org/pragma.html#pragma_synchronous). */
    private static int documentedLevel(FsyncPolicy p) {
        return switch (p) {
            case off -> 0;
            case normal -> 1;
            case full -> 2;
        };
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void theJournalCommitsAtTheSynchronousLevelItsPolicyDocuments(FsyncPolicy policy) throws SQLException {
        // First under another policy, so that a level the journal failed to set would show.
        FsyncPolicy other = documentedLevel(policy) == 2 ? FsyncPolicy.off : FsyncPolicy.full;
        Path file = dir.resolve("levels.db");
        try (Journal j = new Journal(file, other, 64L << 20, 100)) {
            assertEquals(documentedLevel(other), j.synchronousLevel());
        }
        try (Journal j = new Journal(file, policy, 64L << 20, 100)) {
            assertEquals(documentedLevel(policy), j.synchronousLevel(), policy + " -> PRAGMA synchronous=" + policy.pragma());
            j.commit(JournalTest.readings(1, 3), Map.of(), List.of());
            assertEquals(documentedLevel(policy), j.synchronousLevel(), "after a commit");
        }
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void aJournalUnderEachPolicyCommitsAndKeepsItsReadingsAcrossAReopen(FsyncPolicy policy) throws Exception {
        Path file = dir.resolve("journal.db");
        List<byte[]> first = JournalTest.readings(1, 50);
        try (Journal j = new Journal(file, policy, 64L << 20, 100)) {
            assertEquals(50, j.commit(first, Map.of(), List.of()));
            assertEquals(0, j.cursor("sink-a"));
            j.commit(JournalTest.readings(51, 25), Map.of("sink-a", 30L), List.of());
        }
        assertEquals("wal", journalMode(file), "the journal runs in WAL mode under " + policy);
        try (Journal j = new Journal(file, policy, 64L << 20, 100)) {
            assertEquals(75, j.lastSequence());
            assertEquals(75, j.rows());
            assertEquals(30, j.cursorOf("sink-a"));
            List<Journal.Row> rows = j.read(0, 1000);
            assertEquals(75, rows.size());
            for (int i = 0; i < 50; i++) {
                assertEquals(i + 1, rows.get(i).seq());
                assertArrayEquals(first.get(i), rows.get(i).data(), "reading " + (i + 1) + " under " + policy);
            }
            assertEquals(75L, ReadingCodec.decode(rows.get(74).data()).fields().get("seq"));
        }
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void aJournalWrittenUnderOnePolicyReopensUnderAnother(FsyncPolicy later) throws Exception {
        Path file = dir.resolve("journal.db");
        FsyncPolicy earlier = FsyncPolicy.values()[(later.ordinal() + 1) % FsyncPolicy.values().length];
        try (Journal j = new Journal(file, earlier, 64L << 20, 100)) {
            j.commit(JournalTest.readings(1, 10), Map.of("sink-a", 4L), List.of());
        }
        try (Journal j = new Journal(file, later, 64L << 20, 100)) {
            assertEquals(10, j.lastSequence());
            assertEquals(4, j.cursorOf("sink-a"));
            assertEquals(13, j.commit(JournalTest.readings(11, 3), Map.of(), List.of()));
            assertEquals(9, j.read(4, 100).size());
        }
        try (Journal j = new Journal(file, earlier, 64L << 20, 100)) {
            assertEquals(13, j.lastSequence());
            assertEquals(13, j.rows());
        }
    }

    private static String journalMode(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
            return r.getString(1);
        }
    }
}
