package dev.hearth.sink.mqtt.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.google.gson.stream.JsonWriter;

import dev.hearth.api.Reading;

/**
 * Home Assistant MQTT discovery, no OSGi and no client: for each (device, measurement, numeric
 * field) it makes one retained sensor config at
 * {@code <prefix>/sensor/<node_id>/<object_id>/config}, remembers which entities it has made, and
 * hands them all out again when Home Assistant announces itself ({@code <prefix>/status} =
 * {@code online}) or the broker connection is new (a broker without persistence forgets retained
 * messages when it restarts).
 *
 * <p>The entity's state topic is the reading's own topic, with
 * {@code value_template: {{ value_json.fields.<field> }}}: one JSON message feeds every field's
 * sensor. Ids: {@code node_id} is {@code hearth_<gateway>}, {@code object_id} is
 * {@code <device>_<measurement>[_<tag values in the topic>]_<field>}, both reduced to
 * {@code [a-zA-Z0-9_-]}; if that reduction changed anything, 8 hex digits of the SHA-256 of the
 * unreduced names are appended so that {@code a/b} and {@code a_b} stay two entities. The
 * {@code unique_id} is {@code <node_id>_<object_id>}: stable across restarts.
 *
 * <p>Not thread-safe; the sink calls it under its own lock.
 */
final class HomeAssistantDiscovery {

    /** One retained config to publish. */
    record Config(String entityKey, String topic, byte[] payload) {
    }

    /** What a field is to Home Assistant, when its name says so. */
    record SensorClass(String deviceClass, String unit, String stateClass) {
    }

    private static final Pattern SAFE_ID = Pattern.compile("[a-zA-Z0-9_-]+");

    private final String prefix;
    private final String gateway;
    private final String availabilityTopic;
    private final TopicTemplate template;
    /** Every entity made so far, by key; kept so that all can be republished on a birth message. */
    private final Map<String, Config> published = new LinkedHashMap<>();

    HomeAssistantDiscovery(String prefix, String gateway, String availabilityTopic, TopicTemplate template) {
        this.prefix = prefix;
        this.gateway = gateway;
        this.availabilityTopic = availabilityTopic;
        this.template = template;
    }

    /** The topic Home Assistant announces itself on. */
    String statusTopic() {
        return prefix + "/status";
    }

    /** Configs for the numeric fields of {@code reading} that have none yet; they count as made from now on. */
    List<Config> newEntities(Reading reading, String stateTopic) {
        List<Config> out = new ArrayList<>(0);
        for (Map.Entry<String, Object> f : reading.fields().entrySet()) {
            if (!(f.getValue() instanceof Number)) continue; // HA sensors here are numeric; strings and booleans are not announced
            String objectId = objectId(reading, f.getKey());
            String key = objectId;
            if (published.containsKey(key)) continue;
            Config c = new Config(key, prefix + "/sensor/" + nodeId() + "/" + objectId + "/config",
                    payload(reading, f.getKey(), objectId, stateTopic));
            published.put(key, c);
            out.add(c);
        }
        return out;
    }

    /** Every config made so far, for a birth message or a new connection. */
    List<Config> all() {
        return List.copyOf(published.values());
    }

    /** Forgets an entity whose config could not be published, so the next reading tries again. */
    void forget(String entityKey) {
        published.remove(entityKey);
    }

    int size() {
        return published.size();
    }

    String nodeId() {
        return safeId("hearth_" + gateway);
    }

    String objectId(Reading reading, String field) {
        StringBuilder raw = new StringBuilder().append(reading.device()).append('_').append(reading.measurement());
        for (String tag : template.tagNames()) raw.append('_').append(reading.tags().getOrDefault(tag, "_"));
        raw.append('_').append(field);
        return safeId(raw.toString());
    }

    /** {@code raw} reduced to {@code [a-zA-Z0-9_-]}, with a short hash of {@code raw} when that lost anything. */
    static String safeId(String raw) {
        if (SAFE_ID.matcher(raw).matches()) return raw;
        String reduced = raw.replaceAll("[^a-zA-Z0-9_-]", "_");
        return reduced + "_" + sha256(raw).substring(0, 8);
    }

    private byte[] payload(Reading reading, String field, String objectId, String stateTopic) {
        SensorClass sensor = classify(reading.measurement(), field);
        StringWriter out = new StringWriter(512);
        try (JsonWriter json = new JsonWriter(out)) {
            json.beginObject();
            json.name("name").value(field.equals("value") ? reading.measurement() : reading.measurement() + " " + field);
            json.name("unique_id").value(nodeId() + "_" + objectId);
            json.name("state_topic").value(stateTopic);
            json.name("value_template").value(valueTemplate(field));
            if (sensor.deviceClass() != null) json.name("device_class").value(sensor.deviceClass());
            if (sensor.unit() != null) json.name("unit_of_measurement").value(sensor.unit());
            json.name("state_class").value(sensor.stateClass());
            json.name("availability").beginArray().beginObject()
                    .name("topic").value(availabilityTopic)
                    .name("payload_available").value("online")
                    .name("payload_not_available").value("offline")
                    .endObject().endArray();
            json.name("device").beginObject();
            json.name("identifiers").beginArray().value(safeId("hearth_" + gateway + "_" + reading.device())).endArray();
            json.name("name").value(reading.device());
            json.name("manufacturer").value("Hearth");
            json.name("via_device").value(nodeId());
            json.endObject();
            json.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A Jinja expression for the field: dotted when the name allows it, subscripted otherwise. */
    static String valueTemplate(String field) {
        if (field.matches("[A-Za-z_][A-Za-z0-9_]*")) return "{{ value_json.fields." + field + " }}";
        String quoted = field.replace("\\", "\\\\").replace("'", "\\'");
        return "{{ value_json.fields['" + quoted + "'] }}";
    }

    /**
     * Device class, unit and state class from the field's name, else the measurement's (a field
     * {@code value} of measurement {@code temperature}, or field {@code temperature} of
     * {@code climate}). Names match whole words split at {@code _ - . space} or as a whole.
     */
    static SensorClass classify(String measurement, String field) {
        SensorClass byField = classifyName(field);
        return byField != null ? byField : orPlain(classifyName(measurement));
    }

    private static SensorClass orPlain(SensorClass c) {
        return c != null ? c : new SensorClass(null, null, "measurement");
    }

    private static SensorClass classifyName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.contains("pm2_5") || n.contains("pm2.5") || n.contains("pm25")) return new SensorClass("pm25", "µg/m³", "measurement");
        if (n.contains("pm10")) return new SensorClass("pm10", "µg/m³", "measurement");
        List<String> words = List.of(n.split("[_\\-. ]+"));
        if (words.contains("temperature") || words.contains("temp")) return new SensorClass("temperature", "°C", "measurement");
        if (words.contains("humidity")) return new SensorClass("humidity", "%", "measurement");
        if (words.contains("battery")) return new SensorClass("battery", "%", "measurement");
        // energy counters only grow: Home Assistant refuses state_class measurement for device_class energy
        if (words.contains("energy")) return new SensorClass("energy", "kWh", "total_increasing");
        if (words.contains("power")) return new SensorClass("power", "W", "measurement");
        if (words.contains("voltage")) return new SensorClass("voltage", "V", "measurement");
        if (words.contains("current")) return new SensorClass("current", "A", "measurement");
        return null;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
