package dev.hearth.core.internal;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/**
 * The reading bus, free of OSGi: publishers hand readings in, one committer thread writes them to
 * the journal in group commits, and one {@link SinkWorker} per sink reads them out through its
 * cursor.
 *
 * <p>Group commit: the committer takes the first waiting submission, then gathers more for up to
 * the commit interval or until the commit size is reached, and commits them in one transaction
 * together with the cursor moves and dead letters the workers reported meanwhile. Only then are
 * the publishers' stages completed: a completed stage means committed. A group holding a prompt
 * submission (a publisher that holds something back until then, e.g. broker acknowledgements) is
 * committed once the queue is empty instead: under load the submissions that arrive during one
 * commit still make the next group, so it costs few extra transactions.
 */
public final class ReadingBus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingBus.class);
    private static final long HOUSEKEEPING_MILLIS = 1_000;
    private static final long TOUCH_MILLIS = 10 * 60_000;

    private record Submission(List<Reading> readings, List<byte[]> encoded, int permits, boolean prompt, CompletableFuture<Void> done) {
    }

    private final BusSettings settings;
    private final Journal journal;
    private final DeviceRegistry devices;
    private final LinkedBlockingQueue<Submission> submissions = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<SinkWorker.Progress> progress = new ConcurrentLinkedQueue<>();
    private final Semaphore capacity;
    private final Map<String, SinkWorker> workers = new ConcurrentHashMap<>();
    private final Map<String, SinkCounters> counters = new ConcurrentHashMap<>();
    /** The newest cursor each sink reported, committed or not, so a re-registered sink does not step back. */
    private final Map<String, Long> reported = new ConcurrentHashMap<>();
    private final ArrayDeque<Reading> recent = new ArrayDeque<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Instant startedAt = Instant.now();
    private final Thread committer;
    /** One thread that reads ahead for every sink worker (journal read and decoding overlap delivery). */
    private final java.util.concurrent.ExecutorService prefetcher = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hearth-prefetch");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    /** Cursor moves and dead letters whose commit failed, carried to the next attempt. */
    private final Map<String, Long> carriedMoves = new HashMap<>();
    private final List<Journal.DeadLetterRow> carriedDeadLetters = new ArrayList<>();
    private long lastTouch;

    public ReadingBus(BusSettings settings, DeviceRegistry devices) throws SQLException {
        this.settings = settings;
        this.devices = devices;
        this.journal = Journal.open(settings.journal(), settings.fsync(), settings.maxBytes(), settings.deadLettersPerSink(),
                LOG::error);
        this.capacity = new Semaphore(settings.maxPendingReadings());
        journal.ensureReserve();
        this.committer = new Thread(this::commitLoop, "hearth-journal");
        committer.setDaemon(true);
        committer.start();
        LOG.info("journal {} open: {} readings held, last sequence {}, bound {} MiB, fsync {}", settings.journal(),
                journal.rows(), journal.lastSequence(), settings.maxBytes() >> 20, settings.fsync());
    }

    Instant startedAt() {
        return startedAt;
    }

    /** Queues readings for the next group commit; the stage completes once they are committed. */
    public CompletableFuture<Void> publish(List<Reading> readings) {
        return publish(readings, false);
    }

    /**
     * As {@link #publish(List)}; {@code prompt}: the group this lands in is committed as soon as
     * nothing more is queued, without waiting out the commit interval (someone waits for it).
     */
    public CompletableFuture<Void> publish(List<Reading> readings, boolean prompt) {
        if (readings == null || readings.isEmpty()) return CompletableFuture.completedFuture(null);
        if (!running) return CompletableFuture.failedFuture(new IllegalStateException("the reading bus is closed"));
        List<byte[]> encoded = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            if (r == null) return CompletableFuture.failedFuture(new NullPointerException("null reading in a batch"));
            encoded.add(ReadingCodec.encode(r));
        }
        int permits = Math.min(readings.size(), settings.maxPendingReadings());
        try {
            // Back-pressure: a publisher far ahead of the disk waits here instead of filling the heap.
            capacity.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        submissions.add(new Submission(List.copyOf(readings), encoded, permits, prompt, done));
        if (!running && !committer.isAlive()) failLeftovers(); // closed while we queued: nobody will commit it
        return done;
    }

    private void commitLoop() {
        long nextHousekeeping = System.currentTimeMillis() + HOUSEKEEPING_MILLIS;
        lastTouch = System.currentTimeMillis();
        while (running || !submissions.isEmpty() || !progress.isEmpty()) {
            try {
                long wait = Math.max(1, Math.min(nextHousekeeping - System.currentTimeMillis(), HOUSEKEEPING_MILLIS));
                List<Submission> group = gather(wait);
                commitGroup(group);
                if (System.currentTimeMillis() >= nextHousekeeping) {
                    housekeeping();
                    nextHousekeeping = System.currentTimeMillis() + HOUSEKEEPING_MILLIS;
                }
            } catch (InterruptedException e) {
                if (!running) break;
            } catch (RuntimeException | SQLException e) {
                LOG.error("journal housekeeping failed: {}", e.toString(), e);
            }
        }
        failLeftovers();
    }

    /** Anything still queued when the bus closes was not accepted: say so to its publishers. */
    private void failLeftovers() {
        for (Submission s; (s = submissions.poll()) != null;) {
            capacity.release(s.permits());
            s.done().completeExceptionally(new IllegalStateException("the reading bus closed before the readings were committed"));
        }
    }

    private List<Submission> gather(long waitMillis) throws InterruptedException {
        Submission first = submissions.poll(waitMillis, TimeUnit.MILLISECONDS);
        if (first == null) return List.of();
        List<Submission> group = new ArrayList<>();
        group.add(first);
        int count = first.readings().size();
        boolean prompt = first.prompt();
        long deadline = System.nanoTime() + settings.commitInterval().toNanos();
        while (count < settings.commitMaxReadings()) {
            Submission next = submissions.poll();
            if (next == null) {
                // what arrived while the last commit ran is taken above; a prompt group waits for nothing more
                long left = deadline - System.nanoTime();
                if (prompt || left <= 0 || !running) break;
                next = submissions.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) break;
            }
            group.add(next);
            count += next.readings().size();
            prompt |= next.prompt();
        }
        return group;
    }

    private void commitGroup(List<Submission> group) {
        for (SinkWorker.Progress p; (p = progress.poll()) != null;) {
            carriedMoves.merge(p.sink(), p.cursor(), Math::max);
            carriedDeadLetters.addAll(p.deadLetters());
        }
        if (group.isEmpty() && carriedMoves.isEmpty() && carriedDeadLetters.isEmpty()) return;
        List<byte[]> data = new ArrayList<>();
        for (Submission s : group) data.addAll(s.encoded());
        SQLException failure = null;
        try {
            journal.commit(data, carriedMoves, carriedDeadLetters);
        } catch (SQLException e) {
            failure = e;
            if (Journal.isFull(e)) {
                // The reserve gives the delete room to run on a full disk; it is put back afterwards.
                journal.releaseReserve();
                try {
                    boolean atBound = journal.overBound();
                    dropOldest(0.25, "the journal is full (" + (atBound ? "its bound of " + (settings.maxBytes() >> 20)
                            + " MiB is reached" : "the disk is full") + ")");
                    journal.commit(data, carriedMoves, carriedDeadLetters);
                    failure = null;
                } catch (SQLException again) {
                    LOG.error("dropping the oldest readings to make room failed: {}", again.getMessage());
                    failure = again;
                } finally {
                    journal.ensureReserve();
                }
            }
        }
        int permits = group.stream().mapToInt(Submission::permits).sum();
        capacity.release(permits);
        if (failure != null) {
            LOG.error("journal commit of {} readings failed; their publishers are told: {}", data.size(), failure.getMessage());
            for (Submission s : group) s.done().completeExceptionally(failure);
            return; // the cursor moves and dead letters are carried to the next commit
        }
        carriedMoves.clear();
        carriedDeadLetters.clear();
        if (group.isEmpty()) return;
        accepted.addAndGet(data.size());
        for (Submission s : group) devices.accepted(s.readings());
        synchronized (recent) {
            for (Submission s : group) {
                for (Reading r : s.readings()) {
                    if (recent.size() == settings.recentReadings()) recent.pollFirst();
                    if (settings.recentReadings() > 0) recent.addLast(r);
                }
            }
        }
        for (Submission s : group) s.done().complete(null);
        for (SinkWorker w : workers.values()) w.wake();
    }

    private void dropOldest(double fraction, String why) throws SQLException {
        Journal.Dropped d = journal.dropOldest(fraction);
        if (d.rows() == 0) return;
        dropped.addAndGet(d.rows());
        d.perSink().forEach((sink, lost) -> counters.computeIfAbsent(sink, k -> new SinkCounters()).dropped.addAndGet(lost));
        String losses = d.perSink().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " lost " + e.getValue()).collect(Collectors.joining(", "));
        LOG.warn("{}: dropped the {} oldest readings (up to sequence {}); {}", why, d.rows(), d.upTo(),
                losses.isEmpty() ? "no sink had them pending" : losses);
    }

    private void housekeeping() throws SQLException {
        journal.prune();
        for (int i = 0; i < 20 && journal.rows() > 0 && journal.overBound(); i++) {
            dropOldest(0.1, "the backlog passed its bound of " + (settings.maxBytes() >> 20) + " MiB");
        }
        for (int i = 0; i < 20 && journal.rows() > 0 && journal.usableSpace() < settings.minFreeBytes(); i++) {
            dropOldest(0.1, "the disk has less than " + (settings.minFreeBytes() >> 20) + " MiB free");
        }
        long now = System.currentTimeMillis();
        if (now - lastTouch >= TOUCH_MILLIS) {
            lastTouch = now;
            journal.touch(workers.keySet());
            // Only after the gateway has run a while: sinks register some seconds after a start.
            if (now - startedAt.toEpochMilli() > TOUCH_MILLIS) {
                for (var seen : journal.cursorsSeen().entrySet()) {
                    if (!workers.containsKey(seen.getKey()) && now - seen.getValue() > settings.forgetSinkAfter().toMillis()) {
                        LOG.warn("sink {} has not been registered for {}; forgetting its cursor so it no longer holds readings back",
                                seen.getKey(), Duration.ofMillis(now - seen.getValue()));
                        journal.forget(seen.getKey());
                        reported.remove(seen.getKey());
                        counters.remove(seen.getKey());
                    }
                }
            }
        }
    }

    /**
     * Starts delivering to a sink from its cursor (a new sink starts with every reading the
     * journal holds).
     *
     * @throws IllegalStateException if a sink with this id is already registered (they would share a cursor)
     */
    public void addSink(String id, ReadingSink sink, String filterText, Predicate<Reading> filter, int batchSize)
            throws SQLException {
        addSink(id, sink, filterText, filter, batchSize, 0);
    }

    /** As above, with a batch smaller than {@code batchSize} waiting up to {@code lingerMillis} for more readings. */
    public synchronized void addSink(String id, ReadingSink sink, String filterText, Predicate<Reading> filter, int batchSize,
            long lingerMillis) throws SQLException {
        if (!running) throw new IllegalStateException("the reading bus is closed");
        if (workers.containsKey(id)) {
            throw new IllegalStateException("a sink with id '" + id + "' is already registered; give each sink its own "
                    + ReadingSink.ID);
        }
        long start = Math.max(journal.cursor(id), reported.getOrDefault(id, Long.MIN_VALUE));
        SinkCounters c = counters.computeIfAbsent(id, k -> new SinkCounters());
        SinkWorker w = new SinkWorker(id, sink, filterText, filter, batchSize, lingerMillis, journal, start, settings, c, p -> {
            reported.merge(p.sink(), p.cursor(), Math::max);
            progress.add(p);
        }, prefetcher);
        workers.put(id, w);
        w.start();
    }

    /** Stops delivering to a sink; its cursor stays, so its backlog waits for it to return. */
    void removeSink(String id) {
        SinkWorker w;
        synchronized (this) {
            w = workers.remove(id);
        }
        if (w != null) w.stop();
    }

    boolean hasSink(String id) {
        return workers.containsKey(id);
    }

    public JournalStatus journalStatus() {
        return new JournalStatus(settings.journal().toString(), journal.diskBytes(), settings.maxBytes(), journal.rows(),
                accepted.get(), dropped.get(), journal.lastSequence());
    }

    public List<SinkStatus> sinkStatus() {
        Map<String, Long> cursors = journal.cursors();
        TreeSet<String> ids = new TreeSet<>(cursors.keySet());
        ids.addAll(workers.keySet());
        long last = journal.lastSequence();
        List<SinkStatus> out = new ArrayList<>();
        for (String id : ids) {
            long cursor = Math.max(cursors.getOrDefault(id, 0L), reported.getOrDefault(id, 0L));
            SinkWorker w = workers.get(id);
            SinkCounters c = counters.getOrDefault(id, new SinkCounters());
            out.add(new SinkStatus(id, w != null, w == null ? "" : w.filter(), Math.max(0, last - cursor), c.delivered.get(),
                    c.retries.get(), c.deadLetters.get(), c.dropped.get(), c.lastLatencyMillis, c.lastDelivery, c.lastError,
                    c.lastErrorAt));
        }
        return out;
    }

    List<Reading> recent(int max) {
        synchronized (recent) {
            List<Reading> all = new ArrayList<>(recent);
            return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, max)), all.size()));
        }
    }

    List<DeadLetter> deadLetters(String sink, int max) {
        try {
            List<DeadLetter> out = new ArrayList<>();
            for (Journal.DeadLetterRow row : journal.deadLetters(sink, Math.max(0, max))) {
                Reading r;
                try {
                    r = ReadingCodec.decode(row.data());
                } catch (IllegalArgumentException e) {
                    r = null; // a damaged record is itself the dead letter; its reason says so
                }
                out.add(new DeadLetter(sink, row.seq(), r, row.reason(), Instant.ofEpochMilli(row.atMillis())));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the dead letters of " + sink + ": " + e.getMessage(), e);
        }
    }

    /** Stops every worker, commits what they reported, fails what was not committed, closes the journal. */
    @Override
    public void close() throws SQLException {
        List<String> ids = new ArrayList<>(workers.keySet());
        for (String id : ids) removeSink(id);
        running = false; // the committer sees this within a second, commits what is queued, and ends
        try {
            committer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        prefetcher.shutdownNow();
        try {
            prefetcher.awaitTermination(5, TimeUnit.SECONDS); // a read in progress must end before its connection closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        journal.close();
        LOG.info("journal {} closed at sequence {}", settings.journal(), journal.lastSequence());
    }
}
