package dev.hearth.sink.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** A quiet time no test reaches: results come at once. */
    private static long soon() {
        return 5_000_000_000L;
    }

    @Test
    void resultsInOrderAreMatchedOneToOne() throws Exception {
        Object[] publishes = { "a", "b", "c" };
        BatchPublish batch = new BatchPublish(3);
        expect(batch, publishes);
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
        expect(batch, publishes);
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
        expect(batch, publishes);
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
    void aQuietTimeAnswersTimedOutAndLaterResultsAreIgnored() throws Exception {
        Object[] publishes = { "a", "b" };
        BatchPublish batch = new BatchPublish(2);
        expect(batch, publishes);
        FakeSubscription s = new FakeSubscription();
        FlowableSubscriber<Result> sub = subscriber(batch, s);
        sub.onNext(new Result("a", null));
        Throwable[] errors = batch.await(50_000_000L);
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
        expect(batch, publishes);
        FlowableSubscriber<Result> sub = subscriber(batch, new FakeSubscription());
        Thread client = new Thread(() -> {
            for (int i = 0; i < n; i++) sub.onNext(new Result(publishes[i], i % 1000 == 0 ? new RuntimeException("no " + i) : null));
            sub.onComplete();
        });
        client.start();
        Throwable[] errors = batch.await(60_000_000_000L);
        client.join();
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < n; i++) if (errors[i] != null) failed.add(i);
        assertEquals(List.of(0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000), failed);
        assertEquals("no 3000", errors[3000].getMessage());
    }

    @Test
    void anInterruptedWaitCancelsTheFlow() {
        BatchPublish batch = new BatchPublish(1);
        expect(batch, new Object[] { "a" });
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
    /** A batch with a window whose publishes are recorded as they go into the "flow". */
    private static final class Wire {
        final List<Object> sent = new CopyOnWriteArrayList<>();
        final AtomicInteger completed = new AtomicInteger();
        final BatchPublish batch;

        Wire(int capacity, int window) {
            batch = new BatchPublish(capacity, window, sent::add, completed::incrementAndGet);
        }
    }

    @Test
    void aWindowSendsInTurnsAsResultsComeAndCompletesAfterTheLast() throws Exception {
        Wire w = new Wire(4, 2);
        FlowableSubscriber<Result> sub = subscriber(w.batch, new FakeSubscription());
        expect(w.batch, new Object[] { "a", "b", "c", "d" });
        assertEquals(List.of("a", "b"), w.sent, "two in the flow without a result fill a window of 2");
        sub.onNext(new Result("d", new RuntimeException("not sent yet"))); // cannot be ours yet: ignored
        sub.onNext(new Result("b", null)); // out of order still makes room
        assertEquals(List.of("a", "b", "c"), w.sent);
        w.batch.close();
        assertEquals(0, w.completed.get(), "completed only once the last went in");
        sub.onNext(new Result("a", null));
        assertEquals(List.of("a", "b", "c", "d"), w.sent);
        assertEquals(1, w.completed.get());
        sub.onNext(new Result("c", null));
        sub.onNext(new Result("d", null));
        assertArrayEquals(new Throwable[4], w.batch.await(soon()));
        assertEquals(1, w.completed.get());
    }

    @Test
    void heldBackPublishesAreTimedOutAndNeverSent() throws Exception {
        Wire w = new Wire(3, 1);
        FakeSubscription s = new FakeSubscription();
        FlowableSubscriber<Result> sub = subscriber(w.batch, s);
        expect(w.batch, new Object[] { "a", "b", "c" });
        w.batch.close();
        Throwable[] errors = w.batch.await(20_000_000L);
        assertArrayEquals(new Throwable[] { BatchPublish.TIMED_OUT, BatchPublish.TIMED_OUT, BatchPublish.TIMED_OUT }, errors);
        assertTrue(s.cancelled.get());
        sub.onNext(new Result("a", null)); // too late: makes no room in an ended batch
        assertEquals(List.of("a"), w.sent);
        assertEquals(1, w.completed.get(), "an ended batch completes its flow");
    }

    @Test
    void aFailedFlowSendsNoMore() throws Exception {
        Wire w = new Wire(3, 1);
        FlowableSubscriber<Result> sub = subscriber(w.batch, new FakeSubscription());
        expect(w.batch, new Object[] { "a", "b", "c" });
        Throwable gone = new IllegalStateException("connection lost");
        sub.onError(gone);
        sub.onNext(new Result("a", null));
        w.batch.close();
        assertArrayEquals(new Throwable[] { gone, gone, gone }, w.batch.await(soon()));
        assertEquals(List.of("a"), w.sent);
        assertEquals(1, w.completed.get());
    }

    @Test
    void withoutAWindowEverythingGoesAtOnceAndANegativeWindowIsRefused() throws Exception {
        Wire w = new Wire(1000, 0);
        subscriber(w.batch, new FakeSubscription());
        for (int i = 0; i < 1000; i++) w.batch.add(i);
        assertEquals(1000, w.sent.size());
        w.batch.close();
        assertEquals(1, w.completed.get());
        assertThrows(IllegalArgumentException.class, () -> new BatchPublish(1, -1, p -> {
        }, () -> {
        }));
    }

    /**
     * A slow broker that answers every message, one at a time: the wait lasts as long as results
     * keep coming, well past the quiet time.
     */
    @Test
    void theQuietTimeCountsFromTheLastResult() throws Exception {
        int n = 300;
        BlockingQueue<Object> wire = new LinkedBlockingQueue<>();
        BatchPublish batch = new BatchPublish(n, 1, wire::add, () -> {
        });
        FlowableSubscriber<Result> sub = subscriber(batch, new FakeSubscription());
        Thread broker = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    Object p = wire.take();
                    Thread.sleep(2);
                    sub.onNext(new Result(p, null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        broker.start();
        for (int i = 0; i < n; i++) batch.add(i);
        batch.close();
        long quiet = 200_000_000L;
        long start = System.nanoTime();
        Throwable[] errors = batch.await(quiet);
        long took = System.nanoTime() - start;
        broker.join();
        assertArrayEquals(new Throwable[n], errors, "took " + took / 1_000_000 + " ms");
        assertTrue(took > quiet, "the answers took longer than the quiet time: " + took / 1_000_000 + " ms");
    }

    /**
     * A client on another thread answers what it was given, in order: never more than the window's
     * publishes in the flow without a result, and every one is answered in its slot.
     */
    @Test
    void theWindowHoldsAcrossThreads() throws Exception {
        int n = 20_000;
        int window = 5;
        BlockingQueue<Object> wire = new LinkedBlockingQueue<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        BatchPublish batch = new BatchPublish(n, window, p -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            wire.add(p);
        }, () -> {
        });
        FlowableSubscriber<Result> sub = subscriber(batch, new FakeSubscription());
        Thread client = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    Integer p = (Integer) wire.take();
                    inFlight.decrementAndGet();
                    sub.onNext(new Result(p, p % 5000 == 7 ? new RuntimeException("no " + p) : null));
                }
                sub.onComplete();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        client.start();
        for (int i = 0; i < n; i++) batch.add(Integer.valueOf(i));
        batch.close();
        Throwable[] errors = batch.await(60_000_000_000L);
        client.join();
        assertTrue(most.get() <= window, "at most " + window + " without a result, saw " + most.get());
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < n; i++) if (errors[i] != null) failed.add(i);
        assertEquals(List.of(7, 5007, 10007, 15007), failed);
    }

    /** {@link BatchPublish#add} for each, as the sink adds a batch's publishes. */
    private static void expect(BatchPublish batch, Object[] publishes) {
        for (Object p : publishes) batch.add(p);
    }
}
