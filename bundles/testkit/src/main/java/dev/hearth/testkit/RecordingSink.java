package dev.hearth.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;

/**
 * A sink that keeps what it is given. By default it accepts everything; {@link #answer} makes it
 * answer per reading instead (retry, reject), and {@link #fail} makes whole batches throw.
 */
public final class RecordingSink implements ReadingSink {

    private final List<Reading> delivered = new ArrayList<>();
    private final List<List<Reading>> batches = new ArrayList<>();
    private volatile Function<Reading, Outcome> answer = r -> Outcome.DELIVERED;
    private volatile Exception failure;

    @Override
    public List<Outcome> deliver(List<Reading> batch) throws Exception {
        Exception f = failure;
        synchronized (this) {
            batches.add(List.copyOf(batch));
        }
        if (f != null) throw f;
        List<Outcome> out = new ArrayList<>(batch.size());
        synchronized (this) {
            for (Reading r : batch) {
                Outcome o = answer.apply(r);
                if (o.status() == Outcome.Status.DELIVERED) delivered.add(r);
                out.add(o);
            }
            notifyAll();
        }
        return out;
    }

    public void answer(Function<Reading, Outcome> how) {
        answer = how;
    }

    public void fail(Exception e) {
        failure = e;
    }

    public synchronized List<Reading> delivered() {
        return List.copyOf(delivered);
    }

    public synchronized List<List<Reading>> batches() {
        return List.copyOf(batches);
    }

    /** Waits until at least {@code count} readings were delivered; returns all delivered. */
    public synchronized List<Reading> await(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (delivered.size() < count) {
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("waited " + timeout + " for " + count + " readings, have " + delivered.size());
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(delivered);
    }
}
