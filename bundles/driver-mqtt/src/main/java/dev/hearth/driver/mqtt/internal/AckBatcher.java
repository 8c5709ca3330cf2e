package dev.hearth.driver.mqtt.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/**
 * Gathers the readings of many messages into one {@link ReadingPublisher#publish(List)} call (up
 * to {@code maxMessages} messages, or whatever came within {@code maxWait} of the first), and runs
 * each message's acknowledgement, in arrival order, only once that call's stage has completed
 * normally, i.e. once the readings are committed to the journal. When the stage fails, nothing of
 * the batch is acknowledged and {@code onFailure} hears of it. No OSGi.
 *
 * <p>Batches are not waited for: the next one may be published while the previous one commits, so
 * throughput is not bound by one commit's latency. The publish call runs on the given scheduler
 * (the gateway's shared one), never on the MQTT client's thread, because the core may hold a
 * publisher back there when the journal is far behind.
 */
final class AckBatcher {

    private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);

    private final ReadingPublisher publisher;
    private final ScheduledExecutorService scheduler;
    private final int maxMessages;
    private final Duration maxWait;
    /** Gets the failure and the number of messages left unacknowledged. */
    private final BiConsumer<Throwable, Integer> onFailure;

    private final Object lock = new Object();
    private List<Reading> readings = new ArrayList<>();
    private List<Runnable> acks = new ArrayList<>();
    private ScheduledFuture<?> timer;
    /** Messages handed to the publisher whose stage has not completed; guarded by lock. */
    private int inFlight;
    private long committed;
    private boolean closed;

    AckBatcher(ReadingPublisher publisher, ScheduledExecutorService scheduler, int maxMessages, Duration maxWait,
            BiConsumer<Throwable, Integer> onFailure) {
        this.publisher = publisher;
        this.scheduler = scheduler;
        this.maxMessages = maxMessages;
        this.maxWait = maxWait;
        this.onFailure = onFailure;
    }

    /** Adds one message's readings and its acknowledgement; never blocks. */
    void add(List<Reading> messageReadings, Runnable acknowledge) {
        synchronized (lock) {
            if (closed) return; // not acknowledged: the broker redelivers it to the next session
            readings.addAll(messageReadings);
            acks.add(acknowledge);
            if (acks.size() >= maxMessages) {
                Batch batch = take();
                scheduler.execute(() -> publish(batch));
            } else if (timer == null) {
                timer = scheduler.schedule(this::flush, maxWait.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** Publishes what is waiting now, on the calling thread. */
    void flush() {
        Batch batch;
        synchronized (lock) {
            batch = take();
        }
        publish(batch);
    }

    /** Messages waiting for a batch or for their batch's commit: what is held in memory unacknowledged. */
    int pending() {
        synchronized (lock) {
            return acks.size() + inFlight;
        }
    }

    /** Messages acknowledged after commit so far. */
    long committed() {
        synchronized (lock) {
            return committed;
        }
    }

    /**
     * Publishes what is waiting and waits up to {@code wait} for every batch in flight to complete,
     * so that a clean stop acknowledges what was committed; then takes nothing more. Whether all
     * completed.
     */
    boolean drainAndClose(Duration wait) throws InterruptedException {
        flush();
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lock) {
            closed = true;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    private record Batch(List<Reading> readings, List<Runnable> acks) {
    }

    /** Takes the waiting batch (possibly empty); caller holds the lock. */
    private Batch take() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        Batch batch = new Batch(readings, acks);
        readings = new ArrayList<>();
        acks = new ArrayList<>();
        inFlight += batch.acks().size();
        return batch;
    }

    private void publish(Batch batch) {
        if (batch.acks().isEmpty()) return;
        CompletionStage<Void> stage;
        try {
            stage = publisher.publish(batch.readings());
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ok, failure) -> completed(batch, failure));
    }

    private void completed(Batch batch, Throwable failure) {
        if (failure == null) {
            for (Runnable ack : batch.acks()) {
                try {
                    ack.run();
                } catch (RuntimeException e) {
                    // the connection that delivered it is gone; the broker redelivers it, a duplicate by reading id
                    LOG.debug("acknowledgement not sent: {}", e.toString());
                }
            }
        }
        synchronized (lock) {
            inFlight -= batch.acks().size();
            if (failure == null) committed += batch.acks().size();
            lock.notifyAll();
        }
        if (failure != null) onFailure.accept(failure, batch.acks().size());
    }
}
