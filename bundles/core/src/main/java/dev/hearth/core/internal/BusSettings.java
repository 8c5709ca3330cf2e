package dev.hearth.core.internal;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the reading bus runs; built from {@link CoreConfig} by the component, directly by tests.
 *
 * @param journal the journal file
 * @param maxBytes the backlog bound on disk
 * @param fsync when SQLite syncs to the storage device
 * @param commitInterval how long a group commit waits for more readings after the first arrives
 * @param commitMaxReadings a group commit happens at once when this many readings wait
 * @param maxPendingReadings publishers block when this many readings wait for a commit (back-pressure)
 * @param retryInitial the first retry delay of a failing sink
 * @param retryMax the longest retry delay
 * @param deadLettersPerSink dead letters kept per sink (oldest trimmed)
 * @param forgetSinkAfter a cursor whose sink was not registered for this long stops holding readings back
 * @param recentReadings readings kept in memory for {@code hearth:tail}
 * @param minFreeBytes when the journal's file system has less free than this, the oldest readings are dropped
 */
public record BusSettings(Path journal, long maxBytes, FsyncPolicy fsync, Duration commitInterval, int commitMaxReadings,
        int maxPendingReadings, Duration retryInitial, Duration retryMax, int deadLettersPerSink,
        Duration forgetSinkAfter, int recentReadings, long minFreeBytes) {

    public static BusSettings defaults(Path journal) {
        return new BusSettings(journal, 256L << 20, FsyncPolicy.full, Duration.ofMillis(100), 5000, 50_000,
                Duration.ofSeconds(1), Duration.ofMinutes(5), 10_000, Duration.ofDays(7), 200, 64L << 20);
    }

    public BusSettings withMaxBytes(long bytes) {
        return new BusSettings(journal, bytes, fsync, commitInterval, commitMaxReadings, maxPendingReadings,
                retryInitial, retryMax, deadLettersPerSink, forgetSinkAfter, recentReadings, minFreeBytes);
    }

    public BusSettings withRetry(Duration initial, Duration max) {
        return new BusSettings(journal, maxBytes, fsync, commitInterval, commitMaxReadings, maxPendingReadings,
                initial, max, deadLettersPerSink, forgetSinkAfter, recentReadings, minFreeBytes);
    }

    public BusSettings withFsync(FsyncPolicy policy) {
        return new BusSettings(journal, maxBytes, policy, commitInterval, commitMaxReadings, maxPendingReadings,
                retryInitial, retryMax, deadLettersPerSink, forgetSinkAfter, recentReadings, minFreeBytes);
    }

    public BusSettings withMinFree(long bytes) {
        return new BusSettings(journal, maxBytes, fsync, commitInterval, commitMaxReadings, maxPendingReadings,
                retryInitial, retryMax, deadLettersPerSink, forgetSinkAfter, recentReadings, bytes);
    }
}
