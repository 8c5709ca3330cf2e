package dev.hearth.sink.elasticsearch.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import com.google.gson.stream.JsonWriter;

import dev.hearth.api.Reading;

/**
 * The NDJSON body of {@code _bulk} requests: an action line and a document line per reading. No
 * OSGi and no client in here.
 *
 * <p>Written with Gson's streaming writer instead of through the Elasticsearch Java client's bulk
 * API: on a replay of 200,000 readings (bench/sink_replay.py elasticsearch) that client's
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
     * The two lines for one reading, UTF-8, each ending in a newline:
     * {@code {"index":{"_index":…,"_id":…}}} (or {@code create}, which data streams require), then
     * the document.
     */
    public static byte[] lines(String index, String id, Reading reading, boolean create) {
        StringBuilder out = new StringBuilder(256);
        try {
            JsonWriter action = new JsonWriter(new StringBuilderWriter(out));
            action.beginObject().name(create ? "create" : "index").beginObject()
                    .name("_index").value(index).name("_id").value(id).endObject().endObject();
            out.append('\n');
            document(new JsonWriter(new StringBuilderWriter(out)), reading);
            out.append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The body of one request: the lines of its readings, in order. */
    public static byte[] join(List<byte[]> lines) {
        int size = 0;
        for (byte[] l : lines) size += l.length;
        byte[] body = new byte[size];
        int at = 0;
        for (byte[] l : lines) {
            System.arraycopy(l, 0, body, at, l.length);
            at += l.length;
        }
        return body;
    }

    /**
     * A reading as its document:
     * <pre>{"@timestamp":"2026-03-04T05:06:07.123Z","device":"pit-1","measurement":"temperature",
     *  "tags":{"probe":"1"},"fields":{"celsius":104.5,"ok":true}}</pre>
     * Field values keep their JSON type (a long is an integer, a double always has a fraction or an
     * exponent), so the index template's dynamic templates map them to long, double, boolean or keyword.
     */
    public static String document(Reading r) {
        StringBuilder out = new StringBuilder(192);
        try {
            document(new JsonWriter(new StringBuilderWriter(out)), r);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return out.toString();
    }

    private static void document(JsonWriter json, Reading r) throws IOException {
        json.beginObject();
        json.name("@timestamp").value(r.timestamp().toString()); // ISO-8601 UTC; ES keeps milliseconds
        json.name("device").value(r.device());
        json.name("measurement").value(r.measurement());
        json.name("tags").beginObject();
        for (Map.Entry<String, String> t : r.tags().entrySet()) json.name(t.getKey()).value(t.getValue());
        json.endObject();
        json.name("fields").beginObject();
        for (Map.Entry<String, Object> f : r.fields().entrySet()) {
            json.name(f.getKey());
            Object v = f.getValue();
            if (v instanceof Long l) json.value(l.longValue());
            else if (v instanceof Double d) json.value(d.doubleValue()); // Reading refuses NaN and infinities
            else if (v instanceof Boolean b) json.value(b.booleanValue());
            else json.value(v.toString());
        }
        json.endObject();
        json.endObject();
    }

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
