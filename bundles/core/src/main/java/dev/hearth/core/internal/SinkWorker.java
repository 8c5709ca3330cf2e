package dev.hearth.core.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;

/**
 * Delivers the journal to one sink, on its own thread, from the sink's cursor.
 *
 * <p>Readings are fetched in journal order into a pending queue and handed to the sink in
 * batches. Delivered and rejected readings leave the queue; the cursor becomes the sequence just
 * before the oldest reading still pending, and is reported to the bus, which commits it with the
 * next group commit. A crash between delivery and that commit redelivers a few readings, which
 * sinks recognise by {@link Reading#id()}: delivery is at least once, and exactly once where the
 * sink deduplicates.
 */
final class SinkWorker {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    /** How long a stopping worker may finish a delivery call before it is interrupted. */
    private static final long STOP_GRACE_MILLIS = 5_000;

    /**
     * A pending reading: where it sits in the journal, and the decoded reading. Not its row's
     * bytes: a dead letter gets the reading encoded again (the same bytes), so that a backlog
     * being replayed holds one copy of each reading, not two.
     */
    private record Pending(long seq, Reading reading) {
    }

    /** What a worker reports to the bus for its next commit. */
    record Progress(String sink, long cursor, List<Journal.DeadLetterRow> deadLetters) {
    }

    interface ProgressListener {
        void progress(Progress p);
    }

    private final String id;
    private final ReadingSink sink;
    private final String filterText;
    private final Predicate<Reading> filter;
    private final int batchSize;
    /** How long a batch smaller than batchSize waits for more readings (ReadingSink.BATCH_LINGER_MS). */
    private final long lingerNanos;
    /** When the batch now lingering began to wait, or 0. */
    private long lingerSince;
    private final Journal journal;
    private final ProgressListener listener;
    private final Backoff backoff;
    final SinkCounters counters;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean signalled;
    private volatile boolean running = true;
    private volatile long cursor;
    private long fetched;
    private final Thread thread;
    /** Reads ahead for this worker; shared by the bus's workers, or {@code null} to read in line. */
    private final Executor prefetcher;

    SinkWorker(String id, ReadingSink sink, String filterText, Predicate<Reading> filter, int batchSize, long lingerMillis,
            Journal journal, long startCursor, BusSettings settings, SinkCounters counters, ProgressListener listener,
            Executor prefetcher) {
        this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, lingerMillis));
        this.prefetcher = prefetcher;
        this.id = id;
        this.sink = sink;
        this.filterText = filterText == null ? "" : filterText;
        this.filter = filter;
        this.batchSize = Math.max(1, batchSize);
        this.journal = journal;
        this.listener = listener;
        this.counters = counters;
        this.backoff = new Backoff(settings.retryInitial(), settings.retryMax());
        this.cursor = startCursor;
        this.fetched = startCursor;
        this.thread = new Thread(this::run, "hearth-sink-" + id);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    String id() {
        return id;
    }

    String filter() {
        return filterText;
    }

    long cursor() {
        return cursor;
    }

    /** New readings were committed: fetch them. */
    void wake() {
        lock.lock();
        try {
            signalled = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops after the current delivery call; the cursor stays where the last delivery left it. */
    void stop() {
        running = false;
        wake();
        if (Thread.currentThread() == thread) return;
        try {
            thread.join(STOP_GRACE_MILLIS);
            if (thread.isAlive()) {
                LOG.warn("sink {} did not return from deliver() within {} ms; interrupting it", id, STOP_GRACE_MILLIS);
                thread.interrupt();
                thread.join(STOP_GRACE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        LOG.info("sink {} starts after journal sequence {}", id, cursor);
        while (running) {
            try {
                if (pending.isEmpty()) {
                    Fetched f = takePrefetched();
                    if (f == null || f.isEmpty()) f = read(fetched);
                    if (f.isEmpty()) {
                        await(1_000);
                        continue;
                    }
                    consume(f);
                }
                if (lingering()) continue;
                // Read and decode the next batch while the sink delivers this one, and let the sink
                // prepare it (ReadingSink.prepare): a store's round trip, the journal read and the
                // sink's encoding then overlap instead of adding up.
                if (prefetched == null && prefetcher != null) {
                    long after = fetched;
                    boolean nextIsFetched = pending.size() <= batchSize; // this delivery takes all that waits
                    prefetched = CompletableFuture.supplyAsync(() -> {
                        try {
                            Fetched f = read(after);
                            if (nextIsFetched && !f.isEmpty()) prepare(f);
                            return f;
                        } catch (SQLException e) {
                            throw new CompletionException(e);
                        }
                    }, prefetcher);
                }
                deliverOnce();
            } catch (SQLException e) {
                // The journal failing to read is the gateway's problem, not the sink's; wait and look again.
                counters.error("journal read failed: " + e.getMessage());
                LOG.error("sink {}: reading the journal failed: {}", id, e.getMessage());
                pause(backoff.nextDelayMillis(null));
            } catch (RuntimeException e) {
                counters.error(e.toString());
                LOG.error("sink {}: unexpected failure; retrying", id, e);
                pause(backoff.nextDelayMillis(null));
            }
        }
        LOG.info("sink {} stopped at journal sequence {}", id, cursor);
    }

    /**
     * Lets a batch smaller than batchSize wait up to the linger time for more readings: waits for
     * the bus's signal (or the time left), reads what came, and says whether to look again before
     * delivering. Never while retrying (the backoff waits already) and never for a full batch.
     */
    private boolean lingering() throws SQLException {
        if (lingerNanos == 0 || pending.size() >= batchSize || backoff.failures() > 0) {
            lingerSince = 0;
            return false;
        }
        long now = System.nanoTime();
        if (lingerSince == 0) lingerSince = now;
        long left = lingerSince + lingerNanos - now;
        if (left <= 0) {
            lingerSince = 0;
            return false;
        }
        Fetched f = takePrefetched();
        if (f == null || f.isEmpty()) {
            await(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            f = read(fetched);
        }
        if (!f.isEmpty()) consume(f);
        return true;
    }

    /** Readings read after some sequence: the ones for this sink, the damaged ones, and the last sequence read. */
    private record Fetched(List<Pending> readings, List<Journal.DeadLetterRow> damaged, long lastSeq) {
        boolean isEmpty() {
            return lastSeq < 0;
        }
    }

    private CompletableFuture<Fetched> prefetched;

    private Fetched takePrefetched() throws SQLException {
        CompletableFuture<Fetched> f = prefetched;
        prefetched = null;
        if (f == null) return null;
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) throw sql;
            throw e;
        }
    }

    /**
     * Names and values decoded lately, kept from page to page so that a replay's repeated names
     * are decoded once and are the same String objects throughout (sinks can then recognise them
     * by identity). Used only by {@link #read}, whose calls never overlap: the one in flight on the
     * prefetcher is joined before the worker reads again, which also orders their memory effects.
     */
    private final ReadingCodec.Strings strings = new ReadingCodec.Strings();

    /** Reads and decodes the readings after {@code after}; touches no worker state but {@link #strings}, so it may run on another thread. */
    private Fetched read(long after) throws SQLException {
        List<Journal.Row> rows = journal.read(after, batchSize);
        if (rows.isEmpty()) return new Fetched(List.of(), List.of(), -1);
        List<Pending> readings = new ArrayList<>(rows.size());
        List<Journal.DeadLetterRow> damaged = new ArrayList<>();
        for (Journal.Row row : rows) {
            Reading r;
            try {
                r = ReadingCodec.decode(row.data(), strings);
            } catch (IllegalArgumentException e) {
                damaged.add(new Journal.DeadLetterRow(id, row.seq(), row.data(), "damaged journal record: " + e.getMessage(),
                        System.currentTimeMillis()));
                continue;
            }
            if (filter.test(r)) readings.add(new Pending(row.seq(), r));
        }
        return new Fetched(readings, damaged, rows.get(rows.size() - 1).seq());
    }

    /**
     * Offers the sink what will be its next batch if the current one is delivered whole: the
     * first {@code batchSize} readings fetched. Runs on the prefetcher; whatever the sink does
     * with it, a failure here never touches delivery.
     */
    private void prepare(Fetched f) {
        if (f.readings().isEmpty()) return;
        List<Reading> upcoming = new ArrayList<>(Math.min(batchSize, f.readings().size()));
        for (Pending p : f.readings()) {
            if (upcoming.size() == batchSize) break;
            upcoming.add(p.reading());
        }
        try {
            sink.prepare(Collections.unmodifiableList(upcoming));
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("sink {}: preparing the next batch failed: {}", id, e.toString());
        }
    }

    private void consume(Fetched f) {
        for (Pending p : f.readings()) {
            if (p.seq() > fetched) pending.add(p);
        }
        fetched = Math.max(fetched, f.lastSeq());
        if (!f.damaged().isEmpty()) counters.deadLetters.addAndGet(f.damaged().size());
        report(f.damaged());
    }

    private void deliverOnce() {
        // The journal may have dropped readings past this sink's position (overflow): those that
        // were already fetched are dropped here too, so "dropped" means not delivered.
        long floor = journal.cursorOf(id);
        while (!pending.isEmpty() && pending.peekFirst().seq() <= floor) pending.pollFirst();
        if (floor > fetched) fetched = floor;
        if (pending.isEmpty()) return;
        List<Pending> batch = new ArrayList<>(Math.min(batchSize, pending.size()));
        for (Pending p : pending) {
            if (batch.size() == batchSize) break;
            batch.add(p);
        }
        List<Reading> readings = batch.stream().map(Pending::reading).toList();
        List<Outcome> outcomes;
        long started = System.nanoTime();
        try {
            outcomes = sink.deliver(readings);
            if (outcomes == null || outcomes.size() != readings.size()) {
                outcomes = Outcome.all(Outcome.retry("sink answered " + (outcomes == null ? "null" : outcomes.size())
                        + " outcomes for " + readings.size() + " readings"), readings.size());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            outcomes = Outcome.all(Outcome.retry(reason), readings.size());
        } catch (LinkageError e) {
            // a sink bundle being updated under us: its classes may be gone
            outcomes = Outcome.all(Outcome.retry(e.toString()), readings.size());
        }
        counters.lastLatencyMillis = (System.nanoTime() - started) / 1e6;

        // Per-device order: once one of a device's readings must be retried, its later readings in
        // this batch are retried too, even if the sink took them; the sink sees them again (same id).
        Set<String> held = new HashSet<>();
        List<Journal.DeadLetterRow> rejected = new ArrayList<>();
        Duration retryAfter = null;
        String retryReason = null;
        long delivered = 0;
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            Outcome o = outcomes.get(i);
            if (o == null) o = Outcome.retry("sink answered null");
            String device = p.reading().device();
            if (held.contains(device) || o.status() == Outcome.Status.RETRY) {
                held.add(device);
                if (o.status() == Outcome.Status.RETRY) {
                    retryReason = o.reason();
                    if (o.retryAfter() != null && (retryAfter == null || o.retryAfter().compareTo(retryAfter) > 0)) {
                        retryAfter = o.retryAfter();
                    }
                }
                continue;
            }
            pending.remove(p);
            if (o.status() == Outcome.Status.REJECTED) {
                rejected.add(new Journal.DeadLetterRow(id, p.seq(), ReadingCodec.encode(p.reading()), o.reason(), System.currentTimeMillis()));
            } else {
                delivered++;
            }
        }
        if (delivered > 0) {
            counters.delivered.addAndGet(delivered);
            counters.lastDelivery = Instant.now();
        }
        if (!rejected.isEmpty()) {
            counters.deadLetters.addAndGet(rejected.size());
            String reason = rejected.get(rejected.size() - 1).reason();
            counters.error("rejected: " + reason);
            LOG.warn("sink {} rejected {} reading(s); they are in its dead letters. Last reason: {}", id, rejected.size(), reason);
        }
        report(rejected);
        if (retryReason != null) {
            counters.retries.incrementAndGet();
            counters.error(retryReason);
            long delay = backoff.nextDelayMillis(retryAfter);
            if (backoff.failures() == 1 || backoff.failures() % 10 == 0) {
                LOG.warn("sink {}: delivery failed ({} in a row), retrying in {} ms: {}", id, backoff.failures(), delay, retryReason);
            }
            pause(delay);
        } else {
            backoff.reset();
        }
    }

    private void report(List<Journal.DeadLetterRow> deadLetters) {
        long next = pending.isEmpty() ? fetched : pending.peekFirst().seq() - 1;
        if (next != cursor || !deadLetters.isEmpty()) {
            cursor = next;
            listener.progress(new Progress(id, next, deadLetters));
        }
    }

    /** Waits out a retry delay: new readings do not cut it short, stopping does. */
    private void pause(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (running && nanos > 0) nanos = wakeUp.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for new readings, at most {@code millis}. */
    private void await(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!signalled && running && nanos > 0) nanos = wakeUp.awaitNanos(nanos);
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }
}
