package dev.hearth.sink.mqtt.internal;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import org.reactivestreams.Subscription;

import io.reactivex.FlowableSubscriber;

/**
 * One batch's publishes on their way into the client's publish flow, their results matched back to
 * the batch's order, and a wait for them. No OSGi and no MQTT connection of its own, so it is tested
 * by itself.
 *
 * <p>Results arrive on the client's threads. A broker acknowledges QoS 1 and 2 messages in the
 * order it got them (MQTT 3.1.1 § 4.6, MQTT 5 § 4.6), so each result is normally the next one
 * expected; otherwise it is looked up among those still open, so the outcome is right either way.
 *
 * <p>With a window, at most that many publishes are in the flow without a result: the rest wait
 * here, in order, and each result sends the next on the thread that delivered it (the caller never
 * waits for room). Without a window every publish goes into the flow at once. MQTT 3.1.1 cannot tell
 * the client the broker's limit, and Mosquitto acknowledges QoS 2 messages over it and drops them.
 */
final class BatchPublish {

    /** The reason of a message that got no answer in time. */
    static final Throwable TIMED_OUT = new Throwable("no acknowledgement in time", null, false, false) {
    };

    private final Throwable[] errors;
    private final boolean[] done;
    /** Every publish handed over, in order; those from {@link #sent} on still wait for room. */
    private final Object[] expected;
    /** The most publishes in the flow without a result; 0 for no limit of ours. */
    private final int window;
    /** Takes publishes into the client's flow; called by one thread at a time, never under this lock. */
    private final Consumer<Object> out;
    /** Completes the client's flow, once, after the last publish went in. */
    private final Runnable complete;
    /** Serializes {@link #drain} without a lock around {@link #out}: who raises it from 0 drains for everyone. */
    private final AtomicInteger draining = new AtomicInteger();
    /** How many publishes were handed over. */
    private int added;
    /** How many of them went into the flow; results only ever refer to those. */
    private int sent;
    private int next;
    /** Handed over and without a result. */
    private int open;
    /** Results recorded, for the wait's timeout, which counts from the last one. */
    private int answered;
    /** Why the whole flow ended early (not connected, session lost); {@code null} while it runs. */
    private Throwable flowError;
    private Subscription subscription;
    private boolean finished;
    /** {@link #close} was called: no more publishes. */
    private boolean closed;
    private boolean completed;

    /** A batch without a window whose publishes go nowhere: for tests that play the client. */
    BatchPublish(int capacity) {
        this(capacity, 0, p -> {
        }, () -> {
        });
    }

    /**
     * @param capacity the most publishes this batch will have
     * @param window the most publishes in the flow without a result, 0 for no limit
     * @param out puts one publish into the client's flow
     * @param complete completes the client's flow
     */
    BatchPublish(int capacity, int window, Consumer<Object> out, Runnable complete) {
        if (window < 0) throw new IllegalArgumentException("window " + window);
        errors = new Throwable[capacity];
        done = new boolean[capacity];
        expected = new Object[capacity];
        this.window = window;
        this.out = out;
        this.complete = complete;
    }

    /** A subscriber for the client's result flow, reading a result's publish and error with the given functions. */
    <R> FlowableSubscriber<R> subscriber(Function<R, Object> publishOf, Function<R, Optional<Throwable>> errorOf) {
        return new FlowableSubscriber<>() {
            @Override
            public void onSubscribe(Subscription s) {
                boolean cancel;
                synchronized (BatchPublish.this) {
                    subscription = s;
                    cancel = finished;
                }
                if (cancel) s.cancel();
                else s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(R result) {
                result(publishOf.apply(result), errorOf.apply(result).orElse(null));
            }

            @Override
            public void onError(Throwable t) {
                failed(t);
            }

            @Override
            public void onComplete() {
                synchronized (BatchPublish.this) {
                    BatchPublish.this.notifyAll();
                }
            }
        };
    }

    /**
     * The next publish, in the batch's order, from the one thread that builds the batch: into the
     * flow now if the window has room, else when a result makes room. Results are matched to
     * publishes by identity, else by equality.
     */
    void add(Object publish) {
        if (window == 0) {
            synchronized (this) {
                if (finished) return;
                expected[added++] = publish;
                sent = added;
                open++;
            }
            out.accept(publish); // recorded first: its result may come at once
            return;
        }
        synchronized (this) {
            if (finished) return;
            expected[added++] = publish;
            open++;
        }
        drain();
    }

    /** No more publishes: the client's flow is completed once the last one went in (or the batch ended). */
    void close() {
        synchronized (this) {
            closed = true;
        }
        drain();
    }

    /**
     * Sends waiting publishes while the window has room, then completes the flow if closed; whoever
     * finds another thread at it leaves the work to that thread.
     */
    private void drain() {
        if (draining.getAndIncrement() != 0) return;
        int missed = 1;
        do {
            while (true) {
                Object p = null;
                boolean end = false;
                synchronized (this) {
                    boolean over = finished || flowError != null;
                    // in the flow without a result: sent minus those answered (every answered one was sent)
                    if (!over && sent < added && (window == 0 || sent - (added - open) < window)) {
                        p = expected[sent++];
                    } else if (closed && !completed && (over || sent == added)) {
                        completed = end = true;
                    }
                }
                if (p != null) {
                    out.accept(p);
                } else {
                    if (end) complete.run();
                    break;
                }
            }
            missed = draining.addAndGet(-missed);
        } while (missed != 0);
    }

    /** One message's result: {@code error} is {@code null} when it was acknowledged. */
    void result(Object publish, Throwable error) {
        synchronized (this) {
            if (finished || flowError != null) return;
            int i = indexOf(publish);
            if (i < 0) return; // not one of ours: cannot happen with the client's flow, and nothing to record
            done[i] = true;
            errors[i] = error;
            answered++;
            while (next < sent && done[next]) next++;
            if (--open == 0) notifyAll();
        }
        if (window > 0) drain();
    }

    /** The whole flow failed: every message without a result gets {@code error}. */
    synchronized void failed(Throwable error) {
        if (finished) return;
        flowError = error;
        notifyAll();
    }

    private int indexOf(Object publish) {
        if (next < sent && expected[next] == publish) return next;
        for (int i = next; i < sent; i++) {
            if (!done[i] && expected[i] == publish) return i;
        }
        for (int i = next; i < sent; i++) {
            if (!done[i] && expected[i].equals(publish)) return i;
        }
        return -1;
    }

    /**
     * Once every publish was added: waits for every result or a failure of the flow, but gives up
     * once {@code quietNanos} passed without any result (checked at that interval, so at most twice
     * that since the last one); then stops the flow and returns each added message's error, in
     * order: {@code null} if acknowledged, the flow's failure, or {@link #TIMED_OUT} (also for those
     * the window still held back).
     */
    Throwable[] await(long quietNanos) throws InterruptedException {
        Subscription cancel = null;
        try {
            synchronized (this) {
                long deadline = System.nanoTime() + quietNanos;
                int seen = answered;
                while (open > 0 && flowError == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        if (answered == seen) break;
                        // results came meanwhile: a window sends a big batch in turns, which takes its time
                        seen = answered;
                        deadline = System.nanoTime() + quietNanos;
                        continue;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
                return snapshot();
            }
        } finally {
            synchronized (this) {
                if (!finished) snapshot();
                if (open > 0) cancel = subscription;
            }
            // messages still in flight stay with the client's session; their readings are retried
            if (cancel != null) cancel.cancel();
            drain(); // completes the flow if the window still held publishes back
        }
    }

    /** Ends the batch (later results are ignored, nothing more is sent) and fills in the open messages' errors. */
    private Throwable[] snapshot() {
        finished = true;
        Throwable[] out = Arrays.copyOf(errors, added);
        for (int i = 0; i < out.length; i++) {
            if (!done[i]) out[i] = flowError != null ? flowError : TIMED_OUT;
        }
        return out;
    }
}
