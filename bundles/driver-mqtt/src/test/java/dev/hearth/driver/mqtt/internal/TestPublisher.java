package dev.hearth.driver.mqtt.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/**
 * A publisher whose answer the test chooses: {@link Mode#ACCEPT} (committed at once, kept),
 * {@link Mode#HOLD} (the stage never completes, as a journal that hangs) or {@link Mode#FAIL}.
 * Counts every call, so a test can see attempts that were not accepted.
 */
final class TestPublisher implements ReadingPublisher {

    enum Mode { ACCEPT, HOLD, FAIL }

    private volatile Mode mode;
    private final List<Reading> accepted = new ArrayList<>();
    private final List<Reading> attempted = new ArrayList<>();
    private final List<CompletableFuture<Void>> held = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private int promptCalls;

    TestPublisher(Mode mode) {
        this.mode = mode;
    }

    void mode(Mode m) {
        mode = m;
    }

    @Override
    public CompletionStage<Void> publish(Reading reading) {
        return publish(List.of(reading));
    }

    @Override
    public synchronized CompletionStage<Void> publishPromptly(List<Reading> readings) {
        promptCalls++;
        return publish(readings);
    }

    @Override
    public synchronized CompletionStage<Void> publish(List<Reading> readings) {
        attempted.addAll(readings);
        batchSizes.add(readings.size());
        notifyAll();
        return switch (mode) {
            case ACCEPT -> {
                accepted.addAll(readings);
                yield CompletableFuture.completedFuture(null);
            }
            case HOLD -> {
                CompletableFuture<Void> f = new CompletableFuture<>();
                held.add(f);
                yield f;
            }
            case FAIL -> CompletableFuture.failedFuture(new IllegalStateException("journal failing (test)"));
        };
    }

    synchronized List<Reading> accepted() {
        return List.copyOf(accepted);
    }

    /** The size of each publish call's batch, in call order. */
    synchronized List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    synchronized int promptCalls() {
        return promptCalls;
    }

    synchronized List<Reading> attempted() {
        return List.copyOf(attempted);
    }

    /** Completes every held stage normally. */
    void releaseHeld() {
        List<CompletableFuture<Void>> h;
        synchronized (this) {
            h = List.copyOf(held);
            held.clear();
        }
        h.forEach(f -> f.complete(null));
    }

    /** Waits until at least {@code count} readings were attempted. */
    synchronized List<Reading> awaitAttempts(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (attempted.size() < count) {
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("waited " + timeout + " for " + count + " attempted readings, have " + attempted.size());
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(attempted);
    }
}
