package dev.hearth.api.status;

import java.time.Instant;

/**
 * One sink's delivery, counted since the gateway started (backlog is exact at all times).
 *
 * @param id the sink's cursor name
 * @param registered whether a sink service with this id is registered now
 * @param filter its reading filter, or empty
 * @param backlog readings in the journal not yet delivered to it
 * @param delivered readings delivered
 * @param retries delivery attempts that had to be retried
 * @param deadLetters readings it rejected (kept in the dead letters)
 * @param dropped readings it never got because the journal bound was reached
 * @param lastLatencyMillis how long the last delivery call took
 * @param lastDelivery when it last took a reading, or {@code null}
 * @param lastError the last retry or rejection reason, or {@code null}
 * @param lastErrorAt when that was, or {@code null}
 */
public record SinkStatus(String id, boolean registered, String filter, long backlog, long delivered, long retries,
        long deadLetters, long dropped, double lastLatencyMillis, Instant lastDelivery, String lastError,
        Instant lastErrorAt) {
}
