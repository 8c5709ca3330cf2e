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
     * One digest per thread, reused: {@code MessageDigest.getInstance} looks the provider up on
     * every call, which profiling showed as most of a sink's cost per reading. digest() resets it.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    });

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
        MessageDigest sha = SHA_256.get();
        StringBuilder s = new StringBuilder(128).append(device).append('\0').append(measurement).append('\1');
        tags.forEach((k, v) -> s.append(k).append('\0').append(v).append('\0'));
        s.append('\1');
        fields.forEach((k, v) -> s.append(k).append('\0').append(typeCode(v)).append(v).append('\0'));
        s.append('\1').append(timestamp.getEpochSecond()).append('.').append(timestamp.getNano());
        byte[] digest = sha.digest(s.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
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
