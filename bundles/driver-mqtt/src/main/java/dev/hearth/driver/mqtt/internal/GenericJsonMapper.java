package dev.hearth.driver.mqtt.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

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
 *
 * <p>Two readers apply these rules with the same result: a streaming one for flat ASCII objects
 * (nearly every sensor message: no tree, no flattening map) and the JSON tree for everything else.
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
    /** The static tags already sorted: a TreeMap copies a sorted map without comparing keys. */
    private final TreeMap<String, String> staticTags;

    GenericJsonMapper(Rules rules) {
        this.rules = rules;
        this.staticTags = new TreeMap<>(rules.staticTags());
    }

    /**
     * {@link #mapFlat} for the usual payload, else {@link #mapWithTree}. Both give the same
     * result for every payload the fast one takes (GenericJsonMapperDifferentialTest).
     */
    @Override
    public Mapped map(String topic, byte[] payload, Instant arrival) {
        Mapped fast = mapFlat(topic, payload, arrival);
        return fast != null ? fast : mapWithTree(topic, payload, arrival);
    }

    /**
     * The fast path, for nearly every sensor message: an ASCII payload that is one flat JSON object
     * of strings, numbers, booleans and nulls, with no name twice. It streams the object with
     * Gson's reader (no JsonElement tree, no flattening map) straight into the tag and field maps
     * the reading takes. {@code null} for anything else (non-ASCII, not an object, a nested object
     * or array, a duplicate name, malformed or trailing text): {@link #mapWithTree} then decides,
     * so nesting, last-duplicate-wins, UTF-8 checks and error messages stay in one place.
     */
    Mapped mapFlat(String topic, byte[] payload, Instant arrival) {
        TreeMap<String, String> tags = new TreeMap<>(staticTags);
        TreeMap<String, Object> fields = new TreeMap<>();
        String deviceText = null;
        JsonValues.Kind timeKind = null;
        String timeText = null;
        Names names = new Names();
        try {
            JsonReader in = new JsonReader(new AsciiReader(payload));
            in.setStrictness(Strictness.STRICT);
            if (in.peek() != JsonToken.BEGIN_OBJECT) return null;
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                if (!names.add(name)) return null;
                JsonValues.Kind kind;
                String text;
                switch (in.peek()) {
                    case STRING -> {
                        kind = JsonValues.Kind.STRING;
                        text = in.nextString();
                    }
                    case NUMBER -> {
                        kind = JsonValues.Kind.NUMBER;
                        text = in.nextString(); // the literal, as the tree's LazilyParsedNumber holds it
                    }
                    case BOOLEAN -> {
                        kind = JsonValues.Kind.BOOLEAN;
                        text = in.nextBoolean() ? "true" : "false";
                    }
                    case NULL -> {
                        in.nextNull();
                        continue; // the tree drops nulls too; a null device or time field reads as missing
                    }
                    default -> {
                        return null; // a nested object or array
                    }
                }
                if (name.equals(rules.deviceField())) deviceText = text;
                if (name.equals(rules.timeField())) {
                    timeKind = kind;
                    timeText = text;
                }
                select(name, kind, text, tags, fields);
            }
            in.endObject();
            if (in.peek() != JsonToken.END_DOCUMENT) return null; // strict peek() already throws on trailing text
        } catch (IOException | RuntimeException refused) {
            // whatever the reader refuses (malformed, non-ASCII, trailing text), the tree path reports
            return null;
        }

        String device;
        if (!rules.deviceField().isEmpty()) {
            if (deviceText == null) return noDeviceField();
            device = JsonValues.deviceId(deviceText);
        } else {
            device = JsonValues.deviceId(topicLevel(topic));
        }
        if (device == null) return noDeviceId();

        Instant time = arrival;
        if (!rules.timeField().isEmpty()) {
            if (timeText == null) return noTimeField();
            try {
                time = JsonValues.time(timeKind, timeText);
            } catch (JsonValues.BadTime e) {
                return badTime(e);
            }
        }
        return reading(device, time, tags, fields);
    }

    /** The general path: parses the payload into a tree and flattens it. Package-private for the differential test. */
    Mapped mapWithTree(String topic, byte[] payload, Instant arrival) {
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
            if (id == null) return noDeviceField();
            device = JsonValues.deviceId(id.getAsString());
        } else {
            device = JsonValues.deviceId(topicLevel(topic));
        }
        if (device == null) return noDeviceId();

        Instant time = arrival;
        if (!rules.timeField().isEmpty()) {
            JsonElement t = object.has(rules.timeField()) ? object.get(rules.timeField()) : values.get(rules.timeField());
            if (t == null || t.isJsonNull()) return noTimeField();
            if (!t.isJsonPrimitive()) return Mapped.skip(SkipReason.WRONG_TYPE, "time field " + rules.timeField() + " is an object or array");
            try {
                time = JsonValues.time(t);
            } catch (JsonValues.BadTime e) {
                return badTime(e);
            }
        }

        TreeMap<String, String> tags = new TreeMap<>(staticTags);
        TreeMap<String, Object> fields = new TreeMap<>();
        for (Map.Entry<String, JsonPrimitive> e : values.entrySet()) {
            JsonPrimitive v = e.getValue();
            select(e.getKey(), JsonValues.Kind.of(v), v.getAsString(), tags, fields);
        }
        return reading(device, time, tags, fields);
    }

    /**
     * Puts one value where the rules send it: nowhere for the device and time fields, a tag for a
     * tag field, else a field if selected. {@code text} is a string's value, a number's literal or
     * {@code true}/{@code false}.
     */
    private void select(String name, JsonValues.Kind kind, String text, Map<String, String> tags, Map<String, Object> fields) {
        if (name.equals(rules.deviceField()) || name.equals(rules.timeField())) return;
        if (rules.tagFields().contains(name)) {
            if (!text.isEmpty() && text.length() <= Reading.MAX_TAG_VALUE_LENGTH) tags.put(name, text);
            return;
        }
        boolean listed = rules.fields().contains(name);
        if (!rules.fields().isEmpty() && !listed) return;
        switch (kind) {
            case NUMBER -> {
                Object n = JsonValues.number(text);
                if (n != null) fields.put(name, n);
            }
            case BOOLEAN -> fields.put(name, Boolean.valueOf(text));
            case STRING -> {
                if (listed && text.length() <= Reading.MAX_STRING_LENGTH) fields.put(name, text);
            }
        }
    }

    private Mapped reading(String device, Instant time, TreeMap<String, String> tags, TreeMap<String, Object> fields) {
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

    private Mapped noDeviceField() {
        return Mapped.skip(SkipReason.NO_DEVICE, "no field " + rules.deviceField());
    }

    private Mapped noDeviceId() {
        return Mapped.skip(SkipReason.NO_DEVICE, "no device id in " + (rules.deviceField().isEmpty()
                ? "the topic" : "field " + rules.deviceField()));
    }

    private Mapped noTimeField() {
        return Mapped.skip(SkipReason.NO_TIME, "no field " + rules.timeField());
    }

    private Mapped badTime(JsonValues.BadTime e) {
        return Mapped.skip(SkipReason.BAD_TIME, rules.timeField() + ": " + e.getMessage());
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

    /** The names of one object, to spot a duplicate: a scan for the usual handful, a hash set beyond. */
    private static final class Names {
        private final String[] few = new String[16];
        private int count;
        private HashSet<String> many;

        /** {@code false} if {@code name} was already added. */
        boolean add(String name) {
            if (many != null) return many.add(name);
            for (int i = 0; i < count; i++) {
                if (few[i].equals(name)) return false;
            }
            if (count < few.length) {
                few[count++] = name;
                return true;
            }
            many = new HashSet<>(Arrays.asList(few));
            return many.add(name);
        }
    }
}
