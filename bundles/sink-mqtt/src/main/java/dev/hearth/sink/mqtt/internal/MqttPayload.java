package dev.hearth.sink.mqtt.internal;

import dev.hearth.api.Reading;
import dev.hearth.json.ReadingJsonEncoder;

/**
 * What one reading becomes on the wire, no OSGi: a topic from the {@link TopicTemplate} and this
 * UTF-8 JSON object, byte for byte {@code dev.hearth.json.ReadingJson} (the file sink's lines), written
 * by {@link ReadingJsonEncoder}:
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
        return of(reading, template, gateway, new ReadingJsonEncoder());
    }

    /** The same, with an encoder the caller reuses (it is not thread-safe). */
    static MqttPayload of(Reading reading, TopicTemplate template, String gateway, ReadingJsonEncoder encoder) {
        return new MqttPayload(template.render(reading, gateway), encoder.encode(reading));
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
}
