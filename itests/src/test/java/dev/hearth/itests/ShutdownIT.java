package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as systemd stops the gateway: under load it exits by itself within 10 s (the stop
 * deadline systemd enforces before it kills), with exit code 0, and every reading it acknowledged
 * reaches the file sink exactly once. The accounting is {@link CrashIT}'s: the load generator
 * writes the highest acknowledged sequence number after each commit.
 */
class ShutdownIT {

    static final Duration SYSTEMD_STOP_DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void sigtermUnderLoadStopsWithinTenSecondsWithCodeZeroAndLosesNothingAcknowledged() throws Exception {
        try (Gateway g = new Gateway(dir, "core,file,loadgen")) {
            Path ack = g.home.resolve("data/loadgen.ack");
            String generator = "dev.hearth.driver.loadgen-crash.cfg";
            g.config(generator, "device = crash\nrate_per_second = 2000\nbatch_size = 50\nack_file = " + ack + "\n");
            g.start();
            g.await(() -> CrashIT.ackOf(ack) >= 3000, Gateway.START, () -> "load generator acknowledged " + CrashIT.ackOf(ack));
            int mark = g.logText().length();
            assertEquals(0, g.stopWithin(SYSTEMD_STOP_DEADLINE), "exit code after SIGTERM");
            long acked = CrashIT.ackOf(ack);
            String stopping = g.logText().substring(mark);

            // Restarted without the generator: only what the journal holds can reach the sink.
            Files.delete(g.home.resolve("config/" + generator));
            int restart = g.logText().length();
            g.start();
            GatewayIT.awaitLogLine(g, restart, l -> l.contains("Started in"), "the gateway started again");
            g.await(() -> CrashIT.count(g.home, acked).size() >= acked, Duration.ofSeconds(60),
                    () -> "file sink has " + CrashIT.count(g.home, acked).size() + " of " + acked + " acknowledged");
            assertEquals(0, g.stopWithin(SYSTEMD_STOP_DEADLINE), "exit code after the second SIGTERM");
            Map<Long, Integer> seen = CrashIT.count(g.home, acked);
            for (long seq = 1; seq <= acked; seq++) {
                Integer n = seen.get(seq);
                assertEquals(1, n == null ? 0 : n, "reading " + seq + " of " + acked + " acknowledged");
            }
            // The stop was the framework's orderly one, and its log reached the output (journald) to its end.
            assertFalse(stopping.contains("did not stop within"), stopping);
            assertTrue(stopping.lines().anyMatch(l -> l.strip().endsWith(" Stopped")),
                    "the launcher's last line after SIGTERM, 'Stopped', is in the output:\n" + stopping);
        }
    }
}
