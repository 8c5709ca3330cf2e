package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file sink's bundle is stopped, updated, uninstalled and reinstalled from the console while
 * readings flow: its backlog waits in the journal each time, and in the end every acknowledged
 * reading is in its files exactly once.
 */
class SinkLifecycleIT {

    static final String SINK = "dev.hearth.sink.file";

    @TempDir
    Path dir;

    @Test
    void theBacklogWaitsThroughStopUpdateUninstallAndReinstall() throws Exception {
        try (Gateway g = new Gateway(dir, "core,file,loadgen")) {
            Path ack = g.home.resolve("data/loadgen.ack");
            g.config("dev.hearth.driver.loadgen-life.cfg", "device = crash\nrate_per_second = 500\nbatch_size = 25\nack_file = " + ack + "\n");
            g.start();
            g.await(() -> CrashIT.ackOf(ack) >= 500, Gateway.START, () -> "acknowledged " + CrashIT.ackOf(ack));

            long id = g.bundleId(SINK);
            g.shell("stop " + id);
            long whileStopped = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.ackOf(ack) >= whileStopped + 500, Duration.ofSeconds(30), () -> "readings keep being accepted");
            String sinks = g.shell("hearth:sinks");
            java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^file\\s+down\\s+(\\d+)").matcher(sinks);
            assertTrue(row.find(), "the file sink is down with a backlog:\n" + sinks);
            assertTrue(Long.parseLong(row.group(1)) > 0, sinks);
            g.shell("start " + id);

            g.shell("update " + id);
            g.await(() -> CrashIT.ackOf(ack) >= whileStopped + 1000, Duration.ofSeconds(30), () -> "flowing after update");

            Path jar;
            try (Stream<Path> all = Files.walk(g.home.resolve("system"))) {
                jar = all.filter(p -> p.getFileName().toString().startsWith("hearth-sink-file-")).findFirst().orElseThrow();
            }
            g.shell("uninstall " + id);
            long whileGone = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.ackOf(ack) >= whileGone + 500, Duration.ofSeconds(30), () -> "accepted while the sink is gone");
            g.shell("install " + jar.toUri());
            g.shell("start " + g.bundleId(SINK));

            long acked = CrashIT.ackOf(ack);
            g.await(() -> CrashIT.count(g.home, acked).size() >= acked, Duration.ofSeconds(60),
                    () -> "file sink has " + CrashIT.count(g.home, acked).size() + " of " + acked);
            assertEquals(0, g.stop());
            Map<Long, Integer> seen = CrashIT.count(g.home, acked);
            for (long seq = 1; seq <= acked; seq++) {
                assertEquals(1, seen.getOrDefault(seq, 0), "reading " + seq + " of " + acked);
            }
        }
    }
}
