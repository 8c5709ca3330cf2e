package dev.hearth.sink.elasticsearch.internal;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import dev.hearth.api.Reading;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;

/**
 * Readings as Elasticsearch documents, and where each goes. No OSGi and no client in here.
 *
 * <pre>{"@timestamp":"2026-03-04T05:06:07.123Z","device":"pit-1","measurement":"temperature",
 *  "tags":{"probe":"1"},"fields":{"celsius":104.5,"ok":true}}</pre>
 *
 * Field values keep their JSON type (a long is an integer, a double always has a fraction or an
 * exponent), so the index template's dynamic templates map them to long, double, boolean or
 * keyword.
 */
public final class ReadingDocuments {

    /**
     * Created directly rather than looked up: {@code JsonProvider.provider()} searches the thread's
     * context class loader, which inside OSGi is rarely the bundle that carries Parsson.
     */
    static final JsonProvider JSON = new org.eclipse.parsson.JsonProviderImpl();

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy.MM.dd").withZone(ZoneOffset.UTC);

    private ReadingDocuments() {
    }

    /** The daily index for a reading: {@code <prefix>-yyyy.MM.dd} of its UTC timestamp, so a replay lands where the original did. */
    public static String dailyIndex(String prefix, Instant timestamp) {
        return prefix + "-" + DAY.format(timestamp);
    }

    /** The document's JSON, UTF-8. */
    public static byte[] document(Reading r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 32 * (r.tags().size() + r.fields().size()));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.write("@timestamp", r.timestamp().toString()); // ISO-8601 UTC; ES keeps milliseconds
            g.write("device", r.device());
            g.write("measurement", r.measurement());
            g.writeStartObject("tags");
            r.tags().forEach(g::write);
            g.writeEnd();
            g.writeStartObject("fields");
            for (Map.Entry<String, Object> f : r.fields().entrySet()) {
                Object v = f.getValue();
                if (v instanceof Long l) g.write(f.getKey(), l.longValue());
                else if (v instanceof Double d) g.write(f.getKey(), d.doubleValue());
                else if (v instanceof Boolean b) g.write(f.getKey(), b.booleanValue());
                else g.write(f.getKey(), v.toString());
            }
            g.writeEnd();
            g.writeEnd();
        }
        return out.toByteArray();
    }
}
