package dev.hearth.sink.prometheus.internal;

import java.util.List;
import java.util.SortedMap;

/**
 * One metric family as the text format writes it: a HELP and a TYPE line, then its samples.
 *
 * @param name a valid metric name (see {@link PrometheusText#metricName})
 * @param help one line of help, unescaped
 * @param type gauge or counter
 * @param samples label sets (valid label names, raw values) and values
 */
public record MetricFamily(String name, String help, Type type, List<Sample> samples) {

    public enum Type {
        GAUGE, COUNTER;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A value is a {@link Long} or a finite {@link Double}. */
    public record Sample(SortedMap<String, String> labels, Number value) {
    }

    public MetricFamily {
        samples = List.copyOf(samples);
    }
}
