package dev.hearth.sink.prometheus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void metricNamesAreSanitised() {
        assertEquals("cpu_usage", PrometheusText.metricName("cpu_usage"));
        assertEquals("_2nd_floor_temp", PrometheusText.metricName("2nd-floor.temp"));
        assertEquals("kasa_plug_power", PrometheusText.metricName("kasa plug/power"));
        assertEquals("job:rate5m", PrometheusText.metricName("job:rate5m"), "colons are legal in metric names");
        assertEquals("temp__C", PrometheusText.metricName("temp_°C"));
        assertEquals("emoji__x", PrometheusText.metricName("emoji_\uD83D\uDD25x"), "one underscore per code point");
        assertEquals("_", PrometheusText.metricName(""));
    }

    @Test
    void labelNamesAreSanitised() {
        assertEquals("mount", PrometheusText.labelName("mount"));
        assertEquals("a_b", PrometheusText.labelName("a:b"), "no colons in label names");
        assertEquals("_1wire", PrometheusText.labelName("1wire"));
        assertEquals("tag__name__", PrometheusText.labelName("__name__"), "__ is Prometheus' own");
        assertEquals("x_y_z", PrometheusText.labelName("x-y.z"));
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewlineOnly() {
        assertEquals("C:\\\\temp", PrometheusText.escapeLabelValue("C:\\temp"));
        assertEquals("say \\\"hi\\\"", PrometheusText.escapeLabelValue("say \"hi\""));
        assertEquals("line1\\nline2", PrometheusText.escapeLabelValue("line1\nline2"));
        assertEquals("tab\there\rü🔥", PrometheusText.escapeLabelValue("tab\there\rü🔥"));
        assertEquals("\\\\\\\"\\n", PrometheusText.escapeLabelValue("\\\"\n"));
        assertEquals("plain", PrometheusText.escapeLabelValue("plain"));
    }

    @Test
    void helpEscapesBackslashAndNewlineButNotQuotes() {
        assertEquals("a \"b\" \\\\ c\\nd", PrometheusText.escapeHelp("a \"b\" \\ c\nd"));
    }

    @Test
    void valuesPrintAsPrometheusClientsDo() {
        assertEquals("42", PrometheusText.formatValue(42L));
        assertEquals("-9223372036854775808", PrometheusText.formatValue(Long.MIN_VALUE));
        assertEquals("48", PrometheusText.formatValue(48.0));
        assertEquals("48.686", PrometheusText.formatValue(48.686));
        assertEquals("1.0E-5", PrometheusText.formatValue(0.00001));
        assertEquals("1.0E20", PrometheusText.formatValue(1e20));
        assertEquals("NaN", PrometheusText.formatValue(Double.NaN));
        assertEquals("+Inf", PrometheusText.formatValue(Double.POSITIVE_INFINITY));
    }

    @Test
    void writesOneHelpAndTypePerFamilyAndNoTimestamps() {
        MetricFamily memory = new MetricFamily("memory_usage", "Memory.", MetricFamily.Type.GAUGE, List.of(
                new MetricFamily.Sample(new TreeMap<>(Map.of("node", "pi", "type", "total")), 4000L),
                new MetricFamily.Sample(new TreeMap<>(Map.of("node", "pi", "type", "free")), 2000L)));
        MetricFamily up = new MetricFamily("hearth_up", "Up.", MetricFamily.Type.GAUGE,
                List.of(new MetricFamily.Sample(new TreeMap<>(), 1L)));
        MetricFamily empty = new MetricFamily("nothing", "Never written.", MetricFamily.Type.COUNTER, List.of());
        assertEquals("""
                # HELP hearth_up Up.
                # TYPE hearth_up gauge
                hearth_up 1
                # HELP memory_usage Memory.
                # TYPE memory_usage gauge
                memory_usage{node="pi",type="total"} 4000
                memory_usage{node="pi",type="free"} 2000
                """, PrometheusText.write(List.of(up, memory, empty)));
    }
}
