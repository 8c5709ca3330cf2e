package dev.hearth.driver.loadgen.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.testkit.RecordingPublisher;

class LoadRunnerTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    final LoadSequence sequence = new LoadSequence("bench", "1.0.0", 1_767_225_600_000L);
    final RecordingPublisher publisher = new RecordingPublisher();
    final RecordingStatus status = new RecordingStatus();

    LoadRunner runner(int rate, int batch, long count, AckFile ack) {
        return new LoadRunner(sequence, publisher, status,
                new LoadRunner.Settings(rate, batch, count, ack, Duration.ofSeconds(5), Duration.ofMillis(10)));
    }

    static List<Long> seqs(List<Reading> readings) {
        return readings.stream().map(r -> (Long) r.fields().get("seq")).toList();
    }

    static void awaitEnd(LoadRunner r) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (r.isAlive() && System.nanoTime() < end) Thread.sleep(5);
        assertFalse(r.isAlive(), "the runner ends when the count is reached");
    }

    @Test
    void publishesOneToCountInBatchesAndRecordsTheAck() throws Exception {
        AckFile ack = new AckFile(dir.resolve("ack"));
        LoadRunner r = runner(0, 100, 250, ack);
        r.start();
        awaitEnd(r);
        List<Reading> got = publisher.readings();
        assertEquals(250, got.size());
        for (int i = 0; i < 250; i++) assertEquals(sequence.reading(i + 1), got.get(i));
        assertEquals("250\n", Files.readString(dir.resolve("ack")));
        assertFalse(Files.exists(dir.resolve("ack.tmp")), "the temporary file is renamed, not left");
        assertEquals(250, r.acknowledged());
        List<DeviceState> states = status.reports().stream().map(s -> s.state()).toList();
        assertEquals(List.of(DeviceState.ONLINE, DeviceState.OFFLINE), states);
        assertTrue(status.reports().get(1).message().contains("finished"));
    }

    @Test
    void resumesAfterTheAcknowledgedSeq() throws Exception {
        Files.writeString(dir.resolve("ack"), "120\n");
        LoadRunner r = runner(0, 100, 250, new AckFile(dir.resolve("ack")));
        r.start();
        awaitEnd(r);
        List<Long> seqs = seqs(publisher.readings());
        assertEquals(130, seqs.size());
        assertEquals(121L, seqs.get(0));
        assertEquals(250L, seqs.get(129));
        assertEquals("250\n", Files.readString(dir.resolve("ack")));
    }

    @Test
    void aRunThatIsAlreadyCompleteDoesNothing() throws Exception {
        Files.writeString(dir.resolve("ack"), "250");
        LoadRunner r = runner(0, 100, 250, new AckFile(dir.resolve("ack")));
        r.start();
        awaitEnd(r);
        assertEquals(0, publisher.readings().size());
        assertEquals(DeviceState.OFFLINE, status.reports().get(0).state());
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "", "   \n", "-5", "12abc", "1e5", "0x10", "99999999999999999999999",
            "9223372036854775807", "1125899906842625", "\u0000\u0001\u001b[2J", "١٢٣"})
    void malformedAckContentStartsFromOne(String content) throws Exception {
        Files.writeString(dir.resolve("ack"), content, StandardCharsets.UTF_8);
        LoadRunner r = runner(0, 10, 20, new AckFile(dir.resolve("ack")));
        r.start();
        awaitEnd(r);
        assertEquals(List.of(1L, 2L, 3L), seqs(publisher.readings()).subList(0, 3));
        assertEquals(20, publisher.readings().size());
        assertEquals("20\n", Files.readString(dir.resolve("ack")), "the malformed file is replaced");
    }

    @Test
    void aHugeOrUnreadableAckFileStartsFromOne() throws Exception {
        Files.write(dir.resolve("huge"), new byte[1 << 20]);
        assertEquals(0, new AckFile(dir.resolve("huge")).read());
        Files.writeString(dir.resolve("big"), "7".repeat(5000));
        assertEquals(0, new AckFile(dir.resolve("big")).read());
        Files.createDirectory(dir.resolve("adir"));
        assertEquals(0, new AckFile(dir.resolve("adir")).read());
        assertEquals(0, new AckFile(dir.resolve("missing")).read());
        assertEquals(0, new AckFile(dir.resolve("nested/missing")).read());
        Files.writeString(dir.resolve("ok"), " 42 \n");
        assertEquals(42, new AckFile(dir.resolve("ok")).read());
        Files.writeString(dir.resolve("max"), Long.toString(LoadSequence.MAX_SEQ));
        assertEquals(LoadSequence.MAX_SEQ, new AckFile(dir.resolve("max")).read());
    }

    @Test
    void anAckFileThatCannotBeWrittenDoesNotStopTheGenerator() throws Exception {
        Files.writeString(dir.resolve("blocker"), "x"); // a file where a directory would have to be
        LoadRunner r = runner(0, 10, 50, new AckFile(dir.resolve("blocker/ack")));
        r.start();
        awaitEnd(r);
        assertEquals(50, publisher.readings().size());
    }

    @Test
    void readersNeverSeeAHalfWrittenAck() throws Exception {
        Path file = dir.resolve("ack");
        LoadRunner r = runner(0, 1, 0, new AckFile(file));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> bad = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long previous = 0;
            while (!stop.get()) {
                try {
                    String s = Files.readString(file);
                    if (!s.matches("[0-9]+\n")) bad.set("'" + s + "'");
                    long v = Long.parseLong(s.strip());
                    if (v < previous) bad.set(v + " after " + previous);
                    previous = v;
                } catch (java.nio.file.NoSuchFileException e) {
                    if (previous > 0) bad.set("vanished after " + previous);
                } catch (Exception e) {
                    bad.set(e.toString());
                }
            }
        });
        reader.start();
        r.start();
        publisher.await(x -> true, 3000, WAIT);
        r.stop();
        stop.set(true);
        reader.join();
        assertEquals(null, bad.get());
        long acked = Long.parseLong(Files.readString(file).strip());
        assertTrue(acked >= 3000 && acked <= publisher.readings().size(), acked + " vs " + publisher.readings().size());
    }

    @Test
    void stopsPromptlyWhenUnbounded() throws Exception {
        LoadRunner r = runner(0, 100, 0, null);
        r.start();
        publisher.await(x -> true, 1000, WAIT);
        long t0 = System.nanoTime();
        r.stop();
        assertFalse(r.isAlive());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(2).toNanos());
        List<Long> seqs = seqs(publisher.readings());
        for (int i = 0; i < seqs.size(); i++) assertEquals(i + 1L, seqs.get(i), "no gaps, no repeats");
        assertEquals(DeviceState.OFFLINE, status.reports().get(status.reports().size() - 1).state());
    }

    @Test
    void aBatchThatIsNotAcceptedIsPublishedAgainAndTheAckWaits() throws Exception {
        Path file = dir.resolve("ack");
        publisher.failWith(new IllegalStateException("journal closed"));
        LoadRunner r = runner(0, 10, 30, new AckFile(file));
        r.start();
        long end = System.nanoTime() + WAIT.toNanos();
        while (status.errors().size() < 3 && System.nanoTime() < end) Thread.sleep(5);
        assertTrue(status.errors().size() >= 3);
        assertTrue(status.errors().get(0).contains("journal closed"), status.errors().get(0));
        assertEquals(DeviceState.ERROR, status.reports().get(1).state());
        assertFalse(Files.exists(file), "nothing acknowledged yet");
        publisher.failWith(null);
        awaitEnd(r);
        assertEquals(30, publisher.readings().size());
        assertEquals(1L, seqs(publisher.readings()).get(0));
        assertEquals("30\n", Files.readString(file));
    }

    @Test
    void keepsToTheRate() throws Exception {
        LoadRunner r = runner(500, 25, 250, null);
        long t0 = System.nanoTime();
        r.start();
        awaitEnd(r);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // 250 readings at 500/s: the last batch is due after 450 ms
        assertTrue(ms >= 430 && ms < 3000, "took " + ms + " ms");
        assertEquals(250, publisher.readings().size());
    }
}
