package dev.hearth.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class SelfMetricsTest {

    private static final PrometheusRegistry.Stats STATS = new PrometheusRegistry.Stats(42, 1, 2, 3);

    @Test
    void withoutTheCoreOnlyUpAndOwnCounters() {
        String text = PrometheusText.write(SelfMetrics.of(null, STATS, "device"));
        assertTrue(text.contains("# TYPE hearth_up gauge\nhearth_up 1\n"), text);
        assertTrue(text.contains("hearth_prometheus_series 42\n"), text);
        assertTrue(!text.contains("hearth_journal"), text);
    }

    @Test
    void journalSinksAndDevices() {
        String text = PrometheusText.write(SelfMetrics.of(new FakeGateway(), STATS, "node"));
        for (String line : List.of(
                "hearth_start_time_seconds 1717394400.25",
                "hearth_journal_bytes 5242880",
                "hearth_journal_max_bytes 268435456",
                "hearth_journal_readings 1234",
                "# TYPE hearth_journal_accepted_total counter",
                "hearth_journal_accepted_total 987654",
                "hearth_journal_dropped_total 12",
                "hearth_sink_backlog{sink=\"influxdb\"} 1200",
                "hearth_sink_delivered_total{sink=\"influxdb\"} 986000",
                "hearth_sink_retries_total{sink=\"influxdb\"} 31",
                "hearth_sink_dead_letters_total{sink=\"influxdb\"} 2",
                "hearth_sink_dropped_total{sink=\"influxdb\"} 12",
                "hearth_sink_last_latency_seconds{sink=\"influxdb\"} 0.0485",
                "hearth_sink_last_latency_seconds{sink=\"prometheus\"} 2.5E-4",
                "hearth_device_readings_total{node=\"pi\"} 50000",
                "hearth_device_errors_total{node=\"kasa \\\"garage\\\"\"} 9",
                "hearth_device_up{node=\"pi\",state=\"online\"} 1",
                "hearth_device_up{node=\"kasa \\\"garage\\\"\",state=\"offline\"} 0",
                "hearth_device_up{node=\"loadgen\",state=\"unknown\"} 0",
                "hearth_prometheus_rejected_readings_total 1")) {
            assertTrue(text.contains(line + "\n"), line + " in\n" + text);
        }
    }

    @Test
    void everyFamilyWrittenIsReservedAndCountersEndInTotal() {
        List<MetricFamily> families = SelfMetrics.of(new FakeGateway(), STATS, "device");
        Set<String> names = families.stream().map(MetricFamily::name).collect(Collectors.toSet());
        assertEquals(SelfMetrics.NAMES, names);
        for (MetricFamily f : families) {
            assertEquals(f.name().endsWith("_total"), f.type() == MetricFamily.Type.COUNTER, f.name());
        }
    }
}
