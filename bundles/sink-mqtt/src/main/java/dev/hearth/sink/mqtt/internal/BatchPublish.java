package dev.hearth.sink.mqtt.internal;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;

import org.reactivestreams.Subscription;

import io.reactivex.FlowableSubscriber;

/**
 * The results of one batch's publish flow, matched back to the batch's order, and a wait for them.
 * No OSGi and no MQTT connection of its own, so it is tested by itself.
 *
 * <p>Results arrive on the client's threads. A broker acknowledges QoS 1 and 2 messages in the
 * order it got them (MQTT 3.1.1 § 4.6, MQTT 5 § 4.6), so each result is normally the next one
 * expected; otherwise it is looked up among those still open, so the outcome is right either way.
 */
final class BatchPublish {

    /** The reason of a message that got no answer before the deadline. */
    static final Throwable TIMED_OUT = new Throwable("no acknowledgement in time", null, false, false) {
    };

    private final Throwable[] errors;
    private final boolean[] done;
    private final Object[] expected;
    /** How many publishes were added; results only ever refer to those. */
    private int added;
    private int next;
    private int open;
    /** Why the whole flow ended early (not connected, session lost); {@code null} while it runs. */
    private Throwable flowError;
    private Subscription subscription;
    private boolean finished;

    /** @param capacity the most publishes this batch will have */
    BatchPublish(int capacity) {
        errors = new Throwable[capacity];
        done = new boolean[capacity];
        expected = new Object[capacity];
    }

    /**
     * The next publish, in the batch's order, added before it goes into the flow (its result may
     * come at once); results are matched to publishes by identity, else by equality.
     */
    synchronized void add(Object publish) {
        if (finished) return;
        expected[added++] = publish;
        open++;
    }

    /** {@link #add} for each. */
    void expect(Object[] publishes) {
        for (Object p : publishes) add(p);
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

    /** One message's result: {@code error} is {@code null} when it was acknowledged. */
    synchronized void result(Object publish, Throwable error) {
        if (finished || flowError != null) return;
        int i = indexOf(publish);
        if (i < 0) return; // not one of ours: cannot happen with the client's flow, and nothing to record
        done[i] = true;
        errors[i] = error;
        while (next < done.length && done[next]) next++;
        if (--open == 0) notifyAll();
    }

    /** The whole flow failed: every message without a result gets {@code error}. */
    synchronized void failed(Throwable error) {
        if (finished) return;
        flowError = error;
        notifyAll();
    }

    private int indexOf(Object publish) {
        if (next < added && expected[next] == publish) return next;
        for (int i = next; i < added; i++) {
            if (!done[i] && expected[i] == publish) return i;
        }
        for (int i = next; i < added; i++) {
            if (!done[i] && expected[i].equals(publish)) return i;
        }
        return -1;
    }

    /**
     * Once every publish was added: waits for every result, a failure of the flow, or {@code deadline}
     * ({@link System#nanoTime()}); then stops the flow and returns each added message's error, in
     * order: {@code null} if acknowledged, the flow's failure, or {@link #TIMED_OUT}.
     */
    Throwable[] await(long deadline) throws InterruptedException {
        Subscription cancel = null;
        try {
            synchronized (this) {
                while (open > 0 && flowError == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
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
        }
    }

    /** Ends the batch (later results are ignored) and fills in the open messages' errors. */
    private Throwable[] snapshot() {
        finished = true;
        Throwable[] out = Arrays.copyOf(errors, added);
        for (int i = 0; i < out.length; i++) {
            if (!done[i]) out[i] = flowError != null ? flowError : TIMED_OUT;
        }
        return out;
    }
}
