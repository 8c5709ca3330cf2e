package dev.hearth.driver.mqtt.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/**
 * Gathers the readings of many messages into one {@link ReadingPublisher#publishPromptly(List)}
 * call, and runs each message's acknowledgement, in arrival order, only once that call's stage has
 * completed normally, i.e. once the readings are committed to the journal. When the stage fails,
 * nothing of the batch is acknowledged and {@code onFailure} hears of it. No OSGi.
 *
 * <p>No waiting for a batch to fill: a message goes at once when fewer than
 * {@value #BATCHES_IN_FLIGHT} batches are being committed, otherwise it joins the batch that goes
 * when one of them completes (or when it reaches {@code maxMessages}). So the batches are as big
 * as the load makes them, and a message is acknowledged about one commit after it arrived. That
 * latency matters beyond the broker: the HiveMQ client walks all unacknowledged messages for every
 * message it receives, so its cost per message grows with rate × latency.
 *
 * <p>The publish calls run on the given executor (the gateway's shared scheduler), never on the
 * MQTT client's thread, because the core may hold a publisher back there when the journal is far
 * behind; one at a time and in order, so that the journal keeps the messages' order.
 */
final class AckBatcher {

    private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);
    /** Two: one committing while the next is encoded and queued, so the journal never waits for us. */
    static final int BATCHES_IN_FLIGHT = 2;

    private final ReadingPublisher publisher;
    private final Executor executor;
    private final int maxMessages;
    /** Gets the failure and the number of messages left unacknowledged. */
    private final BiConsumer<Throwable, Integer> onFailure;

    private final Object lock = new Object();
    private List<Reading> readings = new ArrayList<>();
    private List<Runnable> acks = new ArrayList<>();
    /** Messages handed to the publisher whose stage has not completed; guarded by lock. */
    private int inFlight;
    /** Batches handed to the publisher whose stage has not completed; guarded by lock. */
    private int batchesInFlight;
    private long committed;
    private boolean closed;
    /** Batches taken but not yet handed to the publisher, in order; guarded by lock. */
    private final ArrayDeque<Batch> outbox = new ArrayDeque<>();
    /** Whether a task is handing the outbox to the publisher; guarded by lock. */
    private boolean sending;

    AckBatcher(ReadingPublisher publisher, Executor executor, int maxMessages, BiConsumer<Throwable, Integer> onFailure) {
        this.publisher = publisher;
        this.executor = executor;
        this.maxMessages = maxMessages;
        this.onFailure = onFailure;
    }

    /** Adds one message's readings and its acknowledgement; never blocks. */
    void add(List<Reading> messageReadings, Runnable acknowledge) {
        boolean startSender = false;
        synchronized (lock) {
            if (closed) return; // not acknowledged: the broker redelivers it to the next session
            readings.addAll(messageReadings);
            acks.add(acknowledge);
            if (batchesInFlight < BATCHES_IN_FLIGHT || acks.size() >= maxMessages) startSender = enqueue();
        }
        if (startSender) startSender();
    }

    /** Publishes what is waiting now, after the batches taken before it. */
    void flush() {
        boolean startSender;
        synchronized (lock) {
            startSender = enqueue();
        }
        if (startSender) startSender();
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

    /**
     * Moves the waiting messages, if any, to the outbox as one batch, counted in flight; caller
     * holds the lock, so batches enter the outbox in the order their messages arrived. Whether a
     * sender must be started.
     */
    private boolean enqueue() {
        if (acks.isEmpty()) return false;
        Batch batch = new Batch(readings, acks);
        readings = new ArrayList<>();
        acks = new ArrayList<>();
        inFlight += batch.acks().size();
        batchesInFlight++;
        outbox.add(batch);
        if (sending) return false; // the running sender takes it, after those before it
        sending = true;
        return true;
    }

    private void startSender() {
        try {
            executor.execute(this::sendOutbox);
        } catch (RejectedExecutionException e) {
            // the gateway is stopping: nothing is acknowledged, the broker redelivers to the next session
            List<Batch> left;
            synchronized (lock) {
                left = new ArrayList<>(outbox);
                outbox.clear();
                sending = false;
            }
            for (Batch b : left) completed(b, e);
        }
    }

    private void sendOutbox() {
        while (true) {
            Batch batch;
            synchronized (lock) {
                batch = outbox.poll();
                if (batch == null) {
                    sending = false;
                    return;
                }
            }
            publish(batch);
        }
    }

    private void publish(Batch batch) {
        if (batch.acks().isEmpty()) return;
        CompletionStage<Void> stage;
        try {
            stage = publisher.publishPromptly(batch.readings());
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
        boolean startSender;
        synchronized (lock) {
            inFlight -= batch.acks().size();
            batchesInFlight--;
            if (failure == null) committed += batch.acks().size();
            lock.notifyAll();
            startSender = !closed && enqueue(); // what gathered while this one committed
        }
        if (failure != null) onFailure.accept(failure, batch.acks().size());
        if (startSender) startSender();
    }
}
