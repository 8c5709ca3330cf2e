package dev.hearth.webconsole.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.hearth.api.Reading;

/**
 * The recent numeric values of a bounded number of series, for the chart. Bounded four ways:
 * series in all, series per device (so one device with many fields cannot take every slot),
 * points per series (a fixed ring of primitives, 24 bytes a point), and age. Every point gets a
 * sequence number of its own so the page can ask for "what came after the last one I have"
 * without relying on reading timestamps, which need not be monotonic across devices.
 */
final class ReadingHistory {

    /** Longest series name kept; longer ones are cut (device ids and tags may be long). */
    static final int MAX_NAME = 160;

    record Point(long seq, long time, double value) {
    }

    /** One series' points after some sequence number, oldest first. */
    record Series(String name, List<Point> points) {
    }

    /**
     * What {@link #since} found.
     *
     * @param epoch this history's identity; the next request passes it back with {@code since}
     * @param last the newest sequence number held (the next request's {@code since})
     * @param reset whether the caller's {@code since} was from another history (the bundle or the
     *        gateway restarted) or unknown, so that everything is sent and the caller starts afresh
     * @param series the series with points after {@code since}
     */
    record Slice(String epoch, long last, boolean reset, List<Series> series) {
    }

    /** A fixed-size ring, oldest at {@code head}. */
    private static final class Ring {
        final String device;
        final long[] seq;
        final long[] time;
        final double[] value;
        int head;
        int size;

        Ring(String device, int capacity) {
            this.device = device;
            seq = new long[capacity];
            time = new long[capacity];
            value = new double[capacity];
        }

        void add(long s, long t, double v) {
            int i = (head + size) % seq.length;
            if (size == seq.length) head = (head + 1) % seq.length; // full: overwrite the oldest
            else size++;
            seq[i] = s;
            time[i] = t;
            value[i] = v;
        }

        void dropOlderThan(long oldest) {
            while (size > 0 && time[head] < oldest) {
                head = (head + 1) % seq.length;
                size--;
            }
        }

        List<Point> after(long since) {
            List<Point> out = new ArrayList<>();
            for (int k = 0; k < size; k++) {
                int i = (head + k) % seq.length;
                if (seq[i] > since) out.add(new Point(seq[i], time[i], value[i]));
            }
            return out;
        }
    }

    private final int maxSeries;
    private final int maxPerDevice;
    private final int maxPoints;
    private final long windowMillis;
    private final Clock clock;
    private final LinkedHashMap<String, Ring> series = new LinkedHashMap<>();
    private final Map<String, Integer> perDevice = new HashMap<>();
    /** Sequence numbers start again with a new history; this tells a page that its own are void. */
    private final String epoch = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private long seq;
    private long refused;

    ReadingHistory(int maxSeries, int maxPerDevice, int maxPoints, Duration window, Clock clock) {
        if (maxSeries < 1 || maxPerDevice < 1 || maxPoints < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("history bounds must be positive");
        }
        this.maxSeries = maxSeries;
        this.maxPerDevice = maxPerDevice;
        this.maxPoints = maxPoints;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Takes the numeric and boolean fields of a reading; strings are not charted. */
    synchronized void add(Reading r) {
        long now = clock.millis();
        long time = r.timestamp().toEpochMilli();
        if (time < now - windowMillis) return; // a replayed backlog older than the chart
        String base = r.device() + " " + r.measurement() + tagText(r);
        for (Map.Entry<String, Object> f : r.fields().entrySet()) {
            double v;
            if (f.getValue() instanceof Number n) v = n.doubleValue();
            else if (f.getValue() instanceof Boolean b) v = b ? 1 : 0;
            else continue;
            String name = cut(base + "." + f.getKey());
            Ring ring = series.get(name);
            if (ring == null) {
                if (!roomFor(r.device(), now)) {
                    refused++;
                    continue;
                }
                ring = new Ring(r.device(), maxPoints);
                series.put(name, ring);
                perDevice.merge(r.device(), 1, Integer::sum);
            }
            ring.add(++seq, time, v);
        }
    }

    /**
     * Points with a sequence number above {@code since} of history {@code epoch}; another epoch
     * (or none) or an unknown {@code since} means all, with {@code reset} set.
     */
    synchronized Slice since(String epoch, long since) {
        expire(clock.millis());
        boolean reset = !this.epoch.equals(epoch) || since > seq || since < 0;
        long from = reset ? 0 : since;
        List<Series> out = new ArrayList<>();
        for (Map.Entry<String, Ring> e : series.entrySet()) {
            List<Point> pts = e.getValue().after(from);
            if (!pts.isEmpty()) out.add(new Series(e.getKey(), List.copyOf(pts)));
        }
        return new Slice(this.epoch, seq, reset, List.copyOf(out));
    }

    String epoch() {
        return epoch;
    }

    synchronized int seriesCount() {
        return series.size();
    }

    synchronized int pointCount() {
        int n = 0;
        for (Ring r : series.values()) n += r.size;
        return n;
    }

    /** Values not charted because a series bound was reached. */
    synchronized long refused() {
        return refused;
    }

    private boolean roomFor(String device, long now) {
        if (series.size() < maxSeries && perDevice.getOrDefault(device, 0) < maxPerDevice) return true;
        expire(now);
        return series.size() < maxSeries && perDevice.getOrDefault(device, 0) < maxPerDevice;
    }

    /** Drops points older than the window, and series left empty (freeing their slot). */
    private void expire(long now) {
        long oldest = now - windowMillis;
        for (Iterator<Ring> it = series.values().iterator(); it.hasNext();) {
            Ring r = it.next();
            r.dropOlderThan(oldest);
            if (r.size == 0) {
                it.remove();
                perDevice.computeIfPresent(r.device, (d, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    private static String tagText(Reading r) {
        if (r.tags().isEmpty()) return "";
        StringBuilder s = new StringBuilder("{");
        r.tags().forEach((k, v) -> {
            if (s.length() > 1) s.append(',');
            s.append(k).append('=').append(v);
        });
        return s.append('}').toString();
    }

    private static String cut(String name) {
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1) + "\u2026";
    }
}
