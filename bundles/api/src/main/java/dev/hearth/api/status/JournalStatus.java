package dev.hearth.api.status;

/**
 * The store-and-forward journal.
 *
 * @param path the journal file
 * @param bytes its size on disk
 * @param maxBytes the bound past which the oldest readings are dropped
 * @param readings readings held (not yet delivered to every sink)
 * @param accepted readings accepted since start
 * @param dropped readings dropped since start because the bound was reached
 * @param lastSequence the sequence number of the newest reading
 */
public record JournalStatus(String path, long bytes, long maxBytes, long readings, long accepted, long dropped,
        long lastSequence) {
}
