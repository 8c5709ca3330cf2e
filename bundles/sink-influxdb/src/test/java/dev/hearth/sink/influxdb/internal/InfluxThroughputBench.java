package dev.hearth.sink.influxdb.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;

/**
 * Manual benchmark, not run by the build: readings/s of the sink into a private InfluxDB 1.6.7
 * versus curl posting the same line protocol, pre-built, in the same batch size (the raw ceiling).
 * Each run writes to a fresh measurement so that no run overwrites another's points.
 *
 * <pre>
 * ./mvnw -q -o -pl bundles/sink-influxdb test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.hearth.sink.influxdb.internal.InfluxThroughputBench -Dexec.args="200000 5000"
 * </pre>
 */
public final class InfluxThroughputBench {

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        try (InfluxDbServer server = InfluxDbServer.launch()) {
            server.createDatabase("bench");
            Path dir = Files.createTempDirectory("hearth-bench-");
            LineProtocol lp = new LineProtocol("device", Precision.MS);
            for (int round = 1; round <= 2; round++) { // round 1 warms the server (new shards) and the JIT
                for (boolean gzip : new boolean[] { false, true }) {
                    String m = "sink_" + (gzip ? "gzip" : "plain") + round;
                    List<Reading> readings = readings(m, total);
                    InfluxSink sink = new InfluxSink(TestSettings.with(TestSettings.v1(server.url(), "bench"), Precision.MS, gzip, batch), Clock.systemUTC());
                    long t0 = System.nanoTime();
                    for (int i = 0; i < total; i += batch) {
                        for (Outcome o : sink.deliver(readings.subList(i, Math.min(total, i + batch)))) {
                            if (o != Outcome.DELIVERED) throw new IllegalStateException(o.toString());
                        }
                    }
                    report("round " + round + " sink, gzip " + gzip, total, System.nanoTime() - t0);
                }
                // the ceiling: curl with the bodies built beforehand (not timed), one curl process per batch
                List<Reading> readings = readings("curl" + round, total);
                List<Path> bodies = new ArrayList<>();
                for (int i = 0; i < total; i += batch) {
                    StringBuilder b = new StringBuilder();
                    for (Reading r : readings.subList(i, Math.min(total, i + batch))) b.append(((LineProtocol.Line) lp.encode(r)).text()).append('\n');
                    Path f = dir.resolve("b" + round + "-" + i);
                    Files.writeString(f, b);
                    bodies.add(f);
                }
                long t0 = System.nanoTime();
                for (Path f : bodies) {
                    Process p = new ProcessBuilder("curl", "-sf", "-o", "/dev/null", "--data-binary", "@" + f,
                            server.url() + "/write?db=bench&precision=ms").inheritIO().start();
                    if (p.waitFor() != 0) throw new IllegalStateException("curl failed");
                }
                report("round " + round + " curl, pre-built", total, System.nanoTime() - t0);
                System.out.println("points stored: " + server.count("bench", "SELECT COUNT(v) FROM sink_plain" + round) + ", "
                        + server.count("bench", "SELECT COUNT(v) FROM sink_gzip" + round) + ", "
                        + server.count("bench", "SELECT COUNT(v) FROM curl" + round));
            }
        }
    }

    static List<Reading> readings(String measurement, int n) {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<Reading> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(Reading.of("pit-" + (i % 8), measurement).tag("probe", Integer.toString(i % 4))
                    .field("v", 20.0 + (i % 1000) / 10.0).field("n", (long) i).field("ok", (i & 1) == 0)
                    .at(t0.plusMillis(i / 8)).build());
        }
        return list;
    }

    static void report(String what, int n, long nanos) {
        System.out.printf("%-28s %9d readings in %6.2f s = %9.0f readings/s%n", what, n, nanos / 1e9, n / (nanos / 1e9));
    }
}
