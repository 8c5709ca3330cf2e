package dev.hearth.sink.mqtt.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.google.gson.stream.JsonWriter;

import dev.hearth.api.Reading;

/**
 * What one reading becomes on the wire, no OSGi: a topic from the {@link TopicTemplate} and this
 * UTF-8 JSON object (the same shape as the file sink's lines):
 *
 * <pre>{"id":"…","device":"…","measurement":"…","time":"2026-01-01T00:00:00.123Z","tags":{…},"fields":{…}}</pre>
 *
 * <p>{@code id} is {@link Reading#id()}, so a subscriber can drop the duplicates QoS 1 allows;
 * {@code time} is {@link java.time.Instant#toString()} (ISO-8601, UTC). Field values keep their
 * type: longs as JSON integers, doubles always with a decimal point or exponent ({@code 21.0}),
 * booleans and strings as themselves.
 *
 * @param topic where it is published
 * @param json the payload
 */
record MqttPayload(String topic, byte[] json) {

    /** The topic and payload of {@code reading}. */
    static MqttPayload of(Reading reading, TopicTemplate template, String gateway) {
        return new MqttPayload(template.render(reading, gateway), json(reading).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Why this payload must not be published, or {@code null} if it may: bigger than
     * {@code maxBytes}, or a topic longer than MQTT allows. Either is permanent, so the reading is
     * rejected to the dead letters rather than retried forever.
     */
    String refusal(int maxBytes) {
        if (json.length > maxBytes) {
            return "payload of " + json.length + " bytes is larger than max_payload_kib (" + maxBytes / 1024 + " KiB)";
        }
        if (!TopicTemplate.fits(topic)) return "topic is longer than MQTT's " + TopicTemplate.MAX_TOPIC_BYTES + " bytes";
        return null;
    }

    /** The JSON object for {@code r}. */
    static String json(Reading r) {
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
                Object v = f.getValue();
                if (v instanceof Long l) json.value(l.longValue());
                else if (v instanceof Double d) {
                    // Reading refuses non-finite numbers; null keeps the JSON valid should one slip through
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
