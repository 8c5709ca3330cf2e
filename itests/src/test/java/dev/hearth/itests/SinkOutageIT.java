package dev.hearth.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.hearth.testkit.ElasticsearchServer;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store is stopped for 60 s while readings keep flowing, then started again: every reading is
 * delivered (InfluxDB: counted by series and time, where a replay can only overwrite; MQTT at
 * QoS 1: every sequence number received, duplicates counted and reported).
 */
class SinkOutageIT {

    static final int RATE = 200;
    static final Duration OUTAGE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void influxDbDownForAMinuteLosesNothing() throws Exception {
        int total = RATE * 90;
        try (Servers.Influx influx = new Servers.Influx(dir.resolve("influx")); Gateway g = new Gateway(dir, "core,loadgen,influxdb")) {
            influx.start();
            influx.query(null, "CREATE DATABASE hearth");
            Path ack = g.home.resolve("data/outage.ack");
            g.config("dev.hearth.sink.influxdb-outage.cfg", "hearth.sink.id = influx-outage\nurl = http://127.0.0.1:" + influx.port
                    + "\napi = v1\ndatabase = hearth\nprecision = ms\n");
            g.config("dev.hearth.driver.loadgen-outage.cfg", "device = outage\nrate_per_second = " + RATE + "\nbatch_size = 20\ncount = "
                    + total + "\nack_file = " + ack + "\n");
            g.start();
            String count = "SELECT count(seq) FROM load WHERE device = 'outage'";
            g.await(() -> influx.count("hearth", count) >= 1000, Gateway.START, () -> "readings reach InfluxDB");

            influx.stop();
            long before = CrashIT.ackOf(ack);
            Thread.sleep(OUTAGE.toMillis());
            assertTrue(CrashIT.ackOf(ack) >= before + RATE * 50, "readings kept being accepted during the outage");
            String sinks = g.shell("hearth:sinks");
            assertTrue(sinks.contains("influx-outage") && sinks.toLowerCase().contains("cannot connect"), sinks);

            influx.start();
            g.await(() -> influx.count("hearth", count) >= total, Duration.ofSeconds(120),
                    () -> "InfluxDB has " + influx.count("hearth", count) + " of " + total);
            assertEquals(total, influx.count("hearth", count), "every reading once per series and time");
            assertEquals(total, influx.count("hearth", "SELECT count(distinct(seq)) FROM load WHERE device = 'outage'"));
        }
    }

    @Test
    void mosquittoDownForAMinuteLosesNothingAtQos1() throws Exception {
        int total = RATE * 90;
        // The test's subscriber keeps a persistent session that the broker saves across its restart,
        // with an unlimited queue, so that the subscriber itself misses nothing while it reconnects.
        // Started as root (as CI runs), Mosquitto drops to the 'mosquitto' user, which cannot write into
        // this private temporary directory: the session would silently not be saved, and whether the
        // subscriber then missed messages depended on who reconnected first. 'user root' keeps it as
        // the user that started it (the option does nothing for a non-root user).
        Path mqttDir = Files.createDirectories(dir.resolve("mqtt"));
        try (Servers.Mosquitto broker = new Servers.Mosquitto(mqttDir, "persistence true\npersistence_location " + mqttDir
                + "/\nmax_queued_messages 0\nuser root\n"); Gateway g = new Gateway(dir, "core,loadgen,mqtt")) {
            broker.start();
            Path received = dir.resolve("received.txt");
            Process sub = subscriber(broker, received);
            g.config("dev.hearth.sink.mqtt-outage.cfg", "hearth.sink.id = mqtt-outage\nhost = 127.0.0.1\nport = " + broker.port
                    + "\nqos = 1\nreconnect_max_s = 5\n");
            g.config("dev.hearth.driver.loadgen-outage.cfg", "device = outage\nrate_per_second = " + RATE + "\nbatch_size = 20\ncount = "
                    + total + "\n");
            g.start();
            g.await(() -> seqs(received).size() >= 1000, Gateway.START, () -> "messages reach the subscriber");

            broker.stop();
            assertTrue(Files.size(mqttDir.resolve("mosquitto.db")) > 0, "the broker saved the subscriber's session");
            Thread.sleep(OUTAGE.toMillis());
            String sinks = g.shell("hearth:sinks");
            assertTrue(sinks.contains("mqtt-outage") && sinks.contains("unreachable"), sinks);
            broker.start();
            g.await(() -> seqs(received).size() >= total, Duration.ofSeconds(120),
                    () -> "received " + seqs(received).size() + " of " + total);
            sub.destroy();
            Map<Long, Integer> all = seqs(received);
            long duplicates = all.values().stream().mapToLong(n -> n - 1).sum();
            for (long seq = 1; seq <= total; seq++) assertTrue(all.containsKey(seq), "reading " + seq + " of " + total + " received");
            System.out.printf("MQTT QoS 1 across a %d s broker outage: %d readings, %d duplicates%n", OUTAGE.toSeconds(), total, duplicates);
        }
    }

    @Test
    void elasticsearchDownForAMinuteLosesNothingAndDuplicatesNothing() throws Exception {
        int total = RATE * 90;
        Path work = Path.of("target", "es-work", "outage-" + System.nanoTime()).toAbsolutePath();
        Files.createDirectories(work);
        try (ElasticsearchServer es = new ElasticsearchServer(Path.of(System.getProperty("es.home.8")), work);
                Gateway g = new Gateway(dir, "core,loadgen,elasticsearch")) {
            es.start();
            g.config("dev.hearth.sink.elasticsearch-outage.cfg", "hearth.sink.id = es-outage\nurls = " + es.url()
                    + "\nindex_prefix = outage\n");
            g.config("dev.hearth.driver.loadgen-outage.cfg", "device = outage\nrate_per_second = " + RATE + "\nbatch_size = 20\ncount = "
                    + total + "\n");
            g.start();
            g.await(() -> esCount(es) >= 1000, Gateway.START, () -> "documents reach Elasticsearch: " + esCount(es));

            es.stop();
            Thread.sleep(OUTAGE.toMillis());
            String sinks = g.shell("hearth:sinks");
            assertTrue(sinks.contains("es-outage"), sinks);
            es.start();
            g.await(() -> esCount(es) >= total, Duration.ofSeconds(180), () -> "Elasticsearch has " + esCount(es) + " of " + total);
            assertEquals(total, esCount(es), "every reading once: the reading id is the document _id");
        }
    }

    /** Documents in the outage indices, after a refresh. */
    private static long esCount(ElasticsearchServer es) {
        try {
            es.send("POST", "/outage-*/_refresh", null);
            Matcher m = Pattern.compile("\"count\":(\\d+)").matcher(es.get("/outage-*/_count").body());
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        } catch (Exception e) {
            return -1;
        }
    }

    private static Process subscriber(Servers.Mosquitto broker, Path out) throws Exception {
        Process p = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port), "-t", "hearth/#", "-q", "1",
                "-c", "-i", "hearth-outage-subscriber")
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).redirectErrorStream(true).start();
        Thread.sleep(500);
        return p;
    }

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    private static Map<Long, Integer> seqs(Path file) {
        Map<Long, Integer> seen = new HashMap<>();
        try {
            if (!Files.exists(file)) return seen;
            for (String line : Files.readAllLines(file)) {
                Matcher m = SEQ.matcher(line);
                if (line.contains("\"device\":\"outage\"") && m.find()) seen.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return seen;
    }

}
