package dev.hearth.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.hearth.api.Reading;
import dev.hearth.api.status.DeadLetter;
import dev.hearth.api.status.DeviceInfo;
import dev.hearth.api.status.JournalStatus;
import dev.hearth.api.status.SinkStatus;

/** Renders what the console commands print, from status values. No OSGi. */
final class Reports {

    /** Widest value of a tag or field in {@code tail}. */
    static final int VALUE_WIDTH = 64;

    private Reports() {
    }

    /** What {@code status} prints. */
    static String status(String version, String gatewayId, Instant startedAt, Instant now, List<BundleSummary> bundles,
            List<String> drivers, List<DeviceInfo> devices, List<SinkStatus> sinks, JournalStatus journal) {
        bundles = orEmpty(bundles);
        drivers = orEmpty(drivers);
        devices = orEmpty(devices);
        sinks = orEmpty(sinks);
        StringBuilder b = new StringBuilder();
        header(b, version, gatewayId);
        b.append("uptime    ").append(startedAt == null ? Text.NONE
                : Text.duration(Duration.between(startedAt, now)) + " (since " + startedAt + ")").append('\n');
        bundles(b, bundles);

        Map<String, Integer> byState = new TreeMap<>();
        for (DeviceInfo d : devices) byState.merge(d.state() == null ? "UNKNOWN" : d.state().name(), 1, Integer::sum);
        b.append("drivers   ").append(drivers.size()).append(drivers.size() == 1 ? " bundle publishes" : " bundles publish");
        for (int i = 0; i < drivers.size(); i++) {
            b.append(i == 0 ? ": " : ", ").append(Text.clean(drivers.get(i), 120));
        }
        b.append('\n');
        b.append("devices   ").append(devices.size()).append(devices.size() == 1 ? " device" : " devices");
        if (!byState.isEmpty()) {
            StringBuilder s = new StringBuilder();
            byState.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v).append(' ').append(k.toLowerCase()));
            b.append(" (").append(s).append(')');
        }
        b.append('\n');

        long registered = sinks.stream().filter(SinkStatus::registered).count();
        long backlog = sinks.stream().mapToLong(SinkStatus::backlog).sum();
        b.append("sinks     ").append(sinks.size()).append(sinks.size() == 1 ? " sink" : " sinks")
                .append(" (").append(registered).append(" up), backlog ").append(backlog).append('\n');

        if (journal == null) {
            b.append("journal   -\n");
        } else {
            b.append("journal   ").append(Text.bytes(journal.bytes())).append(" of ").append(Text.bytes(journal.maxBytes()))
                    .append(", ").append(journal.readings()).append(" readings held, ").append(journal.accepted())
                    .append(" accepted, ").append(journal.dropped()).append(" dropped")
                    .append(" (").append(Text.clean(journal.path(), 120)).append(")\n");
        }
        return b.toString();
    }

    /** What {@code status} prints while the core is not running: what the console knows without it. */
    static String statusWithoutCore(String version, String gatewayId, List<BundleSummary> bundles) {
        bundles = orEmpty(bundles);
        StringBuilder b = new StringBuilder();
        header(b, version, gatewayId);
        b.append("core      not running (no GatewayStatus service): devices, sinks and journal unknown\n");
        bundles(b, bundles);
        return b.toString();
    }

    private static void header(StringBuilder b, String version, String gatewayId) {
        b.append("version   ").append(Text.clean(version, 64)).append('\n');
        b.append("gateway   ").append(Text.clean(gatewayId, 64)).append('\n');
    }

    private static void bundles(StringBuilder b, List<BundleSummary> bundles) {
        long active = bundles.stream().filter(x -> "ACTIVE".equals(x.state())).count();
        List<BundleSummary> unhealthy = bundles.stream().filter(x -> !x.healthy()).toList();
        b.append("bundles   ").append(active).append(" active of ").append(bundles.size());
        if (unhealthy.isEmpty()) {
            b.append(", all as expected\n");
        } else {
            b.append(", ").append(unhealthy.size()).append(" not active:\n");
            for (BundleSummary x : unhealthy) {
                b.append("          [").append(x.id()).append("] ").append(Text.clean(x.symbolicName(), 80))
                        .append(' ').append(Text.clean(x.version(), 40)).append(' ').append(x.state()).append('\n');
            }
        }
    }

    /** What {@code devices} prints. */
    static String devices(List<DeviceInfo> devices, Instant now) {
        devices = orEmpty(devices);
        if (devices.isEmpty()) return "no devices\n";
        Table t = new Table("DEVICE", "STATE", "SINCE", "READINGS", "ERRORS", "LAST READING", "MESSAGE", "LAST ERROR")
                .right(3, 4).maxWidth(0, 32).maxWidth(5, 16).maxWidth(6, 60).maxWidth(7, 60);
        for (DeviceInfo d : devices) {
            String message = d.message() == null || d.message().isEmpty() ? null : d.message();
            t.row(d.device(), d.state() == null ? "?" : d.state().name().toLowerCase(), Text.age(d.since(), now), d.readings(),
                    d.errors(), d.lastReading() == null ? null : Text.age(d.lastReading().timestamp(), now), message,
                    d.lastError());
        }
        return t.render();
    }

    /** What {@code sinks} prints. */
    static String sinks(List<SinkStatus> sinks, Instant now) {
        sinks = orEmpty(sinks);
        if (sinks.isEmpty()) return "no sinks\n";
        Table t = new Table("SINK", "UP", "BACKLOG", "DELIVERED", "RETRIES", "DEAD", "DROPPED", "LATENCY", "LAST DELIVERY",
                "LAST ERROR").right(2, 3, 4, 5, 6, 7).maxWidth(9, 72);
        for (SinkStatus s : sinks) {
            String error = s.lastError() == null ? null : "(" + Text.age(s.lastErrorAt(), now) + ") " + s.lastError();
            t.row(s.id(), s.registered() ? "up" : "down", s.backlog(), s.delivered(), s.retries(), s.deadLetters(), s.dropped(),
                    s.lastDelivery() == null ? null : Text.millis(s.lastLatencyMillis()), Text.age(s.lastDelivery(), now), error);
        }
        return t.render();
    }

    /** What {@code tail} prints: one line per reading, oldest first. */
    static String tail(List<Reading> readings) {
        readings = orEmpty(readings);
        if (readings.isEmpty()) return "no readings yet\n";
        Table t = new Table("TIME", "DEVICE", "MEASUREMENT", "TAGS", "FIELDS").maxWidth(3, 80).maxWidth(4, 120);
        for (Reading r : readings) {
            t.row(r.timestamp(), r.device(), r.measurement(), pairs(r.tags()), pairs(r.fields()));
        }
        return t.render();
    }

    /** What {@code deadletters} prints, newest first. */
    static String deadLetters(String sinkId, List<DeadLetter> letters, Instant now) {
        letters = orEmpty(letters);
        if (letters.isEmpty()) return "no dead letters for " + Text.clean(sinkId, 80) + "\n";
        Table t = new Table("SEQ", "REJECTED", "DEVICE", "MEASUREMENT", "TIME", "FIELDS", "REASON").right(0)
                .maxWidth(5, 60).maxWidth(6, 100);
        for (DeadLetter d : letters) {
            Reading r = d.reading();
            t.row(d.sequence(), Text.age(d.at(), now), r == null ? null : r.device(), r == null ? null : r.measurement(),
                    r == null ? null : r.timestamp(), r == null ? null : pairs(r.fields()), d.reason());
        }
        return t.render();
    }

    private static String pairs(Map<String, ?> map) {
        List<String> out = new ArrayList<>(map.size());
        map.forEach((k, v) -> out.add(k + "=" + Text.clean(v, VALUE_WIDTH)));
        return String.join(" ", out);
    }

    /** The list without {@code null} elements; empty for {@code null}. The core is trusted, but a report never fails on it. */
    private static <T> List<T> orEmpty(List<T> list) {
        if (list == null) return List.of();
        return list.stream().filter(Objects::nonNull).toList(); // List.of(..).contains(null) would throw
    }
}
