package dev.hearth.sink.influxdb.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    private final Precision precision;

    LineProtocol(String deviceTag, Precision precision) {
        if (deviceTag == null || deviceTag.isBlank()) throw new IllegalArgumentException("the device tag needs a name");
        this.deviceTag = deviceTag;
        this.precision = precision;
    }

    Precision precision() {
        return precision;
    }

    Encoded encode(Reading reading) {
        String measurement = reading.measurement();
        if (measurement.startsWith("#")) {
            return new Refused("measurement '" + measurement + "' starts with '#', which makes a line-protocol comment");
        }
        if (reading.tags().containsKey(deviceTag)) {
            return new Refused("tag '" + deviceTag + "' clashes with the device tag; rename the tag or set device_tag");
        }
        // One pass per name or value: checked and escaped together (a replay writes millions of lines).
        StringBuilder line = new StringBuilder(64 + 32 * (reading.tags().size() + 1 + reading.fields().size()));
        String problem = append(line, "measurement", measurement, MEASUREMENT);
        if (problem != null) return new Refused(problem);
        problem = appendTags(line, reading);
        if (problem != null) return new Refused(problem);
        char separator = ' ';
        for (Map.Entry<String, Object> field : reading.fields().entrySet()) {
            problem = append(line.append(separator), "field key", field.getKey(), NAME);
            if (problem != null) return new Refused(problem);
            appendValue(line.append('='), field.getValue());
            separator = ',';
        }
        long time;
        try {
            time = precision.since(reading.timestamp());
        } catch (ArithmeticException e) {
            return new Refused("timestamp " + reading.timestamp() + " does not fit in 64 bits at precision " + precision.parameter());
        }
        return new Line(line.append(' ').append(time).toString());
    }

    /**
     * The tags, the device tag among them, in the order of their keys' UTF-8 bytes (what InfluxDB
     * recommends). A reading's tags are sorted by String order, which is the same as long as no key
     * has a character past U+D7FF; only then are they sorted again.
     */
    private String appendTags(StringBuilder line, Reading reading) {
        boolean simple = !hasHighChar(deviceTag);
        for (String key : reading.tags().keySet()) {
            if (hasHighChar(key)) {
                simple = false;
                break;
            }
        }
        if (!simple) {
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
        boolean deviceDone = false;
        for (Map.Entry<String, String> tag : reading.tags().entrySet()) {
            if (!deviceDone && tag.getKey().compareTo(deviceTag) > 0) {
                String problem = appendTag(line, deviceTag, reading.device());
                if (problem != null) return problem;
                deviceDone = true;
            }
            String problem = appendTag(line, tag.getKey(), tag.getValue());
            if (problem != null) return problem;
        }
        return deviceDone ? null : appendTag(line, deviceTag, reading.device());
    }

    private static String appendTag(StringBuilder line, String key, String value) {
        String problem = append(line.append(','), "tag key", key, NAME);
        if (problem == null) problem = append(line.append('='), value, NAME, key);
        return problem;
    }

    private static boolean hasHighChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= '\uD800') return true;
        }
        return false;
    }

    private static void appendValue(StringBuilder line, Object value) {
        if (value instanceof Long l) {
            line.append(l.longValue()).append('i');
        } else if (value instanceof Double d) {
            // Double.toString is the shortest exact decimal; InfluxDB and QuestDB read its exponent form (1.0E21).
            line.append(d.doubleValue());
        } else if (value instanceof Boolean b) {
            line.append(b.booleanValue());
        } else {
            line.append('"');
            appendString(line, (String) value);
            line.append('"');
        }
    }

    /** What a name or tag value escapes: measurement names only space and comma. */
    private static final int MEASUREMENT = 1;
    /** Tag keys, tag values and field keys escape space, comma and equals sign. */
    private static final int NAME = 2;

    private static String append(StringBuilder out, String what, String text, int kind) {
        return appendName(out, text, kind, what, null);
    }

    private static String append(StringBuilder out, String text, int kind, String tagKey) {
        return appendName(out, text, kind, null, tagKey);
    }

    /**
     * Appends a measurement, tag key, tag value or field key, backslash-escaping what needs it;
     * returns why it cannot be written unambiguously instead (a control character, or a backslash,
     * which servers read differently), or {@code null}. A char-by-char scan with plain comparisons:
     * under the gateway's C1-only JIT, {@code String.indexOf} per character cost most of a replay.
     */
    private static String appendName(StringBuilder out, String text, int kind, String what, String tagKey) {
        int start = out.length();
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                out.setLength(start);
                return label(what, tagKey) + " '" + text.replaceAll("\\p{Cntrl}", "?") + "' contains a control character (such as a line break)";
            }
            if (c == '\\') {
                out.setLength(start);
                return label(what, tagKey) + " '" + text + "' contains a backslash, which servers read differently "
                        + "(InfluxDB 1.x keeps it, QuestDB and InfluxDB 3 take it as an escape)";
            }
            if (c == ' ' || c == ',' || (c == '=' && kind == NAME)) {
                out.append(text, plainFrom, i).append('\\');
                plainFrom = i;
            }
        }
        out.append(text, plainFrom, text.length());
        return null;
    }

    private static String label(String what, String tagKey) {
        return what != null ? what : "tag '" + tagKey + "' value";
    }

    /** A string field's value: double quotes and backslashes escaped (anything else is allowed). */
    private static void appendString(StringBuilder out, String text) {
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append(text, plainFrom, i).append('\\');
                plainFrom = i;
            }
        }
        out.append(text, plainFrom, text.length());
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
