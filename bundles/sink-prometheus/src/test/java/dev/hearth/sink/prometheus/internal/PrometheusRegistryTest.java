package dev.hearth.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

class PrometheusRegistryTest {

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2024-06-03T08:00:00Z");

        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
        void advance(Duration d) { now = now.plus(d); }
    }

    private final MovableClock clock = new MovableClock();

    private PrometheusRegistry registry(String prefix, String label, int maxSeries) {
        return new PrometheusRegistry(prefix, label, Duration.ofSeconds(300), maxSeries, SelfMetrics.NAMES, clock);
    }

    private static String text(PrometheusRegistry r) {
        return PrometheusText.write(r.snapshot());
    }

    @Test
    void aReadingBecomesOneSeriesPerNumericField() {
        PrometheusRegistry r = registry("", "node", 100);
        List<Outcome> outcomes = r.accept(List.of(
                Reading.of("pi", "cpu").field("usage", 12.5).field("temperature", 48.686).build(),
                Reading.of("pi", "memory").tag("type", "total").field("usage", 3978760192L).build(),
                Reading.of("plug-1", "relay").field("on", true).field("alias", "Kettle").build()));
        assertEquals(Outcome.all(Outcome.DELIVERED, 3), outcomes);
        assertEquals("""
                # HELP cpu_temperature Measurement 'cpu', field 'temperature'.
                # TYPE cpu_temperature gauge
                cpu_temperature{node="pi"} 48.686
                # HELP cpu_usage Measurement 'cpu', field 'usage'.
                # TYPE cpu_usage gauge
                cpu_usage{node="pi"} 12.5
                # HELP memory_usage Measurement 'memory', field 'usage'.
                # TYPE memory_usage gauge
                memory_usage{node="pi",type="total"} 3978760192
                # HELP relay_on Measurement 'relay', field 'on'.
                # TYPE relay_on gauge
                relay_on{node="plug-1"} 1
                """, text(r));
        assertEquals(new PrometheusRegistry.Stats(4, 0, 1, 0), r.stats(), "the string field was skipped and counted");
    }

    @Test
    void theLatestValueWins() {
        PrometheusRegistry r = registry("hearth_", "device", 100);
        r.accept(List.of(Reading.of("pi", "cpu").field("usage", 10.0).build(),
                Reading.of("pi", "cpu").field("usage", 20.0).build()));
        r.accept(List.of(Reading.of("pi", "cpu").field("usage", 30.0).build()));
        assertTrue(text(r).contains("hearth_cpu_usage{device=\"pi\"} 30\n"), text(r));
        assertEquals(1, r.stats().series());
    }

    @Test
    void hostileNamesAndTagsStillMakeValidLines() {
        PrometheusRegistry r = registry("", "device", 100);
        String longValue = "x".repeat(Reading.MAX_TAG_VALUE_LENGTH);
        r.accept(List.of(Reading.of("dev \"1\"", "2nd-floor.sensor").tag("room", "Kid's \"den\"\\\nline2")
                .tag("device", "clash").tag("a-b", "1").tag("a.b", "2").tag("long", longValue).tag("ünï", "🔥")
                .field("temp °C", 21.5).build()));
        String text = text(r);
        assertTrue(text.contains("# TYPE _2nd_floor_sensor_temp__C gauge\n"), text);
        assertTrue(text.contains("_2nd_floor_sensor_temp__C{_n_=\"🔥\",a_b=\"1\",device=\"dev \\\"1\\\"\",exported_a_b=\"2\","
                + "exported_device=\"clash\",long=\"" + longValue + "\",room=\"Kid's \\\"den\\\"\\\\\\nline2\"} 21.5\n"),
                text);
    }

    @Test
    void readingsMayNotTakeTheGatewaysOwnNames() {
        PrometheusRegistry r = registry("", "device", 100);
        List<Outcome> outcomes = r.accept(List.of(Reading.of("x", "hearth").field("up", 0L).build(),
                Reading.of("x", "hearth").field("uptime", 5L).build()));
        assertEquals(Outcome.Status.REJECTED, outcomes.get(0).status());
        assertTrue(outcomes.get(0).reason().contains("hearth_up is reserved"), outcomes.get(0).reason());
        assertEquals(Outcome.DELIVERED, outcomes.get(1));
    }

    @Test
    void seriesNotUpdatedWithinStaleSecondsExpire() {
        PrometheusRegistry r = registry("", "device", 100);
        r.accept(List.of(Reading.of("a", "t").field("v", 1L).build(), Reading.of("b", "t").field("v", 2L).build()));
        clock.advance(Duration.ofSeconds(200));
        r.accept(List.of(Reading.of("b", "t").field("v", 3L).build()));
        clock.advance(Duration.ofSeconds(101));
        String text = text(r);
        assertTrue(!text.contains("device=\"a\"") && text.contains("t_v{device=\"b\"} 3\n"), text);
        clock.advance(Duration.ofSeconds(200));
        assertEquals("", text(r), "a family with no series left is gone too");
        assertEquals(new PrometheusRegistry.Stats(0, 0, 0, 2), r.stats());
    }

    @Test
    void pastMaxSeriesNewSeriesAreRejectedButKnownOnesUpdate() {
        PrometheusRegistry r = registry("", "device", 3);
        assertEquals(Outcome.all(Outcome.DELIVERED, 1), r.accept(List.of(
                Reading.of("d", "m").field("a", 1L).field("b", 1L).build())));
        List<Outcome> outcomes = r.accept(List.of(
                Reading.of("d", "m").field("c", 1L).field("e", 1L).build(),   // 2 new: over
                Reading.of("d", "m").field("c", 1L).build(),                  // 1 new: fits
                Reading.of("d", "m").field("a", 2L).field("b", 2L).build(),   // known: updates
                Reading.of("d2", "m").field("a", 1L).build()));               // new label set: over
        assertEquals(List.of(Outcome.Status.REJECTED, Outcome.Status.DELIVERED, Outcome.Status.DELIVERED,
                Outcome.Status.REJECTED), outcomes.stream().map(Outcome::status).toList());
        assertTrue(outcomes.get(0).reason().startsWith("max_series 3 reached"), outcomes.get(0).reason());
        assertEquals(new PrometheusRegistry.Stats(3, 2, 0, 0), r.stats());
        assertTrue(text(r).contains("m_a{device=\"d\"} 2\n"));
        assertTrue(!text(r).contains("m_e"), "a rejected reading changes nothing");

        clock.advance(Duration.ofSeconds(301));
        assertEquals(Outcome.all(Outcome.DELIVERED, 1), r.accept(List.of(Reading.of("d2", "m").field("a", 1L).build())),
                "stale series make room");
    }

    @Test
    void boundedUnderAFlood() {
        PrometheusRegistry r = registry("", "device", 1000);
        List<Reading> flood = new ArrayList<>();
        for (int i = 0; i < 5000; i++) flood.add(Reading.of("d", "m").tag("id", "n" + i).field("v", (long) i).build());
        List<Outcome> outcomes = r.accept(flood);
        assertEquals(1000, outcomes.stream().filter(o -> o.status() == Outcome.Status.DELIVERED).count());
        assertEquals(1000, r.stats().series());
        assertEquals(1000, r.snapshot().get(0).samples().size());
    }

    @Test
    void refusesNonsenseBounds() {
        assertThrows(IllegalArgumentException.class, () -> registry("", "device", 0));
        assertThrows(IllegalArgumentException.class,
                () -> new PrometheusRegistry("", "device", Duration.ZERO, 10, Set.of(), clock));
    }
}
