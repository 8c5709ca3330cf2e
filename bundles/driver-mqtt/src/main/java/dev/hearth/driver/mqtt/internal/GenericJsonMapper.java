package dev.hearth.driver.mqtt.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.hearth.api.Reading;

/**
 * Any JSON object, one reading per message, no OSGi. The rules, in order:
 *
 * <ul>
 * <li>The payload must be a JSON object (nested objects are flattened with {@code _}, arrays and
 * nulls dropped, see {@link JsonValues#flatten}).</li>
 * <li>Device id: the payload field {@code json_device_field} if set (a string or number; missing →
 * {@code no_device}); else a level of the topic: {@code json_device_topic_level} if ≥ 0, else the
 * level matched by the first {@code +} of the subscription filter the topic matches, else the
 * topic's last level. Made id-safe by {@link JsonValues#deviceId}.</li>
 * <li>Timestamp: the payload field {@code json_time_field} if set ({@link JsonValues#time}: epoch
 * seconds, milliseconds, microseconds or nanoseconds by magnitude, or ISO-8601 with an offset;
 * missing → {@code no_time}, unreadable → {@code bad_time}); else the arrival time.</li>
 * <li>Tags: {@code json_tags} ({@code key=value}) and the values of {@code json_tag_fields}.</li>
 * <li>Fields: with {@code json_fields} empty, every number and boolean; with it set, exactly the
 * listed names, numbers, booleans and strings each typed as they are. The device, time and tag
 * fields are never fields too. Integer literals are longs, others doubles.</li>
 * </ul>
 */
final class GenericJsonMapper implements MessageMapper {

    /** The configured mapping. {@code deviceField} and {@code timeField} are empty when unused. */
    record Rules(String measurement, List<TopicFilter> filters, String deviceField, int deviceTopicLevel, String timeField,
            Set<String> fields, Set<String> tagFields, Map<String, String> staticTags) {
        Rules {
            filters = List.copyOf(filters);
            fields = Set.copyOf(fields);
            tagFields = Set.copyOf(tagFields);
            staticTags = Map.copyOf(staticTags);
        }
    }

    private final Rules rules;

    GenericJsonMapper(Rules rules) {
        this.rules = rules;
    }

    @Override
    public Mapped map(String topic, byte[] payload, Instant arrival) {
        JsonElement json;
        try {
            json = JsonValues.parse(payload);
        } catch (JsonValues.NotJson e) {
            return Mapped.skip(SkipReason.NOT_JSON, e.getMessage());
        }
        if (!json.isJsonObject()) return Mapped.skip(SkipReason.WRONG_TYPE, "the payload is not a JSON object");
        JsonObject object = json.getAsJsonObject();
        Map<String, JsonPrimitive> values = new LinkedHashMap<>();
        JsonValues.flatten(object, values::put);

        String device;
        if (!rules.deviceField().isEmpty()) {
            JsonElement top = object.get(rules.deviceField());
            if (top != null && !top.isJsonPrimitive() && !top.isJsonNull()) {
                return Mapped.skip(SkipReason.WRONG_TYPE, "device field " + rules.deviceField() + " is not a string or number");
            }
            JsonPrimitive id = values.get(rules.deviceField());
            if (id == null) return Mapped.skip(SkipReason.NO_DEVICE, "no field " + rules.deviceField());
            device = JsonValues.deviceId(id.getAsString());
        } else {
            device = JsonValues.deviceId(topicLevel(topic));
        }
        if (device == null) return Mapped.skip(SkipReason.NO_DEVICE, "no device id in " + (rules.deviceField().isEmpty()
                ? "the topic" : "field " + rules.deviceField()));

        Instant time = arrival;
        if (!rules.timeField().isEmpty()) {
            JsonElement t = object.has(rules.timeField()) ? object.get(rules.timeField()) : values.get(rules.timeField());
            if (t == null || t.isJsonNull()) return Mapped.skip(SkipReason.NO_TIME, "no field " + rules.timeField());
            if (!t.isJsonPrimitive()) return Mapped.skip(SkipReason.WRONG_TYPE, "time field " + rules.timeField() + " is an object or array");
            try {
                time = JsonValues.time(t);
            } catch (JsonValues.BadTime e) {
                return Mapped.skip(SkipReason.BAD_TIME, rules.timeField() + ": " + e.getMessage());
            }
        }

        TreeMap<String, String> tags = new TreeMap<>(rules.staticTags());
        TreeMap<String, Object> fields = new TreeMap<>();
        for (Map.Entry<String, JsonPrimitive> e : values.entrySet()) {
            String name = e.getKey();
            JsonPrimitive v = e.getValue();
            if (name.equals(rules.deviceField()) || name.equals(rules.timeField())) continue;
            if (rules.tagFields().contains(name)) {
                String tag = v.getAsString();
                if (!tag.isEmpty() && tag.length() <= Reading.MAX_TAG_VALUE_LENGTH) tags.put(name, tag);
                continue;
            }
            boolean listed = rules.fields().contains(name);
            if (!rules.fields().isEmpty() && !listed) continue;
            if (v.isNumber()) {
                Object n = JsonValues.number(v);
                if (n != null) fields.put(name, n);
            } else if (v.isBoolean()) {
                fields.put(name, v.getAsBoolean());
            } else if (listed && v.getAsString().length() <= Reading.MAX_STRING_LENGTH) {
                fields.put(name, v.getAsString());
            }
        }
        if (fields.isEmpty()) {
            return Mapped.skip(SkipReason.NO_FIELDS, rules.fields().isEmpty() ? "no number or boolean"
                    : "none of the fields " + rules.fields());
        }
        try {
            return new Mapped.Readings(List.of(new Reading(device, rules.measurement(), tags, fields, time)));
        } catch (IllegalArgumentException e) {
            return Mapped.skip(SkipReason.INVALID, e.getMessage());
        }
    }

    private String topicLevel(String topic) {
        String[] levels = topic.split("/", -1);
        int index = rules.deviceTopicLevel();
        if (index < 0) {
            index = levels.length - 1;
            for (TopicFilter f : rules.filters()) {
                if (f.matches(topic) && f.firstWildcardLevel() >= 0) {
                    index = f.firstWildcardLevel();
                    break;
                }
            }
        }
        return index < levels.length ? levels[index] : null;
    }
}
