package dev.hearth.sink.influxdb.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

import dev.hearth.api.Reading;

/**
 * Readings as InfluxDB line protocol, one line per reading:
 * {@code measurement,tag=value,... field=value,... timestamp}.
 *
 * <p>Hand-written on purpose: the official influxdb-client-java pulls in OkHttp, Retrofit, RxJava
 * and Gson (several MB and many threads, far too heavy for a Pi), while line protocol is a one-page
 * specification. What the specification leaves open is settled here by refusing the reading
 * rather than writing something a server would read differently:
 * <ul>
 * <li>a line break or other control character in a tag value (names are already free of them:
 *     {@link Reading} refuses them) — a newline would end the line;</li>
 * <li>a measurement starting with {@code #} — the line would be a comment and silently dropped;</li>
 * <li>a backslash in a measurement, tag or field key, or tag value — InfluxDB 1.x reads
 *     {@code C:\temp} as written, QuestDB and InfluxDB 3 as {@code C:temp}, and no escaping reads
 *     the same on both (string field values are fine: every server unescapes {@code \\} in them).</li>
 * </ul>
 * Tags are written in the order of their keys' UTF-8 bytes, as InfluxDB recommends (it then need
 * not sort them itself); the device is written as one more tag, {@code device} unless configured.
 */
final class LineProtocol {

    /** Timestamp precision: the unit of the number at the end of each line and the {@code precision} parameter. */
    enum Precision {
        NS, US, MS, S;

        /** The configuration value, and the {@code precision} query parameter of the v2 API. */
        String parameter() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The {@code precision} query parameter of the v1 API, which spells microseconds {@code u}
         * (InfluxDB 1.x reads an unknown {@code us} as nanoseconds, silently: times land in 1970).
         */
        String v1Parameter() {
            return this == US ? "u" : parameter();
        }

        static Precision parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            for (Precision p : values()) {
                if (p.parameter().equals(t)) return p;
            }
            throw new IllegalArgumentException("precision must be one of ns, us, ms, s; got '" + text + "'");
        }

        /** The time since the epoch in this unit; sub-unit parts are truncated towards the past. */
        long since(Instant time) {
            long seconds = time.getEpochSecond();
            int nanos = time.getNano(); // always 0..999_999_999, also before 1970
            return switch (this) {
                case NS -> Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
                case US -> Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1_000);
                case MS -> Math.addExact(Math.multiplyExact(seconds, 1_000L), nanos / 1_000_000);
                case S -> seconds;
            };
        }
    }

    /** What became of one reading: a line to send, or the reason it cannot be written. */
    sealed interface Encoded permits Line, Refused {}

    /** One line, without the trailing newline. */
    record Line(String text) implements Encoded {}

    record Refused(String reason) implements Encoded {}

    private final String deviceTag;
    /** Whether the device tag's name has a char past U+D7FF: known once, not scanned at every line. */
    private final boolean deviceTagHigh;
    private final Precision precision;

    LineProtocol(String deviceTag, Precision precision) {
        if (deviceTag == null || deviceTag.isBlank()) throw new IllegalArgumentException("the device tag needs a name");
        this.deviceTag = deviceTag;
        this.deviceTagHigh = hasHighChar(deviceTag);
        this.precision = precision;
    }

    Precision precision() {
        return precision;
    }

    /** One reading's line as text, without the newline; for tests and single lines. */
    Encoded encode(Reading reading) {
        BodyBuffer out = new BodyBuffer(128);
        String problem = encode(reading, out);
        return problem != null ? new Refused(problem) : new Line(out.toString());
    }

    /**
     * Appends one reading's line (without the newline) to {@code out} as UTF-8; returns why it
     * cannot be written instead, with {@code out} left as it was, or {@code null}. Each name and
     * value is checked and escaped in one pass straight into the bytes (a replay writes millions).
     */
    String encode(Reading reading, BodyBuffer out) {
        String measurement = reading.measurement();
        if (measurement.startsWith("#")) {
            return "measurement '" + measurement + "' starts with '#', which makes a line-protocol comment";
        }
        if (reading.tags().containsKey(deviceTag)) {
            return "tag '" + deviceTag + "' clashes with the device tag; rename the tag or set device_tag";
        }
        int start = out.length();
        String problem = append(out, "measurement", measurement, MEASUREMENT);
        if (problem != null) return problem; // append left out as it was
        int tagsStart = out.length();
        // The maps are walked with forEach and one small writer: their iterators (through the
        // unmodifiable views) cost several objects per entry, millions of times in a replay.
        LineWriter writer = new LineWriter(out, reading);
        if (!deviceTagHigh) reading.tags().forEach(writer);
        if (writer.highKey || deviceTagHigh) {
            out.truncate(tagsStart);
            problem = appendTagsInUtf8Order(out, reading);
        } else {
            problem = writer.problem;
            if (problem == null && !writer.deviceDone) problem = appendTag(out, deviceTag, reading.device());
        }
        if (problem != null) {
            out.truncate(start);
            return problem;
        }
        writer.fields = true;
        reading.fields().forEach(writer);
        if (writer.problem != null) {
            out.truncate(start);
            return writer.problem;
        }
        long time;
        try {
            time = precision.since(reading.timestamp());
        } catch (ArithmeticException e) {
            out.truncate(start);
            return "timestamp " + reading.timestamp() + " does not fit in 64 bits at precision " + precision.parameter();
        }
        out.ascii(' ').decimal(time);
        return null;
    }

    /**
     * Writes the tags, then the fields, of one line as {@code forEach} hands them over. Tags come
     * in String order, which is their UTF-8 byte order (what InfluxDB recommends) as long as no key
     * has a char past U+D7FF; the device tag is written in its place among them. A key past U+D7FF
     * stops the writer ({@link #highKey}) and the tags are written again, sorted by their bytes.
     * Up to that key the order is the same either way, so a problem found before it is the first
     * one in byte order too.
     */
    private final class LineWriter implements BiConsumer<String, Object> {
        private final BodyBuffer out;
        private final Reading reading;
        /** Writing fields rather than tags. */
        boolean fields;
        boolean deviceDone;
        boolean highKey;
        String problem;
        private char separator = ' ';

        LineWriter(BodyBuffer out, Reading reading) {
            this.out = out;
            this.reading = reading;
        }

        @Override
        public void accept(String key, Object value) {
            if (problem != null) return;
            if (fields) {
                problem = append(out.ascii(separator), "field key", key, NAME);
                if (problem == null) appendValue(out.ascii('='), value);
                separator = ',';
                return;
            }
            if (highKey) return;
            if (hasHighChar(key)) {
                highKey = true;
                return;
            }
            if (!deviceDone && key.compareTo(deviceTag) > 0) {
                deviceDone = true;
                problem = appendTag(out, deviceTag, reading.device());
                if (problem != null) return;
            }
            problem = appendTag(out, key, (String) value);
        }
    }

    /** The tags, the device tag among them, sorted by their keys' UTF-8 bytes. */
    private String appendTagsInUtf8Order(BodyBuffer line, Reading reading) {
        List<Map.Entry<String, String>> tags = new ArrayList<>(reading.tags().size() + 1);
        tags.addAll(reading.tags().entrySet());
        tags.add(Map.entry(deviceTag, reading.device()));
        tags.sort((a, b) -> compareUtf8(a.getKey(), b.getKey()));
        for (Map.Entry<String, String> tag : tags) {
            String problem = appendTag(line, tag.getKey(), tag.getValue());
            if (problem != null) return problem;
        }
        return null;
    }

    private String appendTag(BodyBuffer line, String key, String value) {
        String problem = append(line.ascii(','), "tag key", key, NAME);
        if (problem == null) problem = append(line.ascii('='), value, NAME, key);
        return problem;
    }

    private static boolean hasHighChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= '\uD800') return true;
        }
        return false;
    }

    private static void appendValue(BodyBuffer line, Object value) {
        if (value instanceof Long l) {
            line.decimal(l.longValue()).ascii('i');
        } else if (value instanceof Double d) {
            // Double.toString's text (the shortest exact decimal; InfluxDB and QuestDB read its exponent form 1.0E21)
            line.decimal(d.doubleValue());
        } else if (value instanceof Boolean b) {
            line.utf8(b.booleanValue() ? "true" : "false");
        } else {
            line.ascii('"');
            appendString(line, (String) value);
            line.ascii('"');
        }
    }

    /** What a name or tag value escapes: measurement names only space and comma. */
    private static final int MEASUREMENT = 1;
    /** Tag keys, tag values and field keys escape space, comma and equals sign. */
    private static final int NAME = 2;

    private String append(BodyBuffer out, String what, String text, int kind) {
        return appendCached(out, text, kind, what, null);
    }

    private String append(BodyBuffer out, String text, int kind, String tagKey) {
        return appendCached(out, text, kind, null, tagKey);
    }

    /** Names escaped lately: a small direct-mapped table (a new name replaces whatever shared its slot). */
    private static final int CACHE_SLOTS = 512;
    /** Longer names are rarely repeated, and cost more to compare than to escape. */
    private static final int CACHE_MAX_CHARS = 64;
    private final Escaped[] escaped = new Escaped[CACHE_SLOTS];

    /** A name that was written without a problem, and its escaped UTF-8 bytes. Immutable: racing readers see all or nothing. */
    private record Escaped(String text, int kind, byte[] bytes) {
    }

    /**
     * {@link #appendName}, but a name seen lately is copied from its escaped bytes: a replay
     * writes the same few devices, measurements and keys millions of times.
     */
    private String appendCached(BodyBuffer out, String text, int kind, String what, String tagKey) {
        if (text.length() > CACHE_MAX_CHARS) return appendName(out, text, kind, what, tagKey);
        int slot = (text.hashCode() * 31 + kind) & (CACHE_SLOTS - 1);
        Escaped e = escaped[slot];
        if (e != null && e.kind() == kind && (e.text() == text || e.text().equals(text))) {
            out.bytes(e.bytes());
            return null;
        }
        int start = out.length();
        String problem = appendName(out, text, kind, what, tagKey);
        if (problem == null) escaped[slot] = new Escaped(text, kind, Arrays.copyOfRange(out.array(), start, out.length()));
        return problem;
    }

    /**
     * Appends a measurement, tag key, tag value or field key, backslash-escaping what needs it;
     * returns why it cannot be written unambiguously instead (a control character, or a backslash,
     * which servers read differently), or {@code null}. A char-by-char scan with plain comparisons:
     * under the gateway's C1-only JIT, {@code String.indexOf} per character cost most of a replay.
     */
    private static String appendName(BodyBuffer out, String text, int kind, String what, String tagKey) {
        int start = out.length();
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.truncate(start);
                return label(what, tagKey) + " '" + text.replaceAll("\\p{Cntrl}", "?") + "' contains a control character (such as a line break)";
            }
            if (c == '\\') {
                out.truncate(start);
                return label(what, tagKey) + " '" + text + "' contains a backslash, which servers read differently "
                        + "(InfluxDB 1.x keeps it, QuestDB and InfluxDB 3 take it as an escape)";
            }
            if (c == ' ' || c == ',' || (c == '=' && kind == NAME)) {
                out.utf8(text, plainFrom, i).ascii('\\');
                plainFrom = i;
            }
        }
        out.utf8(text, plainFrom, text.length());
        return null;
    }

    private static String label(String what, String tagKey) {
        return what != null ? what : "tag '" + tagKey + "' value";
    }

    /** A string field's value: double quotes and backslashes escaped (anything else is allowed). */
    private static void appendString(BodyBuffer out, String text) {
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.utf8(text, plainFrom, i).ascii('\\');
                plainFrom = i;
            }
        }
        out.utf8(text, plainFrom, text.length());
    }

    /** Orders strings by their UTF-8 bytes, which is code point order (String.compareTo is UTF-16 order). */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
