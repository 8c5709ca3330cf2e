package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * SIGKILL while readings flow: every reading the gateway acknowledged (the load generator writes
 * the highest acknowledged sequence to a file after each commit) reaches the file sink exactly
 * once after a restart.
 */
class CrashIT {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedReadingArrivesExactlyOnceAfterSigkill() throws Exception {
        try (Gateway g = new Gateway(dir, "core,file,loadgen")) {
            Path ack = g.home.resolve("data/loadgen.ack");
            g.config("dev.hearth.driver.loadgen-crash.cfg",
                    "device = crash\nrate_per_second = 2000\nbatch_size = 50\nack_file = " + ack + "\n");
            g.start();
            g.await(() -> ackOf(ack) >= 3000, Gateway.START, () -> "load generator acknowledged " + ackOf(ack));
            g.kill();
            long ackedBeforeKill = ackOf(ack);
            g.start();
            g.await(() -> ackOf(ack) >= ackedBeforeKill + 3000, Gateway.START, () -> "after restart, acknowledged " + ackOf(ack));
            g.kill();
            long acked = ackOf(ack);
            g.start();
            // Let the sink catch up with what the journal holds, then stop the generator by stopping the gateway.
            g.await(() -> count(g.home, acked).size() >= acked, Duration.ofSeconds(60),
                    () -> "file sink has " + count(g.home, acked).size() + " of " + acked);
            g.stop();
            Map<Long, Integer> seen = count(g.home, acked);
            for (long seq = 1; seq <= acked; seq++) {
                Integer n = seen.get(seq);
                assertEquals(1, n == null ? 0 : n, "reading " + seq + " of " + acked + " acknowledged");
            }
            assertTrue(acked > ackedBeforeKill);
        }
    }

    static long ackOf(Path ack) {
        try {
            return Files.exists(ack) ? Long.parseLong(Files.readString(ack).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0; // written atomically, so only absent or whole
        }
    }

    /** How often each sequence number of device "crash" up to {@code upTo} appears in the file sink's files. */
    static Map<Long, Integer> count(Path home, long upTo) {
        Map<Long, Integer> seen = new HashMap<>();
        Path readings = home.resolve("data/readings");
        if (!Files.isDirectory(readings)) return seen;
        try (Stream<Path> files = Files.list(readings)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.isBlank()) continue;
                    JsonObject o;
                    try {
                        o = JsonParser.parseString(line).getAsJsonObject();
                    } catch (RuntimeException torn) {
                        continue; // a line being written right now
                    }
                    if (!"crash".equals(o.get("device").getAsString())) continue;
                    long seq = o.getAsJsonObject("fields").get("seq").getAsLong();
                    if (seq <= upTo) seen.merge(seq, 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return seen;
    }
}
