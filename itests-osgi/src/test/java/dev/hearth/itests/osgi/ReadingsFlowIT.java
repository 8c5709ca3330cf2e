package dev.hearth.itests.osgi;

import static dev.hearth.itests.osgi.Hearth.assertSeqs;
import static dev.hearth.itests.osgi.Hearth.dict;
import static dev.hearth.itests.osgi.Hearth.seqs;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.api.ReadingSink;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.testkit.RecordingSink;

/**
 * Readings flow from a driver installed at run time, through the journal, to two sinks alike: two
 * testkit recording sinks, and the real file and Prometheus sinks (over the gateway's HTTP service).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ReadingsFlowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int COUNT = 2000;
    /** The real-sinks test: two devices at once, this many readings each. */
    private static final int REAL_COUNT = 1000;
    private static final List<String> REAL_DEVICES = List.of("real-1", "real-2");

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private GatewayStatus status;

    @Configuration
    public Option[] config() {
        return options(HearthOptions.base("flow"), HearthOptions.http(HearthOptions.freePort()));
    }

    @Test
    public void loadgenReadingsReachBothSinksInOrder() throws Exception {
        RecordingSink a = new RecordingSink();
        RecordingSink b = new RecordingSink();
        ServiceRegistration<ReadingSink> ra = context.registerService(ReadingSink.class, a, dict(ReadingSink.ID, "rec-a"));
        ServiceRegistration<ReadingSink> rb = context.registerService(ReadingSink.class, b, dict(ReadingSink.ID, "rec-b"));
        try {
            Poll.until("both sinks registered with the core", TIMEOUT, status::sinks,
                    s -> Hearth.sink(status, "rec-a").map(x -> x.registered()).orElse(false)
                            && Hearth.sink(status, "rec-b").map(x -> x.registered()).orElse(false));

            Bundle loadgen = context.installBundle(HearthOptions.url("hearth-driver-loadgen"));
            loadgen.start();

            org.osgi.service.cm.Configuration cfg = configAdmin.getFactoryConfiguration("dev.hearth.driver.loadgen", "flow", "?");
            cfg.update(dict("device", "flow-1", "rate_per_second", 0, "batch_size", 50, "count", (long) COUNT));

            List<Reading> gotA = a.await(COUNT, TIMEOUT);
            List<Reading> gotB = b.await(COUNT, TIMEOUT);

            // the generator stops at count: it reports OFFLINE, and neither sink has anything left to get
            Poll.until("flow-1 OFFLINE after count", TIMEOUT, () -> Hearth.device(status, "flow-1"),
                    d -> d.isPresent() && d.get().state() == DeviceState.OFFLINE);
            Poll.until("both sinks caught up", TIMEOUT, status::sinks,
                    s -> Hearth.sink(status, "rec-a").get().backlog() == 0 && Hearth.sink(status, "rec-b").get().backlog() == 0);
            gotA = a.delivered();
            gotB = b.delivered();

            assertSeqs("rec-a", 1, COUNT, seqs(gotA));
            assertSeqs("rec-b", 1, COUNT, seqs(gotB));
            assertTrue("both sinks get the same readings", gotA.equals(gotB));
            assertTrue("with the same ids", gotA.stream().map(Reading::id).toList().equals(gotB.stream().map(Reading::id).toList()));
            for (Reading r : gotA) {
                assertEquals("flow-1", r.device());
                assertEquals("load", r.measurement());
                assertEquals(loadgen.getVersion().toString(), r.tags().get("bundle_version"));
            }
            assertEquals(COUNT, Hearth.device(status, "flow-1").get().readings());
            assertNotEquals("delivered in more than one batch (batch_size 50)", 1, a.batches().size());
        } finally {
            ra.unregister();
            rb.unregister();
        }
    }

    /**
     * Two loadgen devices at once to the real file sink (JSON lines on disk) and the real
     * Prometheus sink (GET /metrics from Felix Jetty). The file holds every reading of each device
     * once, in order; Prometheus shows only the latest value of a series, so it is scraped while the
     * readings flow: every value it shows is the reading of that seq in the file, per device the
     * seqs it shows never go back, and in the end it shows each device's last reading.
     */
    @Test
    public void loadgenReadingsReachTheRealFileAndPrometheusSinks() throws Exception {
        Path directory = HearthOptions.testDirectory("file-sink");
        org.osgi.service.cm.Configuration fileConfig = configAdmin.getConfiguration("dev.hearth.sink.file", "?");
        fileConfig.update(dict("directory", directory.toString()));
        Bundle fileSink = context.installBundle(HearthOptions.url("hearth-sink-file"));
        Bundle promSink = context.installBundle(HearthOptions.url("hearth-sink-prometheus"));
        List<org.osgi.service.cm.Configuration> generators = new ArrayList<>();
        try {
            fileSink.start();
            promSink.start();
            Poll.until("file and prometheus sinks registered with the core", TIMEOUT, status::sinks,
                    s -> Hearth.sink(status, "file").map(x -> x.registered()).orElse(false)
                            && Hearth.sink(status, "prometheus").map(x -> x.registered()).orElse(false));

            URI metrics = URI.create("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/metrics");
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String first = Poll.until("GET " + metrics + " answers 200 with hearth_up", TIMEOUT, () -> scrape(http, metrics),
                    t -> t != null && t.contains("\nhearth_up 1\n") || t != null && t.startsWith("hearth_up 1\n"));
            for (String device : REAL_DEVICES) {
                assertTrue("no " + device + " series before its readings:\n" + first, loadSeries(first, device).isEmpty());
            }

            Bundle loadgen = context.installBundle(HearthOptions.url("hearth-driver-loadgen"));
            loadgen.start();
            for (String device : REAL_DEVICES) {
                org.osgi.service.cm.Configuration cfg = configAdmin.getFactoryConfiguration("dev.hearth.driver.loadgen", device, "?");
                generators.add(cfg);
                cfg.update(dict("device", device, "rate_per_second", 250, "batch_size", 25, "count", (long) REAL_COUNT));
            }

            // scrape while the readings flow, until Prometheus shows both devices' last reading
            Map<String, List<Series>> seen = new LinkedHashMap<>();
            REAL_DEVICES.forEach(d -> seen.put(d, new ArrayList<>()));
            Poll.until("Prometheus shows seq " + REAL_COUNT + " for " + REAL_DEVICES, TIMEOUT, () -> {
                String text = scrape(http, metrics);
                Map<String, Series> now = new HashMap<>();
                if (text == null) return now;
                for (String device : REAL_DEVICES) {
                    Series s = Series.of(loadSeries(text, device), device, text);
                    if (s != null) {
                        seen.get(device).add(s);
                        now.put(device, s);
                    }
                }
                return now;
            }, now -> REAL_DEVICES.stream().allMatch(d -> now.containsKey(d) && now.get(d).seq() == REAL_COUNT));

            for (String device : REAL_DEVICES) {
                Poll.until(device + " OFFLINE after count", TIMEOUT, () -> Hearth.device(status, device),
                        d -> d.isPresent() && d.get().state() == DeviceState.OFFLINE);
            }
            Poll.until("file and prometheus sinks caught up", TIMEOUT, status::sinks,
                    s -> Hearth.sink(status, "file").get().backlog() == 0 && Hearth.sink(status, "prometheus").get().backlog() == 0);
            Map<String, List<JsonObject>> file = Poll.until(REAL_COUNT + " lines per device in " + directory, TIMEOUT,
                    () -> linesByDevice(directory), byDevice -> REAL_DEVICES.stream()
                            .allMatch(d -> byDevice.getOrDefault(d, List.of()).size() >= REAL_COUNT));

            String version = loadgen.getVersion().toString();
            Set<String> ids = new HashSet<>();
            for (String device : REAL_DEVICES) {
                List<JsonObject> lines = file.get(device);
                // in the file: every reading once, in publish order
                Hearth.assertSeqs(device + " in " + directory + ", file order", 1, REAL_COUNT,
                        lines.stream().map(o -> o.getAsJsonObject("fields").get("seq").getAsLong()).toList());
                Map<Long, Double> valueBySeq = new HashMap<>();
                for (JsonObject o : lines) {
                    assertTrue("id once: " + o, ids.add(o.get("id").getAsString()));
                    assertEquals("load", o.get("measurement").getAsString());
                    assertEquals(version, o.getAsJsonObject("tags").get("bundle_version").getAsString());
                    long seq = o.getAsJsonObject("fields").get("seq").getAsLong();
                    double value = o.getAsJsonObject("fields").get("value").getAsDouble();
                    assertEquals("loadgen's value for seq " + seq, (seq % 1000) / 10.0, value, 0.0);
                    valueBySeq.put(seq, value);
                }

                // at Prometheus: the same readings, never going back
                List<Series> scraped = seen.get(device);
                Series last = scraped.get(scraped.size() - 1);
                assertEquals(device + ": Prometheus ends at the file's last reading", REAL_COUNT, last.seq());
                assertEquals(valueBySeq.get((long) REAL_COUNT), last.value(), 0.0);
                long previous = 0;
                for (Series s : scraped) {
                    assertTrue(device + ": Prometheus went back from seq " + previous + " to " + s.seq(), s.seq() >= previous);
                    previous = s.seq();
                    assertTrue(device + ": Prometheus showed seq " + s.seq() + ", not in the file", valueBySeq.containsKey(s.seq()));
                    assertEquals(device + ": Prometheus value for seq " + s.seq() + " is not the file's", valueBySeq.get(s.seq()), s.value(), 0.0);
                    assertEquals(device + ": bundle_version label", version, s.bundleVersion());
                }
            }
            // the scrapes saw readings while they flowed, not only the end state (so the order check above had something to check)
            assertTrue("no scrape saw a reading before the last: " + seen,
                    seen.values().stream().flatMap(List::stream).anyMatch(s -> s.seq() < REAL_COUNT));
            assertEquals(REAL_COUNT, Hearth.device(status, "real-1").get().readings());
            assertEquals(REAL_COUNT, Hearth.device(status, "real-2").get().readings());
        } finally {
            for (org.osgi.service.cm.Configuration cfg : generators) cfg.delete();
            promSink.uninstall();
            fileSink.uninstall();
            fileConfig.delete();
        }
    }

    /** One scrape's {@code load_seq} and {@code load_value} samples for one device. */
    private record Series(long seq, double value, String bundleVersion) {

        static Series of(Map<String, Sample> samples, String device, String text) {
            Sample seq = samples.get("load_seq");
            Sample value = samples.get("load_value");
            if (seq == null && value == null) return null;
            // one reading carries both fields, and a delivery updates both before a scrape can see them
            assertTrue(device + ": load_seq and load_value not both present:\n" + text, seq != null && value != null);
            assertEquals(device + ": labels of load_seq and load_value differ", seq.labels(), value.labels());
            assertEquals(Set.of("device", "bundle_version"), seq.labels().keySet());
            return new Series((long) seq.value(), value.value(), seq.labels().get("bundle_version"));
        }
    }

    private record Sample(Map<String, String> labels, double value) {
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{(.*)\\} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(?:,|$)");

    /** The {@code load_*} samples of {@code device} in a scrape, by metric name; each at most once. */
    private static Map<String, Sample> loadSeries(String text, String device) {
        Map<String, Sample> out = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || !m.group(1).startsWith("load_")) continue;
            Map<String, String> labels = new HashMap<>();
            Matcher l = LABEL.matcher(m.group(2));
            int end = 0;
            while (l.find() && l.start() == end) {
                labels.put(l.group(1), l.group(2));
                end = l.end();
            }
            assertEquals("unparsed labels in: " + line, m.group(2).length(), end);
            if (!device.equals(labels.get("device"))) continue;
            Sample previous = out.put(m.group(1), new Sample(labels, Double.parseDouble(m.group(3))));
            assertTrue("two " + m.group(1) + " samples for " + device + ":\n" + text, previous == null);
        }
        return out;
    }

    /** GET /metrics: the body of a 200 answer with the Prometheus text type; null (poll again) for anything else. */
    private static String scrape(HttpClient http, URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) return null;
            assertTrue("content type " + r.headers().firstValue("Content-Type"),
                    r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            return r.body();
        } catch (IOException e) {
            return null; // Jetty or the servlet not there yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The file sink's lines (current and rotated files, oldest first), by device, in file order. */
    private static Map<String, List<JsonObject>> linesByDevice(Path directory) {
        Map<String, List<JsonObject>> out = new HashMap<>();
        try (Stream<Path> s = Files.list(directory)) {
            // rotated files are named by time and sort before readings.jsonl, the current one
            List<Path> files = s.filter(p -> p.getFileName().toString().matches("readings.*\\.jsonl")).sorted(
                    (a, b) -> a.getFileName().toString().equals("readings.jsonl") ? 1
                            : b.getFileName().toString().equals("readings.jsonl") ? -1 : a.compareTo(b)).toList();
            for (Path f : files) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                    out.computeIfAbsent(o.get("device").getAsString(), d -> new ArrayList<>()).add(o);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
