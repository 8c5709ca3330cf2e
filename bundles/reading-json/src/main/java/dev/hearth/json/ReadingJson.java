package dev.hearth.json;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

import com.google.gson.stream.JsonWriter;

import dev.hearth.api.Reading;

/**
 * The documented JSON object of a reading:
 * {@code {"id":…,"device":…,"measurement":…,"time":"<ISO-8601>","tags":{…},"fields":{…}}}, fields
 * typed as JSON integers, numbers, booleans and strings. The file sink writes it one per line and
 * the MQTT sink publishes it, so a consumer parses one format.
 */
public final class ReadingJson {

    private ReadingJson() {
    }

    /** The JSON object for {@code r}, on one line. */
    public static String of(Reading r) {
        StringWriter out = new StringWriter(256);
        try (JsonWriter json = new JsonWriter(out)) {
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
                // Reading allows exactly these four types, and no NaN or infinity
                switch (Reading.typeCode(f.getValue())) {
                    case 'i' -> json.value((long) (Long) f.getValue());
                    case 'f' -> json.value((double) (Double) f.getValue());
                    case 'b' -> json.value((boolean) (Boolean) f.getValue());
                    default -> json.value((String) f.getValue());
                }
            }
            json.endObject();
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }
}
