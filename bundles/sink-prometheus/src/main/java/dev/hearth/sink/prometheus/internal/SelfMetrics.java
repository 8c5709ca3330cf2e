package dev.hearth.sink.prometheus.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import dev.hearth.api.DeviceState;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.GatewayStatus;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/** The gateway's own metrics: journal, sinks, devices, and this registry. No OSGi in here. */
public final class SelfMetrics {

    /** Every family written here; readings may not take these names. */
    public static final Set<String> NAMES = Set.of("hearth_up", "hearth_start_time_seconds",
            "hearth_journal_bytes", "hearth_journal_max_bytes", "hearth_journal_readings",
            "hearth_journal_accepted_total", "hearth_journal_dropped_total",
            "hearth_sink_backlog", "hearth_sink_delivered_total", "hearth_sink_retries_total",
            "hearth_sink_dead_letters_total", "hearth_sink_dropped_total", "hearth_sink_last_latency_seconds",
            "hearth_device_readings_total", "hearth_device_errors_total", "hearth_device_up",
            "hearth_prometheus_series", "hearth_prometheus_rejected_readings_total",
            "hearth_prometheus_skipped_string_fields_total", "hearth_prometheus_expired_series_total");

    private SelfMetrics() {
    }

    /**
     * @param gateway the core's status, or {@code null} when the core is not there (then only
     *        {@code hearth_up} and this registry's own counters are written)
     * @param deviceLabel the label carrying device ids, the same one the readings use, so the two join
     */
    public static List<MetricFamily> of(GatewayStatus gateway, PrometheusRegistry.Stats registry, String deviceLabel) {
        List<MetricFamily> out = new ArrayList<>();
        out.add(gauge("hearth_up", "1 while the gateway serves metrics.", List.of(sample(Map.of(), 1L))));
        if (gateway != null) {
            out.add(gauge("hearth_start_time_seconds", "When the gateway core started, epoch seconds.",
                    List.of(sample(Map.of(), gateway.startedAt().toEpochMilli() / 1000.0))));
            JournalStatus j = gateway.journal();
            out.add(gauge("hearth_journal_bytes", "Size of the journal on disk.", List.of(sample(Map.of(), j.bytes()))));
            out.add(gauge("hearth_journal_max_bytes", "Journal size past which the oldest readings are dropped.",
                    List.of(sample(Map.of(), j.maxBytes()))));
            out.add(gauge("hearth_journal_readings", "Readings held, not yet delivered to every sink.",
                    List.of(sample(Map.of(), j.readings()))));
            out.add(counter("hearth_journal_accepted_total", "Readings accepted since start.",
                    List.of(sample(Map.of(), j.accepted()))));
            out.add(counter("hearth_journal_dropped_total", "Readings dropped since start because the journal was full.",
                    List.of(sample(Map.of(), j.dropped()))));

            List<SinkStatus> sinks = gateway.sinks();
            out.add(gauge("hearth_sink_backlog", "Readings in the journal not yet delivered to the sink.", perSink(sinks, SinkStatus::backlog)));
            out.add(counter("hearth_sink_delivered_total", "Readings delivered to the sink since start.", perSink(sinks, SinkStatus::delivered)));
            out.add(counter("hearth_sink_retries_total", "Deliveries to the sink that had to be retried.", perSink(sinks, SinkStatus::retries)));
            out.add(counter("hearth_sink_dead_letters_total", "Readings the sink rejected (kept as dead letters).", perSink(sinks, SinkStatus::deadLetters)));
            out.add(counter("hearth_sink_dropped_total", "Readings the sink never got because the journal was full.", perSink(sinks, SinkStatus::dropped)));
            out.add(gauge("hearth_sink_last_latency_seconds", "How long the sink's last delivery took.",
                    perSinkDouble(sinks, s -> s.lastLatencyMillis() / 1000.0)));

            List<DeviceInfo> devices = gateway.devices();
            List<MetricFamily.Sample> readings = new ArrayList<>();
            List<MetricFamily.Sample> errors = new ArrayList<>();
            List<MetricFamily.Sample> up = new ArrayList<>();
            for (DeviceInfo d : devices) {
                readings.add(sample(Map.of(deviceLabel, d.device()), d.readings()));
                errors.add(sample(Map.of(deviceLabel, d.device()), d.errors()));
                String state = d.state() == null ? "unknown" : d.state().name().toLowerCase(Locale.ROOT);
                SortedMap<String, String> labels = new TreeMap<>(Map.of(deviceLabel, d.device()));
                labels.put(deviceLabel.equals("state") ? "exported_state" : "state", state);
                up.add(new MetricFamily.Sample(labels, d.state() == DeviceState.ONLINE ? 1L : 0L));
            }
            out.add(counter("hearth_device_readings_total", "Readings accepted from the device since start.", readings));
            out.add(counter("hearth_device_errors_total", "Errors counted against the device since start.", errors));
            out.add(gauge("hearth_device_up", "1 if the device is online; the state label says what it is.", up));
        }
        out.add(gauge("hearth_prometheus_series", "Series this sink holds.", List.of(sample(Map.of(), (long) registry.series()))));
        out.add(counter("hearth_prometheus_rejected_readings_total", "Readings this sink rejected because max_series was reached.",
                List.of(sample(Map.of(), registry.rejectedReadings()))));
        out.add(counter("hearth_prometheus_skipped_string_fields_total", "String fields this sink skipped: a gauge holds numbers.",
                List.of(sample(Map.of(), registry.skippedStringFields()))));
        out.add(counter("hearth_prometheus_expired_series_total", "Series this sink dropped after stale_seconds without an update.",
                List.of(sample(Map.of(), registry.expiredSeries()))));
        return out;
    }

    private static List<MetricFamily.Sample> perSink(List<SinkStatus> sinks, ToLongFunction<SinkStatus> value) {
        return sinks.stream().map(s -> sample(Map.of("sink", s.id()), value.applyAsLong(s))).toList();
    }

    private static List<MetricFamily.Sample> perSinkDouble(List<SinkStatus> sinks, ToDoubleFunction<SinkStatus> value) {
        return sinks.stream().map(s -> sample(Map.of("sink", s.id()), value.applyAsDouble(s))).toList();
    }

    private static MetricFamily.Sample sample(Map<String, String> labels, Number value) {
        SortedMap<String, String> sorted = new TreeMap<>(labels);
        return new MetricFamily.Sample(sorted, value);
    }

    private static MetricFamily gauge(String name, String help, List<MetricFamily.Sample> samples) {
        return new MetricFamily(name, help, MetricFamily.Type.GAUGE, samples);
    }

    private static MetricFamily counter(String name, String help, List<MetricFamily.Sample> samples) {
        return new MetricFamily(name, help, MetricFamily.Type.COUNTER, samples);
    }
}
