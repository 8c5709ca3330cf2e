package dev.hearth.driver.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.hearth.api.Reading;

/** Acknowledgement strictly after commit, batching by size and by time; no broker. */
class AckBatcherTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<Integer> acked = new CopyOnWriteArrayList<>();
    private final AtomicInteger failedMessages = new AtomicInteger();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static Reading reading(int i) {
        return Reading.of("d", "m").field("i", (long) i).build();
    }

    private AckBatcher batcher(TestPublisher publisher, int size, Duration wait) {
        return new AckBatcher(publisher, scheduler, size, wait, (e, n) -> failedMessages.addAndGet(n));
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
        AckBatcher b = batcher(publisher, 3, Duration.ofSeconds(10));
        for (int i = 0; i < 3; i++) add(b, i);
        publisher.awaitAttempts(3, Duration.ofSeconds(5)); // a full batch goes at once, not after the wait
        Thread.sleep(100);
        assertEquals(List.of(), acked);
        assertEquals(3, b.pending());
        publisher.releaseHeld();
        waitFor(() -> acked.size() == 3);
        assertEquals(List.of(0, 1, 2), acked);
        assertEquals(3, b.committed());
        assertEquals(0, b.pending());
    }

    @Test
    void aPartialBatchGoesAfterTheWaitAsOnePublish() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.ACCEPT);
        AckBatcher b = batcher(publisher, 500, Duration.ofMillis(50));
        for (int i = 0; i < 7; i++) add(b, i);
        waitFor(() -> acked.size() == 7);
        assertEquals(7, publisher.accepted().size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), acked);
    }

    @Test
    void aFailedCommitAcknowledgesNothingAndSaysSo() throws Exception {
        TestPublisher publisher = new TestPublisher(TestPublisher.Mode.FAIL);
        AckBatcher b = batcher(publisher, 2, Duration.ofMillis(20));
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
        AckBatcher b = batcher(publisher, 500, Duration.ofSeconds(10));
        add(b, 1);
        assertTrue(b.drainAndClose(Duration.ofSeconds(2)));
        assertEquals(List.of(1), acked);
        add(b, 2);
        Thread.sleep(50);
        assertEquals(List.of(1), acked);
        TestPublisher hanging = new TestPublisher(TestPublisher.Mode.HOLD);
        AckBatcher h = batcher(hanging, 500, Duration.ofSeconds(10));
        add(h, 9);
        assertFalse(h.drainAndClose(Duration.ofMillis(100)));
        assertEquals(List.of(1), acked);
    }
}
