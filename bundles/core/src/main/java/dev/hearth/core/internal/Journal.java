package dev.hearth.core.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.sqlite.JDBC;
import org.sqlite.SQLiteErrorCode;

/**
 * The store-and-forward journal: accepted readings, one cursor per sink, and dead letters, in one
 * SQLite file in WAL mode (crash-safe, one file, inspectable with {@code sqlite3}).
 *
 * <p>Only one thread writes ({@link #commit}, {@link #dropOldest}, {@link #prune}, cursor
 * housekeeping); any thread may read. Readers use their own connection so that, in WAL mode,
 * they never wait for the writer.
 */
final class Journal implements AutoCloseable {

    /** A reading as stored: its sequence number and encoded bytes. */
    record Row(long seq, byte[] data) {
    }

    /** A rejected reading on its way to the dead letters. */
    record DeadLetterRow(String sink, long seq, byte[] data, String reason, long atMillis) {
    }

    /** What {@link #dropOldest} removed: up to which sequence, how many rows, and how many each sink lost. */
    record Dropped(long upTo, long rows, Map<String, Long> perSink) {
    }

    private final Path file;
    private final long maxBytes;
    private final int deadLettersPerSink;
    private final Connection writer;
    private final Connection reader;
    private final PreparedStatement insertReading;
    private final PreparedStatement upsertCursor;
    private final PreparedStatement insertDeadLetter;
    private final PreparedStatement trimDeadLetters;
    private final PreparedStatement setMeta;
    private final PreparedStatement readBatch;
    private final int pageSize;
    private long lastSeq;
    private long rows;
    private final Map<String, Long> cursors = new HashMap<>();

    Journal(Path file, FsyncPolicy fsync, long maxBytes, int deadLettersPerSink) throws SQLException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.deadLettersPerSink = deadLettersPerSink;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create the journal directory for " + file + ": " + e.getMessage(), e);
        }
        // The driver is instantiated directly: DriverManager's service loading does not cross bundles.
        JDBC driver = new JDBC();
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        writer = driver.connect(url, new Properties());
        reader = driver.connect(url, new Properties());
        try {
            pageSize = prepare(fsync, maxBytes);
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
        writer.setAutoCommit(false);
        insertReading = writer.prepareStatement("INSERT INTO readings (seq, data) VALUES (?, ?)");
        upsertCursor = writer.prepareStatement("INSERT INTO cursors (sink, seq, seen) VALUES (?, ?, ?)"
                + " ON CONFLICT (sink) DO UPDATE SET seq = MAX(seq, excluded.seq), seen = excluded.seen");
        insertDeadLetter = writer.prepareStatement("INSERT INTO dead_letters (sink, seq, reason, at, data) VALUES (?, ?, ?, ?, ?)");
        trimDeadLetters = writer.prepareStatement("DELETE FROM dead_letters WHERE sink = ? AND id <= "
                + "(SELECT id FROM dead_letters WHERE sink = ? ORDER BY id DESC LIMIT 1 OFFSET ?)");
        setMeta = writer.prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?)"
                + " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        readBatch = reader.prepareStatement("SELECT seq, data FROM readings WHERE seq > ? ORDER BY seq LIMIT ?");
    }

    private int prepare(FsyncPolicy fsync, long maxBytes) throws SQLException {
        try (Statement s = writer.createStatement()) {
            // 2 KiB pages for a new journal (one that exists keeps its own; WAL mode fixes it). Every
            // commit writes each page it touched, whole, to the WAL, and at a home's trickle every
            // reading is a commit of its own: bench/disk_writes.py --rate 10 measured 13,958 bytes
            // written per reading with SQLite's default 4 KiB pages, 9,320 and 9,338 with 2 KiB (two runs) and 7,560 with
            // 1 KiB. 1 KiB pages made a replay's deletes and reads slower (core README); 2 KiB did not.
            s.execute("PRAGMA page_size=" + PAGE_SIZE);
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + fsync.pragma());
            int pageSize;
            try (ResultSet r = s.executeQuery("PRAGMA page_size")) {
                pageSize = r.getInt(1);
            }
            // A small WAL: checkpoint once it holds WAL_BYTES, and truncate it to that size afterwards,
            // so it does not sit at a high-water mark on the SD card, and so that on a full disk the
            // reserve (RESERVE_BYTES, twice as large) covers what a checkpoint adds to the database file.
            s.execute("PRAGMA wal_autocheckpoint=" + WAL_BYTES / pageSize);
            s.execute("PRAGMA journal_size_limit=" + WAL_BYTES);
            s.execute("PRAGMA busy_timeout=10000");
            s.execute("CREATE TABLE IF NOT EXISTS readings (seq INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS cursors (sink TEXT PRIMARY KEY, seq INTEGER NOT NULL, seen INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS dead_letters (id INTEGER PRIMARY KEY, sink TEXT NOT NULL, seq INTEGER NOT NULL,"
                    + " reason TEXT NOT NULL, at INTEGER NOT NULL, data BLOB NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS dead_letters_sink ON dead_letters (sink, id)");
            s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            // A hard ceiling a little above the bound: reaching it looks exactly like a full disk
            // (SQLITE_FULL), and both are answered by dropping the oldest readings.
            long ceilingPages = Math.max(64, (maxBytes + maxBytes / 8) / pageSize + 256);
            s.execute("PRAGMA max_page_count=" + ceilingPages);
            long metaLast = 0;
            try (ResultSet r = s.executeQuery("SELECT value FROM meta WHERE key='last_seq'")) {
                if (r.next()) metaLast = r.getLong(1);
            }
            try (ResultSet r = s.executeQuery("SELECT COALESCE(MAX(seq),0), COUNT(*) FROM readings")) {
                lastSeq = Math.max(metaLast, r.getLong(1));
                rows = r.getLong(2);
            }
            try (ResultSet r = s.executeQuery("SELECT sink, seq FROM cursors")) {
                while (r.next()) {
                    cursors.put(r.getString(1), r.getLong(2));
                    lastSeq = Math.max(lastSeq, r.getLong(2));
                }
            }
        }
        try (Statement s = reader.createStatement()) {
            s.execute("PRAGMA busy_timeout=10000");
            // A damaged file often opens fine and fails on first real use: look now, not at the first commit.
            try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
                String result = r.next() ? r.getString(1) : "no answer";
                if (!"ok".equals(result)) throw new SQLException("journal integrity check failed: " + result, null, SQLiteErrorCode.SQLITE_CORRUPT.code);
            }
        }
        return pageSize;
    }

    /**
     * Opens the journal at {@code file}; a file that is not a healthy SQLite database (damaged by
     * a failing SD card, or not a journal at all) is moved aside under a {@code .corrupt-<time>}
     * name, named in the returned warning, and a new journal is started, so the gateway keeps
     * running and the damaged file stays available for recovery.
     */
    static Journal open(Path file, FsyncPolicy fsync, long maxBytes, int deadLettersPerSink,
            java.util.function.Consumer<String> warn) throws SQLException {
        try {
            return new Journal(file, fsync, maxBytes, deadLettersPerSink);
        } catch (SQLException e) {
            if (!isCorrupt(e)) throw e;
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
            try {
                Files.move(file, aside);
                for (String suffix : List.of("-wal", "-shm")) {
                    Path extra = file.resolveSibling(file.getFileName() + suffix);
                    if (Files.exists(extra)) Files.move(extra, aside.resolveSibling(aside.getFileName() + suffix));
                }
            } catch (java.io.IOException io) {
                throw new SQLException("journal " + file + " is damaged (" + e.getMessage()
                        + ") and could not be moved aside: " + io.getMessage(), e);
            }
            warn.accept("journal " + file + " is damaged (" + e.getMessage() + "); moved to " + aside
                    + " and started a new journal");
            return new Journal(file, fsync, maxBytes, deadLettersPerSink);
        }
    }

    static boolean isCorrupt(SQLException e) {
        int code = e.getErrorCode();
        String m = String.valueOf(e.getMessage());
        return code == SQLiteErrorCode.SQLITE_CORRUPT.code || code == SQLiteErrorCode.SQLITE_NOTADB.code
                || m.contains("SQLITE_CORRUPT") || m.contains("SQLITE_NOTADB") || m.contains("integrity check failed");
    }

    private void closeQuietly() {
        for (Connection c : List.of(reader, writer)) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing
            }
        }
    }

    Path file() {
        return file;
    }

    long maxBytes() {
        return maxBytes;
    }

    synchronized long lastSequence() {
        return lastSeq;
    }

    synchronized long rows() {
        return rows;
    }

    /** SQLite's {@code synchronous} level on the connection that commits (0 off, 1 normal, 2 full). */
    synchronized int synchronousLevel() throws SQLException {
        try (Statement s = writer.createStatement(); ResultSet r = s.executeQuery("PRAGMA synchronous")) {
            return r.getInt(1);
        }
    }

    /** One sink's committed cursor, or {@code Long.MIN_VALUE} if it has none. */
    synchronized long cursorOf(String sink) {
        return cursors.getOrDefault(sink, Long.MIN_VALUE);
    }

    /** The cursors as last committed (sink id to the sequence of the last reading it is done with). */
    synchronized Map<String, Long> cursors() {
        return Map.copyOf(cursors);
    }

    /**
     * Commits, in one transaction, new readings (numbered from {@code lastSequence() + 1}), cursor
     * moves and dead letters.
     *
     * @return the sequence number given to the last reading (unchanged if none)
     * @throws SQLException with {@link SQLiteErrorCode#SQLITE_FULL} when the disk or the bound is reached; nothing is then committed
     */
    synchronized long commit(List<byte[]> readings, Map<String, Long> cursorMoves, List<DeadLetterRow> deadLetters)
            throws SQLException {
        long seq = lastSeq;
        try {
            for (byte[] data : readings) {
                insertReading.setLong(1, ++seq);
                insertReading.setBytes(2, data);
                insertReading.addBatch();
            }
            if (!readings.isEmpty()) {
                insertReading.executeBatch();
                // No last_seq in meta here: the newest row says it (see deleteRows). Writing it cost a
                // page more in the WAL per group commit, about a sixth of the journal's disk writes
                // when an MQTT input commits a few dozen readings at a time (bench/mqtt_input.py).
            }
            long now = System.currentTimeMillis();
            for (var move : cursorMoves.entrySet()) {
                upsertCursor.setString(1, move.getKey());
                upsertCursor.setLong(2, move.getValue());
                upsertCursor.setLong(3, now);
                upsertCursor.addBatch();
            }
            if (!cursorMoves.isEmpty()) upsertCursor.executeBatch();
            if (!deadLetters.isEmpty()) {
                for (DeadLetterRow d : deadLetters) {
                    insertDeadLetter.setString(1, d.sink());
                    insertDeadLetter.setLong(2, d.seq());
                    insertDeadLetter.setString(3, d.reason());
                    insertDeadLetter.setLong(4, d.atMillis());
                    insertDeadLetter.setBytes(5, d.data());
                    insertDeadLetter.addBatch();
                }
                insertDeadLetter.executeBatch();
                for (String sink : deadLetters.stream().map(DeadLetterRow::sink).distinct().toList()) {
                    trimDeadLetters.setString(1, sink);
                    trimDeadLetters.setString(2, sink);
                    trimDeadLetters.setInt(3, deadLettersPerSink);
                    trimDeadLetters.executeUpdate();
                }
            }
            writer.commit();
        } catch (SQLException e) {
            insertReading.clearBatch();
            upsertCursor.clearBatch();
            insertDeadLetter.clearBatch();
            rollbackQuietly();
            throw e;
        }
        rows += readings.size();
        lastSeq = seq;
        // Cursors only move forward: a worker's report may lag a drop that already moved it on.
        cursorMoves.forEach((sink, s) -> cursors.merge(sink, s, Math::max));
        return seq;
    }

    static boolean isFull(SQLException e) {
        return e.getErrorCode() == SQLiteErrorCode.SQLITE_FULL.code
                || (e.getMessage() != null && e.getMessage().contains("SQLITE_FULL"));
    }

    /** Up to {@code limit} readings after {@code afterSeq}, in order. */
    List<Row> read(long afterSeq, int limit) throws SQLException {
        synchronized (readBatch) {
            readBatch.setLong(1, afterSeq);
            readBatch.setInt(2, limit);
            List<Row> out = new ArrayList<>(Math.min(limit, 1024));
            try (ResultSet r = readBatch.executeQuery()) {
                while (r.next()) out.add(new Row(r.getLong(1), r.getBytes(2)));
            }
            return out;
        }
    }

    /** The sequence of the oldest reading held, or {@code lastSequence() + 1} if none. */
    synchronized long firstSequence() throws SQLException {
        try (Statement s = writer.createStatement(); ResultSet r = s.executeQuery("SELECT MIN(seq) FROM readings")) {
            long min = r.getLong(1);
            return r.wasNull() ? lastSeq + 1 : min;
        }
    }

    /**
     * The cursor of {@code sink}, creating it if new: a new sink starts with every reading the
     * journal still holds.
     */
    synchronized long cursor(String sink) throws SQLException {
        Long c = cursors.get(sink);
        if (c != null) return c;
        long start = firstSequence() - 1;
        commit(List.of(), Map.of(sink, start), List.of());
        return start;
    }

    /** Forgets a sink's cursor (it no longer holds readings back). */
    synchronized void forget(String sink) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement p = writer.prepareStatement("DELETE FROM cursors WHERE sink = ?")) {
                p.setString(1, sink);
                return p.executeUpdate();
            }
        });
        cursors.remove(sink);
    }

    /** Marks sinks as seen now, so that housekeeping does not forget a registered but idle sink. */
    synchronized void touch(Iterable<String> sinks) throws SQLException {
        inTransaction(() -> {
            try (PreparedStatement p = writer.prepareStatement("UPDATE cursors SET seen = ? WHERE sink = ?")) {
                long now = System.currentTimeMillis();
                for (String sink : sinks) {
                    p.setLong(1, now);
                    p.setString(2, sink);
                    p.executeUpdate();
                }
                return null;
            }
        });
    }

    /** When each cursor's sink was last seen registered (epoch ms). */
    synchronized Map<String, Long> cursorsSeen() throws SQLException {
        Map<String, Long> seen = new HashMap<>();
        try (Statement s = writer.createStatement(); ResultSet r = s.executeQuery("SELECT sink, seen FROM cursors")) {
            while (r.next()) seen.put(r.getString(1), r.getLong(2));
        }
        return seen;
    }

    /** Deletes readings every cursor is done with; returns how many. */
    synchronized long prune() throws SQLException {
        if (cursors.isEmpty()) return 0; // no sink has ever asked: keep them for the first one (within the bound)
        long upTo = cursors.values().stream().mapToLong(Long::longValue).min().orElse(0);
        return deleteUpTo(upTo);
    }

    /** Bytes of database pages in use (free pages excluded). */
    synchronized long usedBytes() throws SQLException {
        try (Statement s = writer.createStatement()) {
            long pages;
            long free;
            try (ResultSet r = s.executeQuery("PRAGMA page_count")) {
                pages = r.getLong(1);
            }
            try (ResultSet r = s.executeQuery("PRAGMA freelist_count")) {
                free = r.getLong(1);
            }
            return (pages - free) * pageSize;
        }
    }

    /** Size of the journal files on disk (database and WAL). */
    long diskBytes() {
        long total = 0;
        for (Path p : List.of(file, file.resolveSibling(file.getFileName() + "-wal"))) {
            try {
                total += Files.size(p);
            } catch (java.io.IOException e) {
                // not there (yet)
            }
        }
        return total;
    }

    boolean overBound() throws SQLException {
        return usedBytes() > maxBytes;
    }

    /**
     * Drops the oldest readings so that about {@code fraction} of the rows go, moving every cursor
     * that pointed into them past them. Rows are deleted in chunks, each its own transaction,
     * followed by a checkpoint that truncates the WAL: on a full disk even a delete needs room in
     * the WAL, so each step must be small and give its room back.
     */
    synchronized Dropped dropOldest(double fraction) throws SQLException {
        if (rows == 0) return new Dropped(lastSeq, 0, Map.of());
        long first = firstSequence();
        long n = Math.max(1, (long) Math.ceil(rows * fraction));
        long upTo = Math.min(lastSeq, first + n - 1);
        Map<String, Long> lost = new HashMap<>();
        Map<String, Long> moves = new HashMap<>();
        for (var c : cursors.entrySet()) {
            if (c.getValue() < upTo) {
                lost.put(c.getKey(), upTo - Math.max(c.getValue(), first - 1));
                moves.put(c.getKey(), upTo);
            }
        }
        try {
            checkpoint(); // first move what the WAL holds into the database, and give the WAL's space back
        } catch (SQLException e) {
            // go on: the chunked deletes below may still find room
        }
        inTransaction(() -> {
            long now = System.currentTimeMillis();
            for (var move : moves.entrySet()) {
                upsertCursor.setString(1, move.getKey());
                upsertCursor.setLong(2, move.getValue());
                upsertCursor.setLong(3, now);
                upsertCursor.executeUpdate();
            }
            return null;
        });
        moves.forEach((sink, s) -> cursors.merge(sink, s, Math::max));
        long deleted = 0;
        for (long from = first; from <= upTo; from += DROP_CHUNK) {
            long chunkEnd = Math.min(upTo, from + DROP_CHUNK - 1);
            long d = inTransaction(() -> deleteRows(chunkEnd));
            rows -= d;
            deleted += d;
            checkpoint();
        }
        return new Dropped(upTo, deleted, lost);
    }

    /** Rows deleted per transaction when dropping. */
    private static final long DROP_CHUNK = 2_000;
    /** Disk space held back beside the journal, given up when the disk is full so that dropping can proceed. */
    static final int RESERVE_BYTES = 2 << 20;
    /** The page size of a new journal. */
    static final int PAGE_SIZE = 2048;
    /** The WAL's size at which it is checkpointed (and to which it is truncated): half the reserve. */
    private static final int WAL_BYTES = RESERVE_BYTES / 2;

    private Path reserveFile() {
        return file.resolveSibling(file.getFileName() + ".reserve");
    }

    /** Makes sure the reserve exists; quietly does nothing when there is no room for it (yet). */
    void ensureReserve() {
        Path reserve = reserveFile();
        if (Files.exists(reserve)) return;
        try {
            Files.write(reserve, new byte[RESERVE_BYTES]);
        } catch (java.io.IOException e) {
            try {
                Files.deleteIfExists(reserve); // a partial reserve is no reserve
            } catch (java.io.IOException ignored) {
                // nothing more to do
            }
        }
    }

    /** Gives the reserve back to the file system; true if there was one. */
    boolean releaseReserve() {
        try {
            return Files.deleteIfExists(reserveFile());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Copies the WAL into the database and truncates it, giving its disk space back. */
    synchronized void checkpoint() throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    /** Bytes the journal's file system has free for it. */
    long usableSpace() {
        try {
            return Files.getFileStore(file.toAbsolutePath().getParent()).getUsableSpace();
        } catch (java.io.IOException e) {
            return Long.MAX_VALUE; // unknown: do not drop on a guess
        }
    }

    private long deleteUpTo(long upTo) throws SQLException {
        long deleted = inTransaction(() -> deleteRows(upTo));
        rows -= deleted;
        return deleted;
    }

    /**
     * Deletes the readings up to {@code upTo}, in the caller's transaction. Only here is the last
     * sequence written to meta: on opening, the last sequence is the largest of meta's, the newest
     * row's and the cursors', so a commit need not write it (a page less in the WAL per commit);
     * but once rows go, the newest of them may be among them.
     */
    private long deleteRows(long upTo) throws SQLException {
        long deleted;
        try (PreparedStatement p = writer.prepareStatement("DELETE FROM readings WHERE seq <= ?")) {
            p.setLong(1, upTo);
            deleted = p.executeUpdate();
        }
        if (deleted > 0) { // an idle gateway's housekeeping writes nothing
            setMeta.setString(1, "last_seq");
            setMeta.setLong(2, lastSeq);
            setMeta.executeUpdate();
        }
        return deleted;
    }

    /** Up to {@code max} of a sink's dead letters, newest first. */
    List<DeadLetterRow> deadLetters(String sink, int max) throws SQLException {
        synchronized (readBatch) {
            try (PreparedStatement p = reader.prepareStatement(
                    "SELECT seq, data, reason, at FROM dead_letters WHERE sink = ? ORDER BY id DESC LIMIT ?")) {
                p.setString(1, sink);
                p.setInt(2, max);
                List<DeadLetterRow> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) out.add(new DeadLetterRow(sink, r.getLong(1), r.getBytes(2), r.getString(3), r.getLong(4)));
                }
                return out;
            }
        }
    }

    /** Dead letters per sink. */
    Map<String, Long> deadLetterCounts() throws SQLException {
        synchronized (readBatch) {
            Map<String, Long> counts = new HashMap<>();
            try (Statement s = reader.createStatement();
                    ResultSet r = s.executeQuery("SELECT sink, COUNT(*) FROM dead_letters GROUP BY sink")) {
                while (r.next()) counts.put(r.getString(1), r.getLong(2));
            }
            return counts;
        }
    }

    /** Work done in one write transaction. */
    private interface WriteWork<T> {
        T run() throws SQLException;
    }

    /** Runs {@code work} and commits it, or rolls it all back and rethrows. */
    private <T> T inTransaction(WriteWork<T> work) throws SQLException {
        try {
            T result = work.run();
            writer.commit();
            return result;
        } catch (SQLException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private void rollbackQuietly() {
        try {
            writer.rollback();
        } catch (SQLException ignored) {
            // SQLite already rolled back on its own (it does on SQLITE_FULL), so the driver's
            // "rollback; begin" stopped half way: cycle auto-commit to open a fresh transaction.
            try {
                writer.setAutoCommit(true); // its "commit" fails (nothing open) but the mode is switched
            } catch (SQLException expected) {
                // see above
            }
            try {
                writer.setAutoCommit(false); // "begin"
            } catch (SQLException alsoIgnored) {
                // the original failure is what matters; the next commit reports any lasting trouble
            }
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        SQLException first = null;
        for (Connection c : List.of(reader, writer)) {
            try {
                c.close();
            } catch (SQLException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }
}
