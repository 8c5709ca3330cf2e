package dev.hearth.sink.influxdb.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;

/**
 * Calls a sink the way the core does, without the journal: batches from the head of a backlog,
 * delivered and rejected readings leave it, retried ones stay at the head and are offered again
 * after a backoff (doubling from 100 ms to 1 s, or the server's Retry-After).
 */
final class CoreLikeDelivery {

    final ConcurrentLinkedQueue<Reading> incoming = new ConcurrentLinkedQueue<>();
    final List<Reading> delivered = new ArrayList<>();
    final List<String> rejected = new ArrayList<>();
    final List<String> retryReasons = new ArrayList<>();
    int calls;

    private final ReadingSink sink;
    private final int batchSize;
    private final List<Reading> backlog = new ArrayList<>();

    CoreLikeDelivery(ReadingSink sink, int batchSize) {
        this.sink = sink;
        this.batchSize = batchSize;
    }

    /** Delivers until {@code expected} readings left the backlog, or the deadline passes. */
    void run(int expected, Duration deadline) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        long backoffMs = 100;
        while (delivered.size() + rejected.size() < expected && System.nanoTime() < end) {
            for (Reading r; (r = incoming.poll()) != null;) backlog.add(r);
            if (backlog.isEmpty()) {
                Thread.sleep(20);
                continue;
            }
            List<Reading> batch = new ArrayList<>(backlog.subList(0, Math.min(batchSize, backlog.size())));
            List<Outcome> outcomes = sink.deliver(batch);
            calls++;
            Duration wait = null;
            for (int i = 0; i < batch.size(); i++) {
                Outcome o = outcomes.get(i);
                switch (o.status()) {
                    case DELIVERED -> { delivered.add(batch.get(i)); backlog.remove(batch.get(i)); }
                    case REJECTED -> { rejected.add(o.reason()); backlog.remove(batch.get(i)); }
                    case RETRY -> {
                        if (retryReasons.isEmpty() || !retryReasons.get(retryReasons.size() - 1).equals(o.reason())) retryReasons.add(o.reason());
                        Duration w = o.retryAfter() != null ? o.retryAfter() : Duration.ofMillis(backoffMs);
                        wait = wait == null || w.compareTo(wait) > 0 ? w : wait;
                    }
                }
            }
            if (wait != null) {
                Thread.sleep(wait.toMillis());
                backoffMs = Math.min(1000, backoffMs * 2);
            } else {
                backoffMs = 100;
            }
        }
    }
}
