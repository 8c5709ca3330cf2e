package dev.hearth.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * One observation from one device: a measurement with tags and typed fields at a point in time.
 *
 * <p>Field values are {@link Long}, {@link Double}, {@link Boolean} or {@link String}; smaller
 * integer and float types are widened on construction, non-finite numbers are refused. Tags and
 * fields are kept sorted by key, so two equal readings encode identically and have the same
 * {@link #id()}.
 */
public record Reading(String device, String measurement, SortedMap<String, String> tags,
        SortedMap<String, Object> fields, Instant timestamp) {

    /**
     * One digest and one input buffer per thread, reused: {@code MessageDigest.getInstance} looks
     * the provider up on every call, which profiling showed as most of a sink's cost per reading;
     * and the digest's input is written straight into bytes (see {@link IdInput}).
     */
    private static final ThreadLocal<IdInput> ID_INPUT = ThreadLocal.withInitial(IdInput::new);

    /** Longest device id, measurement, tag key or field key. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Longest tag value. */
    public static final int MAX_TAG_VALUE_LENGTH = 1024;
    /** Longest string field value. */
    public static final int MAX_STRING_LENGTH = 16 * 1024;
    /** Most tags, and most fields, one reading may carry. */
    public static final int MAX_ENTRIES = 128;

    public Reading {
        checkName("device", device);
        checkName("measurement", measurement);
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(fields, "fields");
        if (tags.size() > MAX_ENTRIES || fields.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " tags or fields");
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a reading needs at least one field");
        }
        tags = SortedArrayMap.copyOf(tags, TAG_CHECK);
        fields = SortedArrayMap.copyOf(fields, FIELD_CHECK);
    }

    /** One instance each: a map made by the same check is another reading's, already checked (SortedArrayMap.copyOf). */
    private static final BiFunction<String, Object, String> TAG_CHECK = Reading::checkTag;
    private static final BiFunction<String, Object, Object> FIELD_CHECK = Reading::checkField;

    /**
     * A reading from tags and fields given as arrays in strictly ascending key order ({@link
     * String#compareTo}), as a decoder of stored readings has them: the same checks and the same
     * reading as the constructor with maps of those entries, without building the maps first. The
     * arrays are copied. A key out of order or repeated is an {@link IllegalArgumentException}.
     *
     * @since 1.3
     */
    public static Reading ofSorted(String device, String measurement, String[] tagKeys, String[] tagValues,
            String[] fieldKeys, Object[] fieldValues, Instant timestamp) {
        return new Reading(device, measurement, SortedArrayMap.ofSorted(tagKeys, tagValues, TAG_CHECK),
                SortedArrayMap.ofSorted(fieldKeys, fieldValues, FIELD_CHECK), timestamp);
    }

    private static String checkTag(String key, Object value) {
        checkName("tag key", key);
        if (!(value instanceof String v) || v.isEmpty() || v.length() > MAX_TAG_VALUE_LENGTH) {
            throw new IllegalArgumentException("tag '" + key + "' needs a value of 1.." + MAX_TAG_VALUE_LENGTH + " characters");
        }
        return v;
    }

    private static Object checkField(String key, Object value) {
        checkName("field key", key);
        return normalise(key, value);
    }

    /** Starts a reading of {@code measurement} from {@code device}. */
    public static Builder of(String device, String measurement) {
        return new Builder(device, measurement);
    }

    /** A numeric field as a double, or {@code null} if absent or not numeric. */
    public Double number(String field) {
        return fields.get(field) instanceof Number n ? n.doubleValue() : null;
    }

    /**
     * A stable identifier derived from every part of the reading (128 bits of SHA-256, hex).
     * A replayed reading has the same id, so stores can use it to drop duplicates.
     */
    public String id() {
        // The digest's input, as UTF-8: device NUL measurement 0x01, each tag key NUL value NUL,
        // 0x01, each field key NUL type-code value NUL, 0x01, epoch-second '.' nano. Values are
        // written as String.valueOf writes them. Fixed for good: stores deduplicate by it.
        IdInput in = ID_INPUT.get();
        in.reset();
        in.text(device).put(0).text(measurement).put(1);
        tags.forEach((k, v) -> in.text(k).put(0).text(v).put(0));
        in.put(1);
        fields.forEach((k, v) -> {
            in.text(k).put(0).put(typeCode(v));
            if (v instanceof Long l) in.decimal(l);
            else in.text(String.valueOf(v));
            in.put(0);
        });
        in.put(1).decimal(timestamp.getEpochSecond()).put('.').decimal(timestamp.getNano());
        return HexFormat.of().formatHex(in.digest(), 0, 16);
    }

    /**
     * The bytes {@link #id()} digests, written into one reused array rather than through a
     * StringBuilder, a String and {@code getBytes}, which were a third of the id's cost on the
     * gateway's C1-only JIT (SHA-256 itself is the rest). UTF-8 exactly as {@code getBytes(UTF_8)}
     * writes it (held to it by ReadingTest): ASCII byte for byte, anything else through the JDK.
     */
    private static final class IdInput {
        /** Buffers grown past this by a long string are not kept for the thread. */
        private static final int KEEP = 4096;
        private final MessageDigest sha;
        private byte[] buf = new byte[256];
        private int len;

        IdInput() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }

        void reset() {
            if (buf.length > KEEP) buf = new byte[256];
            len = 0;
        }

        private void room(int n) {
            if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }

        IdInput put(int b) {
            room(1);
            buf[len++] = (byte) b;
            return this;
        }

        IdInput text(String s) {
            int n = s.length();
            room(n);
            int start = len;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    len = start; // not ASCII: the JDK's encoder, with its replacement of a lone surrogate
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    room(utf8.length);
                    System.arraycopy(utf8, 0, buf, len, utf8.length);
                    len += utf8.length;
                    return this;
                }
                buf[len++] = (byte) c;
            }
            return this;
        }

        /** A long's decimal digits, as Long.toString writes them. */
        IdInput decimal(long v) {
            if (v == Long.MIN_VALUE) return text(Long.toString(v)); // no positive counterpart to negate
            room(20);
            if (v < 0) {
                buf[len++] = '-';
                v = -v;
            }
            int digits = 1;
            for (long p = 10; digits < 19 && v >= p; p *= 10) digits++;
            for (int i = len + digits - 1; i >= len; i--) {
                buf[i] = (byte) ('0' + v % 10);
                v /= 10;
            }
            len += digits;
            return this;
        }

        byte[] digest() {
            sha.update(buf, 0, len);
            return sha.digest();
        }
    }

    /** One character naming a field value's type: {@code i} long, {@code f} double, {@code b} boolean, {@code s} string. */
    public static char typeCode(Object value) {
        if (value instanceof Long) return 'i';
        if (value instanceof Double) return 'f';
        if (value instanceof Boolean) return 'b';
        return 's';
    }

    private static Object normalise(String key, Object v) {
        if (v instanceof Long || v instanceof Boolean) return v;
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Double d) {
            if (!Double.isFinite(d)) throw new IllegalArgumentException("field '" + key + "' is not a finite number: " + d);
            return d;
        }
        if (v instanceof Float fl) {
            if (!Float.isFinite(fl)) throw new IllegalArgumentException("field '" + key + "' is not a finite number: " + fl);
            return Double.parseDouble(Float.toString(fl)); // keep the decimal the float printed as
        }
        if (v instanceof String s) {
            if (s.length() > MAX_STRING_LENGTH) {
                throw new IllegalArgumentException("field '" + key + "' is longer than " + MAX_STRING_LENGTH + " characters");
            }
            return s;
        }
        throw new IllegalArgumentException("field '" + key + "' has unsupported type "
                + (v == null ? "null" : v.getClass().getName()));
    }

    private static void checkName(String what, String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException(what + " is empty");
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_NAME_LENGTH + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException(what + " '" + name.replaceAll("\\p{Cntrl}", "?") + "' contains a control character");
            }
        }
    }

    /** Builds a {@link Reading}; the timestamp defaults to now. */
    public static final class Builder {
        private final String device;
        private final String measurement;
        private final TreeMap<String, String> tags = new TreeMap<>();
        private final TreeMap<String, Object> fields = new TreeMap<>();
        private Instant timestamp;

        private Builder(String device, String measurement) {
            this.device = device;
            this.measurement = measurement;
        }

        public Builder tag(String key, String value) { tags.put(key, value); return this; }
        public Builder tags(Map<String, String> all) { tags.putAll(all); return this; }
        public Builder field(String key, double value) { fields.put(key, value); return this; }
        public Builder field(String key, long value) { fields.put(key, value); return this; }
        public Builder field(String key, boolean value) { fields.put(key, value); return this; }
        public Builder field(String key, String value) { fields.put(key, value); return this; }
        public Builder fields(Map<String, ?> all) { fields.putAll(all); return this; }
        public Builder at(Instant time) { timestamp = time; return this; }

        public Reading build() {
            return new Reading(device, measurement, tags, fields, timestamp == null ? Instant.now() : timestamp);
        }
    }
}
