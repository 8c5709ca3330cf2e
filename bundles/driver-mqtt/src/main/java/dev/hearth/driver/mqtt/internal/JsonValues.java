package dev.hearth.driver.mqtt.internal;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import dev.hearth.api.Reading;

/** The JSON rules both mappers share: strict parsing, typed numbers, flattening, timestamps, device names. No OSGi. */
final class JsonValues {

    /** Nested objects deeper than this are not flattened (a deep tree is not a sensor value). */
    static final int MAX_DEPTH = 3;

    /** A string holding an epoch time: digits, optionally a fraction. */
    private static final Pattern EPOCH_TEXT = Pattern.compile("-?\\d+(\\.\\d+)?");

    private JsonValues() {
    }

    /** A payload that is not strict UTF-8 JSON. */
    static final class NotJson extends Exception {
        private static final long serialVersionUID = 1L;

        NotJson(String message) {
            super(message, null, false, false);
        }
    }

    /** A timestamp that is none of the accepted forms. */
    static final class BadTime extends Exception {
        private static final long serialVersionUID = 1L;

        BadTime(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses strictly: invalid UTF-8, trailing garbage, single quotes, unquoted names, NaN and
     * bare words (Gson's lenient mode would read {@code online} as a string) are all refused.
     */
    static JsonElement parse(byte[] payload) throws NotJson {
        String text;
        if (isAscii(payload)) {
            // nearly every sensor payload: ASCII is valid UTF-8 and decodes byte for byte, without a decoder
            // (which was a tenth of the MQTT input's parse time)
            text = new String(payload, StandardCharsets.ISO_8859_1);
        } else {
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
            } catch (CharacterCodingException e) {
                throw new NotJson("not UTF-8");
            }
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) throw new NotJson("text after the JSON value");
            return element;
        } catch (JsonParseException | IOException | IllegalStateException e) {
            throw new NotJson(describe(e));
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) return false;
        }
        return true;
    }

    /** Gson's message without its class names and advice: "malformed JSON at line 1 column 7". */
    private static String describe(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int see = m.indexOf("\nSee ");
        if (see > 0) m = m.substring(0, see);
        int at = m.indexOf(" at line ");
        if (at < 0) return "malformed JSON: " + abbreviate(m, 120);
        int path = m.indexOf(" path ", at);
        return "malformed JSON" + m.substring(at, path > 0 ? path : m.length());
    }

    /** What a JSON primitive is; with its literal text, all the rules below need (so the tree and streaming readers share them). */
    enum Kind {
        STRING, NUMBER, BOOLEAN;

        static Kind of(JsonPrimitive p) {
            return p.isBoolean() ? BOOLEAN : p.isNumber() ? NUMBER : STRING;
        }
    }

    /** {@link #number(String)} of a tree value. */
    static Object number(JsonPrimitive p) {
        return number(p.getAsString());
    }

    /**
     * A JSON number literal as the field type it reads as: an integer literal is a {@link Long},
     * anything with a fraction or exponent a {@link Double} (so {@code 3000} stays integral and
     * {@code 21.0} stays a double, and the type of a field does not change with its value's
     * digits). An integer beyond the long range becomes a double; a number beyond the double range
     * is {@code null}. {@code literal} is the number's JSON text, as Gson's reader gives it.
     */
    static Object number(String literal) {
        boolean integral = literal.indexOf('.') < 0 && literal.indexOf('e') < 0 && literal.indexOf('E') < 0;
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooBig) {
                // falls through to a double
            }
        }
        // JSON's number grammar is a subset of Double.parseDouble's, which rounds correctly (as BigDecimal would)
        double d = Double.parseDouble(literal);
        return Double.isFinite(d) ? d : null;
    }

    /**
     * Calls {@code sink} with every primitive under {@code object}, nested objects flattened with
     * {@code _} ({@code {"color":{"x":0.3}}} gives {@code color_x}) down to {@link #MAX_DEPTH}
     * levels. Arrays and nulls are skipped: an array has no single value to record.
     */
    static void flatten(JsonObject object, BiConsumer<String, JsonPrimitive> sink) {
        flatten(object, "", 1, sink);
    }

    private static void flatten(JsonObject object, String prefix, int depth, BiConsumer<String, JsonPrimitive> sink) {
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            String name = prefix + e.getKey();
            JsonElement v = e.getValue();
            if (v.isJsonPrimitive()) sink.accept(name, v.getAsJsonPrimitive());
            else if (v.isJsonObject() && depth < MAX_DEPTH) flatten(v.getAsJsonObject(), name + "_", depth + 1, sink);
        }
    }

    /**
     * A timestamp from a JSON value. A number (or a string of digits) is an epoch time whose unit
     * follows from its magnitude: below 10^11 seconds (fractions kept; 10^11 s is the year 5138),
     * below 10^14 milliseconds (10^11 ms is March 1973, so no real clock is mistaken), below 10^17
     * microseconds, else nanoseconds. A string is ISO-8601 with a zone: {@code 2026-01-01T12:00:00Z}
     * or {@code …+01:00}; a local time without an offset is refused, since guessing a zone would
     * shift readings by hours.
     */
    static Instant time(JsonElement value) throws BadTime {
        if (value == null || value.isJsonNull()) throw new BadTime("null");
        if (!value.isJsonPrimitive()) throw new BadTime("not a number or string: " + value);
        JsonPrimitive p = value.getAsJsonPrimitive();
        return time(Kind.of(p), p.getAsString());
    }

    /** {@link #time(JsonElement)} of a primitive given as its kind and literal text (a string's value, a number's digits). */
    static Instant time(Kind kind, String literal) throws BadTime {
        if (kind == Kind.BOOLEAN) throw new BadTime("not a number or string: " + literal);
        String text = literal.trim();
        if (kind == Kind.NUMBER || EPOCH_TEXT.matcher(text).matches()) {
            Instant whole = epochOfInteger(text);
            return whole != null ? whole : epoch(new BigDecimal(text));
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadTime("'" + abbreviate(text, 40) + "' is not epoch s/ms or ISO-8601 with an offset");
        }
    }

    /**
     * {@link #epoch} for an integer literal of at most 17 digits, the common case (epoch
     * milliseconds), with long arithmetic: the same units by magnitude, without BigDecimal's
     * cost. {@code null} for anything else.
     */
    private static Instant epochOfInteger(String text) {
        int digits = text.length() - (text.startsWith("-") ? 1 : 0);
        if (digits < 1 || digits > 17) return null;
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException notInteger) {
            return null;
        }
        long abs = Math.abs(v);
        if (abs < 100_000_000_000L) return Instant.ofEpochSecond(v);
        if (abs < 100_000_000_000_000L) return Instant.ofEpochMilli(v);
        return Instant.ofEpochSecond(v / 1_000_000L, (v % 1_000_000L) * 1_000L); // microseconds (below 10^17)
    }

    static Instant epoch(BigDecimal v) throws BadTime {
        BigDecimal abs = v.abs();
        BigDecimal nanos;
        if (abs.compareTo(BigDecimal.valueOf(100_000_000_000L)) < 0) nanos = v.movePointRight(9);
        else if (abs.compareTo(BigDecimal.valueOf(100_000_000_000_000L)) < 0) nanos = v.movePointRight(6);
        else if (abs.compareTo(BigDecimal.valueOf(100_000_000_000_000_000L)) < 0) nanos = v.movePointRight(3);
        else nanos = v;
        try {
            // Instant takes a negative nanosecond adjustment, so truncating division is fine before 1970 too
            BigInteger[] split = nanos.toBigInteger().divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
            return Instant.ofEpochSecond(split[0].longValueExact(), split[1].longValueExact());
        } catch (ArithmeticException | DateTimeException e) {
            throw new BadTime(v.toPlainString() + " is out of range");
        }
    }

    /**
     * A device id from a name such as a Zigbee2MQTT friendly name or a topic level: every character
     * other than letters, digits, {@code . _ -} becomes {@code _} ({@code Living room/Plug} →
     * {@code Living_room_Plug}), so ids are safe in topics, file names and Prometheus labels.
     * {@code null} if nothing is left.
     */
    static String deviceId(String name) {
        if (name == null) return null;
        String trimmed = name.strip();
        if (trimmed.isEmpty()) return null;
        StringBuilder s = new StringBuilder(trimmed.length());
        for (int i = 0; i < trimmed.length() && s.length() < Reading.MAX_NAME_LENGTH; i++) {
            char c = trimmed.charAt(i);
            boolean safe = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
            s.append(safe ? c : '_');
        }
        return s.toString();
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
