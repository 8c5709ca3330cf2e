package dev.hearth.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.core.internal.BusSettings;
import dev.hearth.core.internal.DeviceRegistry;
import dev.hearth.core.internal.FsyncPolicy;
import dev.hearth.core.internal.ReadingBus;

/**
 * Readings per second through publish → group commit (SQLite, the chosen fsync policy) → a sink
 * that discards. Arguments: seconds (20), publisher threads (2), batch size (100), fsync (full).
 * Prints one line per run: accepted/s and delivered/s, measured after a warm-up.
 */
public final class BusThroughput {

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        FsyncPolicy fsync = args.length > 3 ? FsyncPolicy.valueOf(args[3]) : FsyncPolicy.full;
        Path dir = Files.createTempDirectory("hearth-bench");
        BusSettings settings = BusSettings.defaults(dir.resolve("journal.db")).withFsync(fsync).withMaxBytes(1L << 30);
        AtomicLong delivered = new AtomicLong();
        try (ReadingBus bus = new ReadingBus(settings, new DeviceRegistry())) {
            bus.addSink("discard", b -> {
                delivered.addAndGet(b.size());
                return Outcome.all(Outcome.DELIVERED, b.size());
            }, "", r -> true, 1000);
            AtomicLong accepted = new AtomicLong();
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
            long[] atWarmup = new long[2];
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread p = new Thread(() -> {
                    long seq = 0;
                    // Keep up to 8 batches in flight, as several drivers would.
                    ArrayList<java.util.concurrent.CompletableFuture<Void>> inFlight = new ArrayList<>();
                    while (System.nanoTime() < end) {
                        List<Reading> readings = new ArrayList<>(batch);
                        for (int i = 0; i < batch; i++, seq++) {
                            readings.add(Reading.of("bench-" + thread, "load").tag("room", "lab").field("seq", seq)
                                    .field("value", seq * 0.5).at(Instant.ofEpochMilli(1_767_225_600_000L + seq)).build());
                        }
                        inFlight.add(bus.publish(readings).thenRun(() -> accepted.addAndGet(batch)));
                        if (inFlight.size() >= 8) inFlight.remove(0).join();
                    }
                    inFlight.forEach(java.util.concurrent.CompletableFuture::join);
                    done.countDown();
                }, "publisher-" + t);
                p.start();
            }
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(warmupEnd - System.nanoTime())));
            atWarmup[0] = accepted.get();
            atWarmup[1] = delivered.get();
            long t0 = System.nanoTime();
            done.await();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("fsync=%s threads=%d batch=%d seconds=%.1f accepted/s=%.0f delivered/s=%.0f journal=%d bytes%n",
                    fsync, threads, batch, secs, (accepted.get() - atWarmup[0]) / secs, (delivered.get() - atWarmup[1]) / secs,
                    bus.journalStatus().bytes());
        }
    }
}
