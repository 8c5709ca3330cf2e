package dev.hearth.sink.file.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

import com.google.gson.stream.JsonWriter;

import dev.hearth.api.Reading;

/**
 * Encodes one reading as one line of JSON, no OSGi:
 *
 * <pre>{"id":"…","device":"…","measurement":"…","time":"2026-01-01T00:00:00.123456789Z","tags":{…},"fields":{…}}</pre>
 *
 * <p>{@code time} is {@link java.time.Instant#toString()} (UTC, as many fraction digits as the
 * instant needs). Field values keep their type: longs as JSON integers, doubles as JSON numbers
 * that always carry a decimal point or exponent (so {@code 1.0} stays distinguishable from
 * {@code 1}), booleans and strings as themselves. A non-finite double cannot occur, because
 * {@link Reading} refuses it; should one ever arrive it is written as {@code null} rather than as
 * the invalid JSON token {@code NaN}. Gson escapes quotes, backslashes, every control character and
 * U+2028/U+2029, so a line never contains a raw newline.
 */
final class JsonLinesWriter {

    private JsonLinesWriter() {
    }

    /** The JSON object for {@code r}, without the trailing newline. */
    static String line(Reading r) {
        StringWriter out = new StringWriter(256);
        try (JsonWriter json = new JsonWriter(out)) {
            json.setSerializeNulls(true);
            json.beginObject();
            json.name("id").value(r.id());
            json.name("device").value(r.device());
            json.name("measurement").value(r.measurement());
            json.name("time").value(r.timestamp().toString());
            json.name("tags").beginObject();
            for (Map.Entry<String, String> t : r.tags().entrySet()) json.name(t.getKey()).value(t.getValue());
            json.endObject();
            json.name("fields").beginObject();
            for (Map.Entry<String, Object> f : r.fields().entrySet()) {
                json.name(f.getKey());
                Object v = f.getValue();
                if (v instanceof Long l) json.value(l.longValue());
                else if (v instanceof Double d) {
                    if (Double.isFinite(d)) json.value(d.doubleValue());
                    else json.nullValue();
                } else if (v instanceof Boolean b) json.value(b.booleanValue());
                else json.value(String.valueOf(v));
            }
            json.endObject();
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
