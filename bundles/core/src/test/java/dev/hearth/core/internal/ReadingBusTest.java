package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.SinkStatus;
import dev.hearth.testkit.RecordingSink;

class ReadingBusTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private ReadingBus bus;

    BusSettings settings() {
        return BusSettings.defaults(dir.resolve("journal.db")).withRetry(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    ReadingBus open(BusSettings s) throws Exception {
        bus = new ReadingBus(s, new DeviceRegistry());
        return bus;
    }

    @AfterEach
    void close() throws Exception {
        if (bus != null) bus.close();
    }

    static List<Reading> readings(String device, int from, int count) {
        List<Reading> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(Reading.of(device, "m").tag("room", "lab").field("seq", (long) i)
                    .at(Instant.ofEpochMilli(1_700_000_000_000L + i)).build());
        }
        return out;
    }

    static List<Long> seqs(List<Reading> rs) {
        return rs.stream().map(r -> (Long) r.fields().get("seq")).toList();
    }

    static List<Long> range(int from, int count) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < from + count; i++) out.add(i);
        return out;
    }

    @Test
    void everySinkGetsEveryReadingInOrder() throws Exception {
        open(settings());
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        bus.addSink("a", a, "", r -> true, 7);
        bus.addSink("b", b, "", r -> true, 500);
        for (int i = 0; i < 10; i++) bus.publish(readings("d", i * 100, 100)).get(10, TimeUnit.SECONDS);
        assertEquals(range(0, 1000), seqs(a.await(1000, WAIT)));
        assertEquals(range(0, 1000), seqs(b.await(1000, WAIT)));
        assertTrue(a.batches().stream().allMatch(batch -> batch.size() <= 7), "batch size respected");
        assertEquals(1000, bus.journalStatus().accepted());
    }

    @Test
    void aLingeringSinkGetsTricklingReadingsInFewerFullerBatches() throws Exception {
        open(settings());
        RecordingSink eager = new RecordingSink();
        RecordingSink lingering = new RecordingSink();
        bus.addSink("eager", eager, "", r -> true, 100);
        bus.addSink("lingering", lingering, "", r -> true, 100, 2_000);
        for (int i = 0; i < 10; i++) {
            bus.publish(readings("d", i, 1), true).get(10, TimeUnit.SECONDS);
            Thread.sleep(30);
        }
        assertEquals(range(0, 10), seqs(eager.await(10, WAIT)));
        assertEquals(range(0, 10), seqs(lingering.await(10, WAIT)));
        // ten commits 30 ms apart: the eager sink hears of each; the lingering one waits up to 2 s for a fuller batch
        assertTrue(eager.batches().size() >= 5, "eager batches " + eager.batches().size());
        assertTrue(lingering.batches().size() <= 2, "lingering batches " + lingering.batches().size());
    }

    @Test
    void aLingeringSinkGetsFullBatchesAtOnceAndOnlyTheRestWaits() throws Exception {
        open(settings());
        RecordingSink sink = new RecordingSink();
        bus.publish(readings("d", 0, 12)).get(10, TimeUnit.SECONDS);
        bus.addSink("s", sink, "", r -> true, 5, 3_000);
        assertEquals(range(0, 10), seqs(sink.await(10, WAIT)), "two full batches go without lingering");
        Thread.sleep(500);
        assertEquals(10, sink.delivered().size(), "the partial batch of 2 is still waiting for more");
        assertEquals(range(0, 12), seqs(sink.await(12, WAIT)), "and goes when its linger time is up");
        assertEquals(List.of(5, 5, 2), sink.batches().stream().map(List::size).toList());
    }

    /** A sink that takes its time and records what it was told to prepare; its prepare may throw. */
    static final class PreparingSink implements dev.hearth.api.ReadingSink {
        final List<List<Reading>> prepared = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<List<Reading>> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean prepareThrows;

        @Override
        public List<dev.hearth.api.Outcome> deliver(List<Reading> batch) throws Exception {
            Thread.sleep(40); // a server's round trip: the next batch is fetched and prepared meanwhile
            delivered.add(batch);
            return dev.hearth.api.Outcome.all(dev.hearth.api.Outcome.DELIVERED, batch.size());
        }

        @Override
        public void prepare(List<Reading> upcoming) {
            prepared.add(upcoming);
            if (prepareThrows) throw new IllegalStateException("prepare failed on purpose");
        }

        /** Delivered batches whose readings are, object for object, a list that prepare got before. */
        long preparedBatches() {
            return delivered.stream().filter(b -> prepared.stream().anyMatch(p -> sameObjects(p, b))).count();
        }

        static boolean sameObjects(List<Reading> a, List<Reading> b) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) != b.get(i)) return false;
            }
            return true;
        }
    }

    @ParameterizedTest(name = "prepare throws: {0}")
    @ValueSource(booleans = { false, true })
    void theNextBatchIsOfferedToPrepareWhileOneIsDelivered(boolean prepareThrows) throws Exception {
        open(settings());
        for (int i = 0; i < 10; i++) bus.publish(readings("d", i * 100, 100)).get(10, TimeUnit.SECONDS);
        PreparingSink sink = new PreparingSink();
        sink.prepareThrows = prepareThrows;
        bus.addSink("p", sink, "", r -> true, 100);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sink.delivered.stream().mapToInt(List::size).sum() < 1000 && System.nanoTime() < deadline) Thread.sleep(20);
        List<Reading> all = sink.delivered.stream().flatMap(List::stream).toList();
        assertEquals(range(0, 1000), seqs(all), "every reading once, in order, whatever prepare does");
        for (List<Reading> p : sink.prepared) {
            assertTrue(p.size() <= 100, "never more than a batch");
            assertThrows(UnsupportedOperationException.class, () -> p.add(p.get(0)), "read-only");
        }
        // the first batch is read before any delivery; each later one was fetched, and offered, during the one before
        assertEquals(sink.delivered.size() - 1, sink.preparedBatches(), "every batch after the first was prepared");
    }

    @Test
    void aPromptPublishEndsTheGroupCommitWindow() throws Exception {
        BusSettings d = settings();
        open(new BusSettings(d.journal(), d.maxBytes(), d.fsync(), Duration.ofSeconds(30), d.commitMaxReadings(),
                d.maxPendingReadings(), d.retryInitial(), d.retryMax(), d.deadLettersPerSink(), d.forgetSinkAfter(),
                d.recentReadings(), d.minFreeBytes()));
        var windowed = bus.publish(readings("a", 0, 5));
        Thread.sleep(300);
        assertFalse(windowed.isDone(), "an ordinary publish waits for the 30 s window to gather more");
        var prompt = bus.publish(readings("b", 0, 5), true);
        prompt.get(10, TimeUnit.SECONDS);
        assertTrue(windowed.isDone(), "the group the prompt publish joined was committed with it");
        bus.publish(readings("c", 0, 1), true).get(10, TimeUnit.SECONDS); // alone: no window either
        assertEquals(11, bus.journalStatus().accepted());
    }

    @Test
    void aFailingSinkIsRetriedWithoutBlockingTheOthers() throws Exception {
        open(settings());
        RecordingSink down = new RecordingSink();
        down.fail(new java.io.IOException("connection refused"));
        RecordingSink up = new RecordingSink();
        bus.addSink("down", down, "", r -> true, 100);
        bus.addSink("up", up, "", r -> true, 100);
        bus.publish(readings("d", 0, 50)).get(10, TimeUnit.SECONDS);
        up.await(50, WAIT);
        waitFor(() -> status("down").retries() >= 3);
        assertEquals("connection refused", status("down").lastError());
        assertEquals(50, status("down").backlog());
        down.fail(null);
        assertEquals(range(0, 50), seqs(down.await(50, WAIT)));
        waitFor(() -> status("down").backlog() == 0);
    }

    @Test
    void rejectedReadingsGoToTheDeadLettersAndNeverBlockTheCursor() throws Exception {
        open(settings());
        RecordingSink sink = new RecordingSink();
        sink.answer(r -> ((Long) r.fields().get("seq")) % 10 == 3 ? Outcome.rejected("mapper_parsing_exception: seq") : Outcome.DELIVERED);
        bus.addSink("es", sink, "", r -> true, 100);
        bus.publish(readings("d", 0, 100)).get(10, TimeUnit.SECONDS);
        assertEquals(90, sink.await(90, WAIT).size());
        waitFor(() -> status("es").backlog() == 0);
        waitFor(() -> bus.deadLetters("es", 100).size() == 10);
        List<DeadLetter> dl = bus.deadLetters("es", 100);
        assertEquals("mapper_parsing_exception: seq", dl.get(0).reason());
        assertEquals(93L, dl.get(0).reading().fields().get("seq"), "newest first");
        assertEquals(10, status("es").deadLetters());
    }

    @Test
    void aRetryHoldsBackTheRestOfThatDeviceOnly() throws Exception {
        open(settings());
        RecordingSink sink = new RecordingSink();
        AtomicInteger attempts = new AtomicInteger();
        // the first reading of device "x" fails twice; "y" is unaffected
        sink.answer(r -> r.device().equals("x") && r.fields().get("seq").equals(0L) && attempts.incrementAndGet() <= 2
                ? Outcome.retry("busy") : Outcome.DELIVERED);
        bus.addSink("s", sink, "", r -> true, 100);
        List<Reading> mixed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mixed.addAll(readings("x", i, 1));
            mixed.addAll(readings("y", i, 1));
        }
        bus.publish(mixed).get(10, TimeUnit.SECONDS);
        waitFor(() -> status("s").backlog() == 0);
        List<Long> xSeen = new ArrayList<>();
        List<Long> ySeen = new ArrayList<>();
        for (Reading r : sink.delivered()) (r.device().equals("x") ? xSeen : ySeen).add((Long) r.fields().get("seq"));
        // The sink took x1..x4 while x0 failed; they are sent again after x0, so x ends in order.
        List<Long> afterLastX0 = xSeen.subList(xSeen.lastIndexOf(0L), xSeen.size());
        assertEquals(range(0, 5), afterLastX0, "x's last deliveries are in order: " + xSeen);
        assertEquals(range(0, 5), ySeen, "y was delivered once each, not held back");
    }

    @Test
    void theFilterSelectsByDeviceMeasurementAndTags() throws Exception {
        open(settings());
        RecordingSink onlyX = new RecordingSink();
        bus.addSink("x", onlyX, "(&(device=x)(room=lab))", CoreComponent.readingFilter("(&(device=x)(room=lab))"), 100);
        List<Reading> mixed = new ArrayList<>(readings("x", 0, 10));
        mixed.addAll(readings("y", 0, 10));
        bus.publish(mixed).get(10, TimeUnit.SECONDS);
        onlyX.await(10, WAIT);
        waitFor(() -> status("x").backlog() == 0);
        assertTrue(onlyX.delivered().stream().allMatch(r -> r.device().equals("x")));
        assertEquals(10, onlyX.delivered().size());
        assertThrows(org.osgi.framework.InvalidSyntaxException.class, () -> CoreComponent.readingFilter("(device=x"));
    }

    @Test
    void aSinkThatLeavesFindsItsBacklogWhenItReturns() throws Exception {
        open(settings());
        RecordingSink first = new RecordingSink();
        bus.addSink("s", first, "", r -> true, 100);
        bus.publish(readings("d", 0, 100)).get(10, TimeUnit.SECONDS);
        first.await(100, WAIT);
        waitFor(() -> status("s").backlog() == 0);
        bus.removeSink("s");
        bus.publish(readings("d", 100, 100)).get(10, TimeUnit.SECONDS);
        SinkStatus away = status("s");
        assertEquals(false, away.registered());
        assertEquals(100, away.backlog());
        RecordingSink again = new RecordingSink();
        bus.addSink("s", again, "", r -> true, 100);
        assertEquals(range(100, 100), seqs(again.await(100, WAIT)), "exactly the readings it missed");
        assertThrows(IllegalStateException.class, () -> bus.addSink("s", new RecordingSink(), "", r -> true, 1));
    }

    @Test
    void theBacklogSurvivesARestartOfTheGateway() throws Exception {
        open(settings());
        RecordingSink sink = new RecordingSink();
        bus.addSink("s", sink, "", r -> true, 10);
        bus.publish(readings("d", 0, 30)).get(10, TimeUnit.SECONDS);
        sink.await(30, WAIT);
        waitFor(() -> status("s").backlog() == 0);
        bus.removeSink("s");
        bus.publish(readings("d", 30, 20)).get(10, TimeUnit.SECONDS);
        bus.close();
        bus = null;
        open(settings());
        assertEquals(20, status("s").backlog());
        RecordingSink after = new RecordingSink();
        bus.addSink("s", after, "", r -> true, 10);
        assertEquals(range(30, 20), seqs(after.await(20, WAIT)));
    }

    @Test
    void overflowDropsTheOldestCountedPerSinkAndKeepsAccepting() throws Exception {
        BusSettings small = settings().withMaxBytes(512 << 10);
        open(small);
        RecordingSink never = new RecordingSink();
        never.fail(new RuntimeException("server away"));
        bus.addSink("away", never, "", r -> true, 100);
        int published = 0;
        for (int i = 0; i < 60; i++) {
            bus.publish(readings("d", published, 1000)).get(20, TimeUnit.SECONDS);
            published += 1000;
        }
        waitFor(() -> bus.journalStatus().dropped() > 0);
        SinkStatus s = status("away");
        assertTrue(s.dropped() > 0, "the sink's loss is counted");
        assertEquals(published, bus.journalStatus().accepted(), "every publish was accepted");
        assertTrue(bus.journalStatus().bytes() < 2 * small.maxBytes() + (8 << 20), "the file stays near its bound");
        never.fail(null);
        List<Reading> got = never.await(1, WAIT);
        assertTrue((Long) got.get(0).fields().get("seq") > 0, "the oldest were dropped, the newest kept");
    }

    @Test
    void aSinkAnsweringNonsenseIsRetriedNotTrusted() throws Exception {
        open(settings());
        AtomicInteger calls = new AtomicInteger();
        RecordingSink good = new RecordingSink();
        bus.addSink("odd", batch -> calls.incrementAndGet() < 3 ? List.of() : good.deliver(batch), "", r -> true, 100);
        bus.publish(readings("d", 0, 5)).get(10, TimeUnit.SECONDS);
        assertEquals(range(0, 5), seqs(good.await(5, WAIT)));
        assertTrue(status("odd").retries() >= 2);
    }

    @Test
    void publishingAfterCloseFailsClearly() throws Exception {
        open(settings());
        bus.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> bus.publish(readings("d", 0, 1)).get());
        assertTrue(e.getCause().getMessage().contains("closed"));
        bus = null;
    }

    @Test
    void recentKeepsTheNewestReadings() throws Exception {
        open(settings());
        bus.publish(readings("d", 0, 500)).get(10, TimeUnit.SECONDS);
        List<Reading> recent = bus.recent(3);
        assertEquals(List.of(497L, 498L, 499L), seqs(recent));
        assertEquals(200, bus.recent(1000).size());
        assertNull(status("nobody"));
    }

    private SinkStatus status(String id) {
        return bus.sinkStatus().stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("condition not met within " + WAIT);
            Thread.sleep(20);
        }
    }
}
