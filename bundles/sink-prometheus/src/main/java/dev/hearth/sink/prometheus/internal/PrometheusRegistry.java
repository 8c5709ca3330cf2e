package dev.hearth.sink.prometheus.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

/**
 * The latest value of every series, for scraping. No OSGi in here.
 *
 * <p>Each numeric or boolean field of a reading is one series: family
 * {@code <prefix><measurement>_<field>} (sanitised), labels = the reading's tags plus the device
 * under {@code deviceLabel}. String fields have no place in a gauge and are skipped (counted).
 * The last delivered value wins: the core delivers in journal order, which is publish order per
 * device, so there is no timestamp comparison to trip over a clock that jumped.
 *
 * <p>Memory is bounded: a series not updated for {@code staleAfter} is dropped, and a reading that
 * would take the registry past {@code maxSeries} is rejected whole (the core puts it in the dead
 * letters with the reason) instead of growing.
 */
public final class PrometheusRegistry {

    /** Counters of the registry itself, for its self-metrics. */
    public record Stats(int series, long rejectedReadings, long skippedStringFields, long expiredSeries) {
    }

    private static final class Family {
        final String help;
        final Map<SortedMap<String, String>, Sample> series = new HashMap<>();

        Family(String help) {
            this.help = help;
        }
    }

    private static final class Sample {
        Number value;
        Instant updated;

        Sample(Number value, Instant updated) {
            this.value = value;
            this.updated = updated;
        }
    }

    private record Update(String family, String help, SortedMap<String, String> labels, Number value) {
    }

    private final String prefix;
    private final String deviceLabel;
    private final Duration staleAfter;
    private final int maxSeries;
    private final Set<String> reservedNames;
    private final Clock clock;

    // guarded by this: one delivering thread and a few scrapes, each holding it for microseconds per series
    private final TreeMap<String, Family> families = new TreeMap<>();
    private int seriesCount;
    private long rejectedReadings;
    private long skippedStringFields;
    private long expiredSeries;

    /**
     * @param prefix put before every family name, e.g. {@code hearth_}; may be empty
     * @param deviceLabel the label carrying the device id ({@code device}, or {@code node} for Raspberry Pi monitor dashboards)
     * @param staleAfter how long a series lives without an update
     * @param maxSeries the most series held
     * @param reservedNames family names that readings may not take (the gateway's own metrics)
     */
    public PrometheusRegistry(String prefix, String deviceLabel, Duration staleAfter, int maxSeries,
            Set<String> reservedNames, Clock clock) {
        if (maxSeries < 1) throw new IllegalArgumentException("max_series must be at least 1, is " + maxSeries);
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("stale_seconds must be at least 1, is " + staleAfter.toSeconds());
        }
        this.prefix = prefix == null ? "" : prefix;
        this.deviceLabel = PrometheusText.labelName(deviceLabel == null || deviceLabel.isBlank() ? "device" : deviceLabel);
        this.staleAfter = staleAfter;
        this.maxSeries = maxSeries;
        this.reservedNames = Set.copyOf(reservedNames);
        this.clock = clock;
    }

    /** Takes a batch; one outcome per reading, in order. */
    public synchronized List<Outcome> accept(List<Reading> batch) {
        List<Outcome> outcomes = new ArrayList<>(batch.size());
        boolean expired = false;
        for (Reading reading : batch) {
            List<Update> updates = new ArrayList<>(reading.fields().size());
            String refusal = null;
            SortedMap<String, String> labels = labels(reading);
            for (Map.Entry<String, Object> field : reading.fields().entrySet()) {
                Number value = numeric(field.getValue());
                if (value == null) {
                    skippedStringFields++;
                    continue;
                }
                String name = PrometheusText.metricName(prefix + reading.measurement() + "_" + field.getKey());
                if (reservedNames.contains(name)) {
                    refusal = "metric name " + name + " is reserved for the gateway's own metrics";
                    break;
                }
                String help = "Measurement '" + reading.measurement() + "', field '" + field.getKey() + "'.";
                updates.add(new Update(name, help, labels, value));
            }
            if (refusal == null) {
                int added = newSeries(updates);
                if (added > 0 && seriesCount + added > maxSeries && !expired) {
                    expire(clock.instant()); // make room from the stale before refusing
                    expired = true;
                }
                if (added > 0 && seriesCount + added > maxSeries) {
                    rejectedReadings++;
                    refusal = "max_series " + maxSeries + " reached (" + seriesCount + " series held); this reading "
                            + "would add " + added + "; raise max_series or filter this sink";
                }
            }
            if (refusal != null) {
                outcomes.add(Outcome.rejected(refusal));
                continue;
            }
            Instant now = clock.instant();
            for (Update u : updates) {
                Family family = families.computeIfAbsent(u.family, f -> new Family(u.help));
                Sample sample = family.series.get(u.labels);
                if (sample == null) {
                    family.series.put(u.labels, new Sample(u.value, now));
                    seriesCount++;
                } else {
                    sample.value = u.value;
                    sample.updated = now;
                }
            }
            outcomes.add(Outcome.DELIVERED);
        }
        return outcomes;
    }

    /** The current series, stale ones dropped first; families by name, series by label text. */
    public synchronized List<MetricFamily> snapshot() {
        expire(clock.instant());
        List<MetricFamily> out = new ArrayList<>(families.size());
        for (Map.Entry<String, Family> e : families.entrySet()) {
            List<MetricFamily.Sample> samples = new ArrayList<>(e.getValue().series.size());
            e.getValue().series.forEach((labels, s) -> samples.add(new MetricFamily.Sample(labels, s.value)));
            samples.sort((a, b) -> a.labels().toString().compareTo(b.labels().toString()));
            out.add(new MetricFamily(e.getKey(), e.getValue().help, MetricFamily.Type.GAUGE, samples));
        }
        return out;
    }

    public synchronized Stats stats() {
        return new Stats(seriesCount, rejectedReadings, skippedStringFields, expiredSeries);
    }

    private void expire(Instant now) {
        Instant cutoff = now.minus(staleAfter);
        for (Iterator<Family> families = this.families.values().iterator(); families.hasNext();) {
            Family family = families.next();
            for (Iterator<Sample> series = family.series.values().iterator(); series.hasNext();) {
                if (series.next().updated.isBefore(cutoff)) {
                    series.remove();
                    seriesCount--;
                    expiredSeries++;
                }
            }
            if (family.series.isEmpty()) families.remove();
        }
    }

    private int newSeries(List<Update> updates) {
        int added = 0;
        for (Update u : updates) {
            Family family = families.get(u.family);
            if (family == null || !family.series.containsKey(u.labels)) added++;
        }
        return added;
    }

    /** Labels that mean something to Prometheus on histograms and summaries; a gauge must not carry them. */
    private static final Set<String> HISTOGRAM_LABELS = Set.of("le", "quantile");

    /**
     * Tags with sanitised names plus the device label. A tag whose name is taken (by the device
     * label, by another tag that sanitises alike, or by Prometheus' {@code le} and {@code quantile})
     * is kept as {@code exported_<name>}, the way Prometheus renames clashing target labels.
     */
    private SortedMap<String, String> labels(Reading reading) {
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put(deviceLabel, reading.device());
        for (Map.Entry<String, String> tag : reading.tags().entrySet()) {
            String name = PrometheusText.labelName(tag.getKey());
            while (labels.containsKey(name) || HISTOGRAM_LABELS.contains(name)) name = "exported_" + name;
            labels.put(name, tag.getValue());
        }
        return Collections.unmodifiableSortedMap(labels);
    }

    private static Number numeric(Object value) {
        if (value instanceof Long || value instanceof Double) return (Number) value;
        if (value instanceof Boolean b) return b ? 1L : 0L;
        return null; // a string
    }
}
