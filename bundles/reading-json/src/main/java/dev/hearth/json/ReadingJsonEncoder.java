package dev.hearth.json;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;

import dev.hearth.api.Reading;

/**
 * Writes the JSON of {@link ReadingJson} straight to UTF-8 bytes (Gson's escaping, {@link
 * Double#toString}, {@link Instant#toString}), with reused buffers: the MQTT sink profiled the
 * Gson writer (over a synchronized StringWriter, char by char) as most of its CPU per reading.
 * ReadingJsonEncoderTest holds it to a Gson-written reference on ordinary and hostile readings.
 *
 * <p>Not thread-safe: one per thread (the buffers are reused).
 */
public final class ReadingJsonEncoder {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Instants in years 0000-9999 print as yyyy-MM-ddTHH:mm:ss; others take Instant.toString(). */
    private static final long MIN_SECOND = -62_167_219_200L;
    private static final long MAX_SECOND = 253_402_300_799L;

    private final Bytes out = new Bytes(512);
    private long cachedDay = Long.MIN_VALUE;
    private final byte[] cachedDate = new byte[10];

    public ReadingJsonEncoder() {
    }

    /** The JSON payload of {@code r}. */
    public byte[] encode(Reading r) {
        out.reset();
        out.ascii("{\"id\":\"");
        out.ascii(r.id());
        out.ascii("\",\"device\":");
        string(r.device());
        out.ascii(",\"measurement\":");
        string(r.measurement());
        out.ascii(",\"time\":\"");
        time(r.timestamp());
        out.ascii("\",");
        tagsAndFields(r);
        return out.toArray();
    }

    /**
     * A reading as a document for a store that keeps the id apart (Elasticsearch's {@code _id}):
     * {@code {"<timestampKey>":"<ISO-8601>","device":…,"measurement":…,"tags":{…},"fields":{…}}},
     * with the same strings, numbers and time as {@link #encode}.
     *
     * @since 1.2
     */
    public byte[] encodeDocument(Reading r, String timestampKey) {
        document(r, timestampKey);
        return out.toArray();
    }

    /**
     * As {@link #encodeDocument(Reading, String)}, appended to {@code to} instead of returned in an
     * array of its own: a sink writing a request body of thousands of documents then makes no
     * garbage per document. Nothing is appended if the reading cannot be encoded.
     *
     * @since 1.3
     */
    public void encodeDocument(Reading r, String timestampKey, ByteArrayOutputStream to) {
        document(r, timestampKey);
        to.write(out.buf, 0, out.len);
    }

    private void document(Reading r, String timestampKey) {
        out.reset();
        out.put('{');
        string(timestampKey);
        out.ascii(":\"");
        time(r.timestamp());
        out.ascii("\",\"device\":");
        string(r.device());
        out.ascii(",\"measurement\":");
        string(r.measurement());
        out.put(',');
        tagsAndFields(r);
    }

    /** {@code "tags":{…},"fields":{…}}} : the object's last two members and its end. */
    private void tagsAndFields(Reading r) {
        out.ascii("\"tags\":{");
        boolean first = true;
        for (Map.Entry<String, String> t : r.tags().entrySet()) {
            if (!first) out.put(',');
            first = false;
            string(t.getKey());
            out.put(':');
            string(t.getValue());
        }
        out.ascii("},\"fields\":{");
        first = true;
        for (Map.Entry<String, Object> f : r.fields().entrySet()) {
            if (!first) out.put(',');
            first = false;
            string(f.getKey());
            out.put(':');
            Object v = f.getValue();
            if (v instanceof String s) string(s);
            else out.ascii(v.toString()); // Long, Double (Double.toString, as Gson), Boolean
        }
        out.ascii("}}");
    }

    /** {@link Instant#toString()} (ISO_INSTANT): seconds always, then 3, 6 or 9 fraction digits as needed. */
    private void time(Instant t) {
        long second = t.getEpochSecond();
        if (second < MIN_SECOND || second > MAX_SECOND) {
            out.ascii(t.toString());
            return;
        }
        long day = Math.floorDiv(second, 86_400L);
        int inDay = (int) Math.floorMod(second, 86_400L);
        if (day != cachedDay) {
            LocalDate d = LocalDate.ofEpochDay(day);
            digits(cachedDate, 0, d.getYear(), 4);
            cachedDate[4] = '-';
            digits(cachedDate, 5, d.getMonthValue(), 2);
            cachedDate[7] = '-';
            digits(cachedDate, 8, d.getDayOfMonth(), 2);
            cachedDay = day;
        }
        out.put(cachedDate, 0, 10);
        out.put('T');
        out.digits(inDay / 3600, 2).put(':').digits(inDay / 60 % 60, 2).put(':').digits(inDay % 60, 2);
        int nano = t.getNano();
        if (nano > 0) {
            out.put('.');
            if (nano % 1_000_000 == 0) out.digits(nano / 1_000_000, 3);
            else if (nano % 1000 == 0) out.digits(nano / 1000, 6);
            else out.digits(nano, 9);
        }
        out.put('Z');
    }

    private static void digits(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    /** A JSON string as Gson writes it (HTML-safe off): quotes, backslash, controls, U+2028 and U+2029 escaped. */
    private void string(String s) {
        out.put('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                nonAscii(s, i);
                out.put('"');
                return;
            }
            escapeAscii(c);
        }
        out.put('"');
    }

    private void escapeAscii(char c) {
        switch (c) {
            case '"' -> out.ascii("\\\"");
            case '\\' -> out.ascii("\\\\");
            case '\t' -> out.ascii("\\t");
            case '\b' -> out.ascii("\\b");
            case '\n' -> out.ascii("\\n");
            case '\r' -> out.ascii("\\r");
            case '\f' -> out.ascii("\\f");
            default -> {
                if (c < 0x20) out.ascii("\\u00").put(HEX[c >> 4]).put(HEX[c & 0xf]);
                else out.put(c);
            }
        }
    }

    /** The rest of {@code s} from {@code from}, which is not ASCII: escaped, then encoded as String.getBytes would. */
    private void nonAscii(String s, int from) {
        StringBuilder rest = new StringBuilder(s.length() - from + 16);
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u2028') rest.append("\\u2028");
            else if (c == '\u2029') rest.append("\\u2029");
            else if (c < 0x80) {
                switch (c) {
                    case '"' -> rest.append("\\\"");
                    case '\\' -> rest.append("\\\\");
                    case '\t' -> rest.append("\\t");
                    case '\b' -> rest.append("\\b");
                    case '\n' -> rest.append("\\n");
                    case '\r' -> rest.append("\\r");
                    case '\f' -> rest.append("\\f");
                    default -> {
                        if (c < 0x20) rest.append("\\u00").append((char) HEX[c >> 4]).append((char) HEX[c & 0xf]);
                        else rest.append(c);
                    }
                }
            } else rest.append(c);
        }
        byte[] b = rest.toString().getBytes(StandardCharsets.UTF_8);
        out.put(b, 0, b.length);
    }

    /** A growable byte buffer. */
    private static final class Bytes {
        byte[] buf;
        int len;

        Bytes(int capacity) {
            buf = new byte[capacity];
        }

        void reset() {
            len = 0;
        }

        private void room(int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }

        Bytes put(char c) {
            room(1);
            buf[len++] = (byte) c;
            return this;
        }

        Bytes put(byte b) {
            room(1);
            buf[len++] = b;
            return this;
        }

        Bytes put(byte[] b, int off, int n) {
            room(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
            return this;
        }

        /** Text known to be ASCII. */
        @SuppressWarnings("deprecation") // its lossy narrowing is exact on ASCII, and it copies in bulk
        Bytes ascii(String s) {
            int n = s.length();
            room(n);
            s.getBytes(0, n, buf, len);
            len += n;
            return this;
        }

        /** Text as String.getBytes(UTF_8) encodes it (unpaired surrogates become '?'). */
        Bytes utf8(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return put(b, 0, b.length);
        }

        Bytes digits(int value, int width) {
            room(width);
            ReadingJsonEncoder.digits(buf, len, value, width);
            len += width;
            return this;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, len);
        }
    }
}
