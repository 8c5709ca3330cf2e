package dev.hearth.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

import dev.hearth.api.Reading;
import dev.hearth.api.ReadingPublisher;

/** A publisher that keeps what drivers publish, for assertions; accepts everything at once. */
public final class RecordingPublisher implements ReadingPublisher {

    private final List<Reading> readings = new ArrayList<>();
    private volatile RuntimeException failure;

    @Override
    public synchronized CompletionStage<Void> publish(Reading reading) {
        return publish(List.of(reading));
    }

    @Override
    public synchronized CompletionStage<Void> publish(List<Reading> batch) {
        if (failure != null) return CompletableFuture.failedFuture(failure);
        readings.addAll(batch);
        notifyAll();
        return CompletableFuture.completedFuture(null);
    }

    /** Makes every later publish fail with {@code e} ({@code null} to accept again). */
    public void failWith(RuntimeException e) {
        failure = e;
    }

    public synchronized List<Reading> readings() {
        return List.copyOf(readings);
    }

    public synchronized void clear() {
        readings.clear();
    }

    /** Waits until {@code count} readings matching {@code which} were published; returns them. */
    public synchronized List<Reading> await(Predicate<Reading> which, int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Reading> matching = readings.stream().filter(which).toList();
            if (matching.size() >= count) return matching;
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("waited " + timeout + " for " + count + " readings, have " + matching.size()
                    + " of " + readings.size());
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
