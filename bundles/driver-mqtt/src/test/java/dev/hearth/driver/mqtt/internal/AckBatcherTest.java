package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

/** Acknowledgement strictly after commit, batches as big as the load makes them, order kept; no broker. */
class AckBatcherTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Integer> acked = new CopyOnWriteArrayList<>();
    private final AtomicInteger failedMessages = new AtomicInteger();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static Reading reading(int i) {
        return Reading.of("d", "m").field("i", (long) i).build();
    }

    private AckBatcher batcher(TestPublisher publisher, int size) {
        return new AckBatcher(publisher, executor, size, (e, n) -> failedMessages.addAndGet(n));
    }

    private void add(AckBatcher b, int i) {
        b.add(List.of(reading(i)), () -> acked.add(i));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met within 5 s");
            Thread.sleep(5);
        }
    }

    @Test
    void acknowledgesInOrderOnlyAfterTheStageCompletes() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.HOLD);
        AckBatcher b = batcher(publisher, 500);
        for (int i = 0; i < 3; i++) add(b, i);
        publisher.awaitAttempts(2, Duration.ofSeconds(5)); // the first two go at once, nothing waits for a window
        Thread.sleep(100);
        assertEquals(2, publisher.attempted().size(), "a third batch waits while two are committing");
        assertEquals(List.of(), acked);
        assertEquals(3, b.pending());
        while (acked.size() < 3) {
            publisher.releaseHeld();
            Thread.sleep(5);
        }
        assertEquals(List.of(0, 1, 2), acked);
        assertEquals(3, b.committed());
        assertEquals(0, b.pending());
        assertEquals(publisher.batchSizes().size(), publisher.promptCalls(), "every batch asks for a prompt commit");
    }

    @Test
    void messagesArrivingDuringCommitsGoTogetherWhenOneCompletes() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.HOLD);
        AckBatcher b = batcher(publisher, 500);
        add(b, 0);
        add(b, 1);
        publisher.awaitAttempts(2, Duration.ofSeconds(5));
        for (int i = 2; i < 10; i++) add(b, i);
        Thread.sleep(50);
        assertEquals(List.of(1, 1), publisher.batchSizes());
        publisher.releaseHeld();
        publisher.awaitAttempts(10, Duration.ofSeconds(5));
        assertEquals(List.of(1, 1, 8), publisher.batchSizes());
        publisher.releaseHeld();
        waitFor(() -> acked.size() == 10);
        assertEquals(IntStream.range(0, 10).boxed().toList(), acked);
    }

    @Test
    void aFullBatchGoesWithoutWaitingForACommit() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.HOLD);
        AckBatcher b = batcher(publisher, 3);
        for (int i = 0; i < 5; i++) add(b, i);
        publisher.awaitAttempts(5, Duration.ofSeconds(5));
        assertEquals(List.of(1, 1, 3), publisher.batchSizes());
        assertEquals(List.of(), acked);
    }

    @org.junit.jupiter.api.RepeatedTest(20) // a race between batches shows only now and then
    void keepsTheMessagesOrderAcrossBatchesOnAPoolOfThreads() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.ACCEPT);
        AckBatcher b = batcher(publisher, 7);
        for (int i = 0; i < 2000; i++) add(b, i);
        waitFor(() -> acked.size() == 2000);
        List<Long> order = publisher.accepted().stream().map(r -> (Long) r.fields().get("i")).toList();
        assertEquals(LongStream.range(0, 2000).boxed().toList(), order);
        assertEquals(IntStream.range(0, 2000).boxed().toList(), acked);
    }

    @Test
    void aFailedCommitAcknowledgesNothingAndSaysSo() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.FAIL);
        AckBatcher b = batcher(publisher, 2);
        add(b, 1);
        add(b, 2);
        waitFor(() -> failedMessages.get() == 2);
        assertEquals(List.of(), acked);
        assertEquals(0, b.pending());
        publisher.mode(TestPublisher.Mode.ACCEPT);
        add(b, 3);
        waitFor(() -> acked.size() == 1);
        assertEquals(List.of(3), acked);
    }

    @Test
    void drainAcknowledgesWhatCommitsAndThenTakesNothing() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.ACCEPT);
        AckBatcher b = batcher(publisher, 500);
        add(b, 1);
        assertTrue(b.drainAndClose(Duration.ofSeconds(2)));
        assertEquals(List.of(1), acked);
        add(b, 2);
        Thread.sleep(50);
        assertEquals(List.of(1), acked);
        TestPublisher hanging = new TestPublisher(TestPublisher.Mode.HOLD);
        AckBatcher h = batcher(hanging, 500);
        add(h, 9);
        assertFalse(h.drainAndClose(Duration.ofMillis(100)));
        assertEquals(List.of(1), acked);
    }

    @Test
    void aStoppedExecutorLeavesTheMessagesUnacknowledged() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.ACCEPT);
        AckBatcher b = batcher(publisher, 500);
        executor.shutdownNow();
        add(b, 1);
        assertEquals(List.of(), acked);
        assertEquals(1, failedMessages.get());
        assertEquals(0, b.pending());
    }

}
