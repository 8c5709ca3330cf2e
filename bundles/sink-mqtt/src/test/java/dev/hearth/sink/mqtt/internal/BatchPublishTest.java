package dev.hearth.sink.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;

import io.reactivex.FlowableSubscriber;

/** Matching a batch's results back to its readings, without a broker: order, failures, deadlines. */
class BatchPublishTest {

    /** A result as the client gives it: the publish it belongs to and its error, if any. */
    private record Result(Object publish, Throwable error) {
    }

    private static final class FakeSubscription implements Subscription {
        final AtomicBoolean cancelled = new AtomicBoolean();
        long requested;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    private static FlowableSubscriber<Result> subscriber(BatchPublish batch, FakeSubscription s) {
        FlowableSubscriber<Result> sub = batch.subscriber(Result::publish, r -> Optional.ofNullable(r.error()));
        sub.onSubscribe(s);
        return sub;
    }

    private static long soon() {
        return System.nanoTime() + 5_000_000_000L;
    }

    @Test
    void resultsInOrderAreMatchedOneToOne() throws Exception {
        Object[] publishes = { "a", "b", "c" };
        BatchPublish batch = new BatchPublish(3);
        batch.expect(publishes);
        FakeSubscription s = new FakeSubscription();
        FlowableSubscriber<Result> sub = subscriber(batch, s);
        Throwable refused = new IllegalStateException("quota exceeded");
        sub.onNext(new Result(publishes[0], null));
        sub.onNext(new Result(publishes[1], refused));
        sub.onNext(new Result(publishes[2], null));
        sub.onComplete();
        assertArrayEquals(new Throwable[] { null, refused, null }, batch.await(soon()));
        assertEquals(Long.MAX_VALUE, s.requested);
        assertTrue(!s.cancelled.get(), "a finished flow is not cancelled");
    }

    @Test
    void resultsOutOfOrderAndEqualButNotIdenticalPublishesFindTheirSlot() throws Exception {
        // MQTT 3's result views are new objects that are equal to the publish sent
        Object[] publishes = { new String("x"), new String("y"), new String("x") };
        BatchPublish batch = new BatchPublish(3);
        batch.expect(publishes);
        FlowableSubscriber<Result> sub = subscriber(batch, new FakeSubscription());
        Throwable late = new RuntimeException("late");
        sub.onNext(new Result(publishes[2], late)); // identity wins over equality
        sub.onNext(new Result(new String("y"), null));
        sub.onNext(new Result(new String("x"), null));
        sub.onNext(new Result("not ours", new RuntimeException("ignored")));
        Throwable[] errors = batch.await(soon());
        assertNull(errors[0]);
        assertNull(errors[1]);
        assertSame(late, errors[2]);
    }

    @Test
    void aFailedFlowFailsOnlyTheMessagesWithoutAResult() throws Exception {
        Object[] publishes = { "a", "b", "c", "d" };
        BatchPublish batch = new BatchPublish(4);
        batch.expect(publishes);
        FakeSubscription s = new FakeSubscription();
        FlowableSubscriber<Result> sub = subscriber(batch, s);
        Throwable gone = new IllegalStateException("connection lost");
        sub.onNext(new Result("a", null));
        sub.onNext(new Result("c", null));
        sub.onError(gone);
        sub.onNext(new Result("b", null)); // after the end: ignored
        assertArrayEquals(new Throwable[] { null, gone, null, gone }, batch.await(soon()));
        assertTrue(s.cancelled.get(), "a flow with open messages is cancelled");
    }

    @Test
    void theDeadlineAnswersTimedOutAndLaterResultsAreIgnored() throws Exception {
        Object[] publishes = { "a", "b" };
        BatchPublish batch = new BatchPublish(2);
        batch.expect(publishes);
        FakeSubscription s = new FakeSubscription();
        FlowableSubscriber<Result> sub = subscriber(batch, s);
        sub.onNext(new Result("a", null));
        Throwable[] errors = batch.await(System.nanoTime() + 50_000_000L);
        assertNull(errors[0]);
        assertSame(BatchPublish.TIMED_OUT, errors[1]);
        assertTrue(s.cancelled.get());
        sub.onNext(new Result("b", null)); // must not throw or change what was returned
        assertSame(BatchPublish.TIMED_OUT, errors[1]);
    }

    @Test
    void resultsFromAnotherThreadWakeTheWaiter() throws Exception {
        int n = 10_000;
        Object[] publishes = new Object[n];
        for (int i = 0; i < n; i++) publishes[i] = Integer.valueOf(i * 7 + 1000);
        BatchPublish batch = new BatchPublish(n);
        batch.expect(publishes);
        FlowableSubscriber<Result> sub = subscriber(batch, new FakeSubscription());
        Thread client = new Thread(() -> {
            for (int i = 0; i < n; i++) sub.onNext(new Result(publishes[i], i % 1000 == 0 ? new RuntimeException("no " + i) : null));
            sub.onComplete();
        });
        client.start();
        Throwable[] errors = batch.await(System.nanoTime() + 60_000_000_000L);
        client.join();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < n; i++) if (errors[i] != null) failed.add(i);
        assertEquals(List.of(0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000), failed);
        assertEquals("no 3000", errors[3000].getMessage());
    }

    @Test
    void anInterruptedWaitCancelsTheFlow() {
        BatchPublish batch = new BatchPublish(1);
        batch.expect(new Object[] { "a" });
        FakeSubscription s = new FakeSubscription();
        subscriber(batch, s);
        Thread.currentThread().interrupt();
        try {
            batch.await(soon());
            throw new AssertionError("no InterruptedException");
        } catch (InterruptedException expected) {
            assertTrue(s.cancelled.get());
        }
    }
}
