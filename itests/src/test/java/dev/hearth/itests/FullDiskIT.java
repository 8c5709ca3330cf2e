package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's disk fills up: the oldest readings are dropped, counted and logged, and readings keep being accepted. */
class FullDiskIT {

    @TempDir
    Path dir;

    @Test
    void aFullDiskDropsTheOldestAndTheGatewayKeepsAccepting() throws Exception {
        try (Gateway g = new Gateway(dir, "core,loadgen")) {
            Path disk = g.home.resolve("small-disk");
            g.withSmallDisk(disk, 6);
            // The bound is far above the disk and the free-space guard is off: the disk itself fills up.
            g.config("dev.hearth.core.cfg", "journal_path = " + disk.resolve("journal.db") + "\nmax_mb = 256\nmin_free_mb = 0\n");
            Path ack = g.home.resolve("data/full.ack");
            g.config("dev.hearth.driver.loadgen-full.cfg", "device = full\nrate_per_second = 0\nbatch_size = 500\nack_file = " + ack + "\n");
            g.start();
            g.await(() -> g.logText().contains("the journal is full"), Duration.ofSeconds(120),
                    () -> "the disk filled; acknowledged " + CrashIT.ackOf(ack));
            long atFirstDrop = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.ackOf(ack) > atFirstDrop + 20_000, Duration.ofSeconds(60), () -> "still accepting after the drop");
            String status = g.shell("hearth:status");
            Matcher dropped = Pattern.compile("(\\d+) dropped").matcher(status);
            assertTrue(dropped.find() && Long.parseLong(dropped.group(1)) > 0, "dropped readings are counted:\n" + status);
            assertTrue(g.alive());
        }
    }
}
