package dev.hearth.core.internal;

/** How hard the journal pushes each group commit to the storage device. */
public enum FsyncPolicy {
    /** fsync every group commit: nothing accepted is lost, even on a power cut (SQLite synchronous=FULL). */
    full,
    /** fsync at checkpoints only: safe against crashes of the process, a power cut may lose the last commits (synchronous=NORMAL). */
    normal,
    /** never fsync: leave it to the OS; fewest writes to an SD card, a power cut may lose or corrupt recent data (synchronous=OFF). */
    off;

    String pragma() {
        return switch (this) {
            case full -> "FULL";
            case normal -> "NORMAL";
            case off -> "OFF";
        };
    }
}
