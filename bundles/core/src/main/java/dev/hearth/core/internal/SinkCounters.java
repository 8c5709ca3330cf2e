package dev.hearth.core.internal;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** One sink's delivery counters since start; written by its worker, read by status queries. */
final class SinkCounters {
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong deadLetters = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    volatile double lastLatencyMillis;
    volatile Instant lastDelivery;
    volatile String lastError;
    volatile Instant lastErrorAt;

    void error(String message) {
        lastError = message;
        lastErrorAt = Instant.now();
    }
}
