package dev.hearth.sink.file.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link JsonLinesStore} needs to know, already validated.
 *
 * @param directory where {@code readings.jsonl} and the rotated files live
 * @param maxFileBytes the current file is rotated before it would grow past this
 * @param rotateAfter the current file is rotated once it is this old
 * @param maxFiles the most rotated files kept
 * @param maxTotalBytes the most bytes all files together may take; the oldest rotated files go first
 * @param fsync whether each batch is forced to the device before it is answered
 * @param dedupWindow how many of the newest written ids are remembered to skip replays
 */
record StoreSettings(Path directory, long maxFileBytes, Duration rotateAfter, int maxFiles, long maxTotalBytes, boolean fsync,
        int dedupWindow) {

    static final long MIB = 1024L * 1024L;

    StoreSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(rotateAfter, "rotateAfter");
        if (maxFileBytes < 1) throw new IllegalArgumentException("max_file_mb must be at least 1");
        if (rotateAfter.isNegative() || rotateAfter.isZero()) throw new IllegalArgumentException("rotate_hours must be at least 1");
        if (maxFiles < 0) throw new IllegalArgumentException("max_files must not be negative, was " + maxFiles);
        if (maxTotalBytes < 1) throw new IllegalArgumentException("max_total_mb must be at least 1");
        if (dedupWindow < 0) throw new IllegalArgumentException("dedup_window must not be negative, was " + dedupWindow);
    }
}
