package dev.hearth.sink.elasticsearch.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

import com.google.gson.stream.JsonWriter;

import dev.hearth.api.Reading;
import dev.hearth.json.ReadingJsonEncoder;

/**
 * The NDJSON body of {@code _bulk} requests: an action line and a document line per reading. No
 * OSGi and no client in here. A reading's document:
 * <pre>{"@timestamp":"2026-03-04T05:06:07.123Z","device":"pit-1","measurement":"temperature",
 *  "tags":{"probe":"1"},"fields":{"celsius":104.5,"ok":true}}</pre>
 * Field values keep their JSON type (a long is an integer, a double always has a fraction or an
 * exponent), so the index template's dynamic templates map them to long, double, boolean or keyword.
 *
 * <p>The action line is written with Gson's streaming writer, the document by reading-json's
 * {@link ReadingJsonEncoder}; both replaced the Elasticsearch Java client's bulk API: on a replay of 200,000 readings (bench/sink_replay.py elasticsearch) that client's
 * per-operation serialization (a JSON-P generator for every action and every document) and its
 * typed parsing of every response item were most of the sink's CPU, and the sink reached 16-38%
 * of the rate curl reached with the same documents.
 */
public final class BulkBody {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

    private BulkBody() {
    }

    /** The daily index for a reading: {@code <prefix>-yyyy.MM.dd} of its UTC timestamp, so a replay lands where the original did. */
    public static String dailyIndex(String prefix, Instant timestamp) {
        return prefix + "-" + DAY.format(timestamp);
    }

    /**
     * The action line up to the id's value, {@code {"index":{"_index":"…","_id":"}, as UTF-8:
     * the same for every reading of one index (a day's), so a caller makes it once per index.
     */
    public static byte[] actionHead(String index, boolean create) {
        StringBuilder out = new StringBuilder(64);
        try {
            JsonWriter action = new JsonWriter(new StringBuilderWriter(out));
            action.beginObject().name(create ? "create" : "index").beginObject()
                    .name("_index").value(index).name("_id").value(ID_MARK).endObject().endObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        String line = out.toString();
        return line.substring(0, line.lastIndexOf(ID_MARK)).getBytes(StandardCharsets.UTF_8);
    }

    /** Stands for the id while Gson writes an action head: letters only, so written as it is. */
    private static final String ID_MARK = "IDMARK";

    /**
     * Appends the two lines for one reading, UTF-8, each ending in a newline, to {@code body}:
     * {@code {"index":{"_index":…,"_id":…}}} (or {@code create}, which data streams require; the
     * part before the id is {@code actionHead}), then the document. {@code id} is a reading id
     * (hex): it needs no JSON escaping, which is checked. If the reading cannot be encoded, nothing
     * is appended (the exception says why).
     */
    public static void append(Body body, byte[] actionHead, String id, Reading reading) {
        int idLength = id.length();
        for (int i = 0; i < idLength; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                throw new IllegalArgumentException("not a reading id: " + id);
            }
        }
        int mark = body.size();
        try {
            body.write(actionHead, 0, actionHead.length);
            body.ascii(id);
            body.write(ACTION_END, 0, ACTION_END.length);
            DOCUMENTS.get().encodeDocument(reading, TIMESTAMP, body);
            body.write('\n');
        } catch (RuntimeException | Error e) {
            body.cut(mark);
            throw e;
        }
    }

    /** What follows the id: the end of the action line. */
    private static final byte[] ACTION_END = "\"}}\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * A request body being written: the lines of a whole batch in one array, sent from it in place
     * (a chunk of it per request), instead of an array per reading joined into another per request,
     * which a replay made 5,000 times a batch and the garbage collector then copied and promoted.
     * Written by one thread at a time, so without ByteArrayOutputStream's locking.
     */
    public static final class Body extends ByteArrayOutputStream {

        public Body(int capacity) {
            super(capacity);
        }

        @Override
        public void write(int b) {
            room(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            room(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        @Override
        public int size() {
            return count;
        }

        /** Text known to be ASCII (a reading id), byte for byte. */
        void ascii(String s) {
            int n = s.length();
            room(n);
            for (int i = 0; i < n; i++) buf[count++] = (byte) s.charAt(i);
        }

        private void room(int n) {
            if (n > buf.length - count) {
                if (count + (long) n > Integer.MAX_VALUE - 8) throw new OutOfMemoryError("a _bulk body over 2 GB");
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * buf.length, (long) count + n)));
            }
        }

        /** The bytes written so far are {@code array()[0..size())}; valid until the next write. */
        public byte[] array() {
            return buf;
        }

        /** Forgets what was written after the first {@code size} bytes. */
        void cut(int size) {
            count = size;
        }
    }

    /** The document's time key; its value is ISO-8601 UTC (Instant.toString), of which ES keeps milliseconds. */
    static final String TIMESTAMP = "@timestamp";
    /**
     * The document writer: the reading-json bundle's encoder, the one writer of a reading's JSON
     * (straight to UTF-8 bytes; it replaced Gson's writer here, which was a third of the sink's
     * CPU per reading). One per thread: the core's prefetch thread encodes a batch ahead
     * ({@code ReadingSink.prepare}) while the sink's thread may encode another.
     */
    private static final ThreadLocal<ReadingJsonEncoder> DOCUMENTS = ThreadLocal.withInitial(ReadingJsonEncoder::new);

    /** A Writer onto a StringBuilder, unsynchronised (java.io.StringWriter locks a StringBuffer per call). */
    private static final class StringBuilderWriter extends java.io.Writer {
        private final StringBuilder out;

        StringBuilderWriter(StringBuilder out) {
            this.out = out;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            out.append(chars, offset, length);
        }

        @Override
        public void write(String s, int offset, int length) {
            out.append(s, offset, offset + length);
        }

        @Override
        public void write(int c) {
            out.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
