package dev.hearth.driver.loadgen.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/**
 * Publishes a {@link LoadSequence} batch by batch on one daemon thread, waiting for each batch to
 * be accepted before the next, and records the highest accepted sequence number in the ack file.
 * A batch that is not accepted is published again, the same readings with the same ids, after a
 * backoff. No OSGi.
 */
final class LoadRunner {

    /**
     * What to publish and how fast.
     *
     * @param ratePerSecond readings per second, 0 for as fast as they are accepted
     * @param batchSize readings per publish call
     * @param count the last sequence number, 0 for no end
     * @param ackFile where the highest accepted sequence number goes, or {@code null}
     * @param publishTimeout how long to wait for a batch to be accepted before publishing it again
     * @param firstBackoff the wait after a first failure; it doubles up to {@link #MAX_BACKOFF}
     */
    record Settings(int ratePerSecond, int batchSize, long count, AckFile ackFile, Duration publishTimeout,
            Duration firstBackoff) {
        Settings {
            if (ratePerSecond < 0) throw new IllegalArgumentException("rate_per_second must not be negative, was " + ratePerSecond);
            if (batchSize < 1 || batchSize > 100_000) throw new IllegalArgumentException("batch_size must be 1..100000, was " + batchSize);
            if (count < 0 || count > LoadSequence.MAX_SEQ) {
                throw new IllegalArgumentException("count must be 0.." + LoadSequence.MAX_SEQ + ", was " + count);
            }
        }
    }

    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How far behind its rate the generator may fall before it stops trying to catch up. */
    private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger(LoadRunner.class);

    private final LoadSequence sequence;
    private final ReadingPublisher publisher;
    private final DeviceStatusReporter status;
    private final Settings settings;
    private final Thread thread;
    private volatile boolean running;
    private volatile long acknowledged;

    LoadRunner(LoadSequence sequence, ReadingPublisher publisher, DeviceStatusReporter status, Settings settings) {
        this.sequence = sequence;
        this.publisher = publisher;
        this.status = status;
        this.settings = settings;
        this.thread = new Thread(this::run, "hearth-loadgen-" + sequence.device());
        this.thread.setDaemon(true);
    }

    void start() {
        running = true;
        thread.start();
    }

    /**
     * Stops the thread and waits for it. A batch in flight is waited for (up to the publish
     * timeout) and its acknowledgement written, so that the next run, perhaps a newer version of
     * this bundle, does not publish it again under a different bundle_version tag.
     */
    void stop() throws InterruptedException {
        synchronized (flight) {
            running = false;
            if (!inFlight) thread.interrupt(); // only a pacing or backoff sleep is cut short
        }
        thread.join(settings.publishTimeout().toMillis() + TimeUnit.SECONDS.toMillis(5));
        if (thread.isAlive()) {
            LOG.warn("{} did not stop in time; interrupting it", thread.getName());
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private final Object flight = new Object();
    /** True from publishing a batch until its acknowledgement is written; guarded by {@link #flight}. */
    private boolean inFlight;

    boolean isAlive() {
        return thread.isAlive();
    }

    /** The highest sequence number accepted so far (0 before the first). */
    long acknowledged() {
        return acknowledged;
    }

    private void run() {
        long last = settings.ackFile() == null ? 0 : settings.ackFile().read();
        acknowledged = last;
        long next = last + 1;
        String device = sequence.device();
        if (settings.count() > 0 && next > settings.count()) {
            report(DeviceState.OFFLINE, "finished: all " + settings.count() + " readings were acknowledged before");
            return;
        }
        report(DeviceState.ONLINE, "publishing from seq " + next + (settings.ratePerSecond() == 0 ? " as fast as accepted"
                : " at " + settings.ratePerSecond() + "/s"));
        LOG.info("load generator {} starts at seq {}", device, next);
        long base = System.nanoTime();
        long sent = 0; // readings published in this run, for pacing
        Duration backoff = settings.firstBackoff();
        boolean failing = false;
        try {
            while (running && (settings.count() == 0 || next <= settings.count())) {
                int size = settings.count() == 0 ? settings.batchSize()
                        : (int) Math.min(settings.batchSize(), settings.count() - next + 1);
                if (settings.ratePerSecond() > 0) {
                    long due = base + sent * 1_000_000_000L / settings.ratePerSecond();
                    long now = System.nanoTime();
                    if (now - due > MAX_LAG_NANOS) {
                        base += now - due; // far behind: go on from here rather than burst to catch up
                    } else if (due > now) {
                        TimeUnit.NANOSECONDS.sleep(due - now);
                    }
                }
                List<Reading> batch = sequence.batch(next, size);
                synchronized (flight) {
                    if (!running) break;
                    inFlight = true;
                }
                try {
                    await(publisher.publish(batch));
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    endFlight();
                    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                    String reason = "batch from seq " + next + " not accepted: " + cause;
                    if (!failing) {
                        LOG.warn("{}; publishing it again with backoff", reason);
                        report(DeviceState.ERROR, reason);
                    }
                    status.error(device, reason);
                    failing = true;
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    continue;
                }
                if (failing) {
                    LOG.info("load generator {} publishes again", device);
                    report(DeviceState.ONLINE, "publishing again from seq " + next);
                    failing = false;
                    backoff = settings.firstBackoff();
                }
                long highest = next + size - 1;
                acknowledged = highest;
                writeAck(highest);
                endFlight();
                next = highest + 1;
                sent += size;
            }
        } catch (InterruptedException e) {
            // stop() asked us to end
        } catch (RuntimeException e) {
            LOG.error("load generator {} failed at seq {}", device, next, e);
            report(DeviceState.ERROR, "failed at seq " + next + ": " + e);
            return;
        }
        if (settings.count() > 0 && acknowledged >= settings.count()) {
            LOG.info("load generator {} finished: {} readings acknowledged", device, acknowledged);
            report(DeviceState.OFFLINE, "finished: all " + settings.count() + " readings acknowledged");
        } else {
            report(DeviceState.OFFLINE, "stopped after seq " + acknowledged);
        }
    }

    private void endFlight() {
        synchronized (flight) {
            inFlight = false;
        }
    }

    private void await(CompletionStage<Void> stage) throws InterruptedException, ExecutionException, TimeoutException {
        // whenComplete works for any CompletionStage; toCompletableFuture() is optional for implementations
        CompletableFuture<Void> done = new CompletableFuture<>();
        stage.whenComplete((v, e) -> {
            if (e == null) done.complete(null);
            else done.completeExceptionally(e);
        });
        done.get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private String lastAckError;

    private void writeAck(long seq) {
        if (settings.ackFile() == null) return;
        try {
            settings.ackFile().write(seq);
            if (lastAckError != null) LOG.info("ack file {} written again", settings.ackFile().path());
            lastAckError = null;
        } catch (IOException | RuntimeException e) {
            // log a failure once, not once per batch; the next batch tries again
            if (!e.toString().equals(lastAckError)) LOG.warn("cannot write ack file {}: {}", settings.ackFile().path(), e.toString());
            lastAckError = e.toString();
        }
    }

    private void report(DeviceState state, String message) {
        try {
            status.report(DeviceStatus.of(sequence.device(), state, message));
        } catch (RuntimeException e) {
            LOG.debug("cannot report status of {}: {}", sequence.device(), e.toString());
        }
    }
}
