package dev.hearth.driver.mqtt.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;

/**
 * Zigbee2MQTT's topics under its base topic (default {@code zigbee2mqtt}), no OSGi:
 *
 * <ul>
 * <li>{@code <base>/<friendly_name>} (the name may contain {@code /}): the device's JSON state
 * becomes one reading of measurement {@code z2m_measurement}, device = the friendly name made
 * id-safe ({@link JsonValues#deviceId}); numbers are fields (integer literals as longs, others as
 * doubles), so {@code linkquality}, {@code battery}, {@code voltage} are kept like any other;
 * booleans are fields; {@code state} and {@code state_<endpoint>} {@code ON}/{@code OFF} become
 * booleans; other strings are dropped unless listed in {@code z2m_strings}; nested objects are
 * flattened with {@code _} ({@code color.x} → {@code color_x}), except {@code update} (OTA
 * bookkeeping); arrays and nulls are dropped. {@code last_seen} (Zigbee2MQTT's
 * {@code advanced.last_seen} option, ISO-8601 or epoch ms) is the timestamp when present, else
 * the arrival time. Tags {@code model} and {@code vendor} once {@code bridge/devices} has been
 * seen, and {@code friendly_name} when the id had to be changed.</li>
 * <li>{@code <base>/bridge/devices} (retained): learnt, for those tags.</li>
 * <li>{@code <base>/<friendly_name>/availability}: {@code online}/{@code offline} (1.x) or
 * {@code {"state":"online"}} (2.x) → the device's status.</li>
 * <li>{@code <base>/bridge/state}: the same two forms → the status of device
 * {@code <base>-bridge}.</li>
 * <li>Everything else ({@code bridge/logging}, {@code bridge/info}, {@code bridge/event},
 * {@code bridge/response/…}, {@code …/set}, {@code …/get}) is ignored without complaint.</li>
 * </ul>
 *
 * <p>Thread-safe: the learnt models are replaced as a whole.
 */
final class Zigbee2MqttMapper implements MessageMapper {

    /** What {@code bridge/devices} says about one device. */
    record DeviceModel(String model, String vendor) {
    }

    private static final String AVAILABILITY = "/availability";

    private final String base;
    private final String bridgeDevice;
    private final String measurement;
    private final Set<String> stringFields;
    /** By friendly name; replaced whole by each {@code bridge/devices}. */
    private volatile Map<String, DeviceModel> models = Map.of();

    Zigbee2MqttMapper(String baseTopic, String measurement, Set<String> stringFields) {
        this.base = baseTopic;
        this.bridgeDevice = JsonValues.deviceId(baseTopic) + "-bridge";
        this.measurement = measurement;
        this.stringFields = Set.copyOf(stringFields);
    }

    /** The device id {@code bridge/state} is reported under. */
    String bridgeDevice() {
        return bridgeDevice;
    }

    DeviceModel model(String friendlyName) {
        return models.get(friendlyName);
    }

    @Override
    public Mapped map(String topic, byte[] payload, Instant arrival) {
        if (!topic.startsWith(base + "/") || topic.length() == base.length() + 1) {
            return new Mapped.Ignored("not under the Zigbee2MQTT base topic " + base);
        }
        String rest = topic.substring(base.length() + 1);
        if (rest.startsWith("bridge/")) {
            return switch (rest) {
                case "bridge/state" -> availability(bridgeDevice, payload, "Zigbee2MQTT bridge");
                case "bridge/devices" -> learn(payload);
                default -> new Mapped.Ignored("bridge message");
            };
        }
        if (rest.endsWith(AVAILABILITY)) {
            String name = rest.substring(0, rest.length() - AVAILABILITY.length());
            String device = JsonValues.deviceId(name);
            if (device == null) return Mapped.skip(SkipReason.NO_DEVICE, "empty friendly name");
            return availability(device, payload, "Zigbee2MQTT availability");
        }
        if (rest.endsWith("/set") || rest.endsWith("/get") || rest.contains("/set/") || rest.contains("/get/")) {
            return new Mapped.Ignored("command topic");
        }
        return state(rest, payload, arrival);
    }

    private Mapped state(String friendlyName, byte[] payload, Instant arrival) {
        JsonElement json;
        try {
            json = JsonValues.parse(payload);
        } catch (JsonValues.NotJson e) {
            return Mapped.skip(SkipReason.NOT_JSON, e.getMessage());
        }
        if (!json.isJsonObject()) {
            return Mapped.skip(SkipReason.WRONG_TYPE, "a device state is a JSON object (set output to json, not attribute)");
        }
        String device = JsonValues.deviceId(friendlyName);
        if (device == null) return Mapped.skip(SkipReason.NO_DEVICE, "empty friendly name");
        JsonObject state = json.getAsJsonObject().deepCopy();
        Instant time = arrival;
        JsonElement lastSeen = state.remove("last_seen");
        if (lastSeen != null && !lastSeen.isJsonNull()) {
            try {
                time = JsonValues.time(lastSeen);
            } catch (JsonValues.BadTime e) {
                return Mapped.skip(SkipReason.BAD_TIME, "last_seen " + e.getMessage());
            }
        }
        if (state.has("update") && state.get("update").isJsonObject()) state.remove("update");
        TreeMap<String, Object> fields = new TreeMap<>();
        JsonValues.flatten(state, (name, value) -> {
            Object field = field(name, value);
            if (field != null) fields.put(name, field);
        });
        if (fields.isEmpty()) return Mapped.skip(SkipReason.NO_FIELDS, "no number, boolean, ON/OFF state or listed string");
        Reading.Builder reading = Reading.of(device, measurement).fields(fields).at(time);
        DeviceModel model = models.get(friendlyName);
        if (model != null) {
            if (model.model() != null) reading.tag("model", model.model());
            if (model.vendor() != null) reading.tag("vendor", model.vendor());
        }
        if (!device.equals(friendlyName)) reading.tag("friendly_name", friendlyName);
        try {
            return new Mapped.Readings(List.of(reading.build()));
        } catch (IllegalArgumentException e) {
            return Mapped.skip(SkipReason.INVALID, e.getMessage());
        }
    }

    private Object field(String name, JsonPrimitive value) {
        if (value.isBoolean()) return value.getAsBoolean();
        if (value.isNumber()) return JsonValues.number(value);
        String text = value.getAsString();
        if (name.equals("state") || name.startsWith("state_")) {
            if (text.equals("ON")) return Boolean.TRUE;
            if (text.equals("OFF")) return Boolean.FALSE;
        }
        return stringFields.contains(name) && !text.isEmpty() && text.length() <= Reading.MAX_STRING_LENGTH ? text : null;
    }

    /** Both availability forms: {@code online} (1.x, and {@code bridge/state} before 1.x's JSON option) and {@code {"state":"online"}}. */
    private Mapped availability(String device, byte[] payload, String what) {
        String text = new String(payload, StandardCharsets.UTF_8).strip();
        String state = text;
        if (text.startsWith("{")) {
            try {
                JsonElement json = JsonValues.parse(payload);
                JsonElement s = json.getAsJsonObject().get("state");
                if (s == null || !s.isJsonPrimitive()) return Mapped.skip(SkipReason.WRONG_TYPE, "availability without a state string");
                state = s.getAsString();
            } catch (JsonValues.NotJson e) {
                return Mapped.skip(SkipReason.NOT_JSON, e.getMessage());
            }
        }
        return switch (state) {
            case "online" -> new Mapped.Status(device, DeviceState.ONLINE, what + ": online");
            case "offline" -> new Mapped.Status(device, DeviceState.OFFLINE, what + ": offline");
            default -> Mapped.skip(SkipReason.WRONG_TYPE, "availability is online or offline, not '"
                    + JsonValues.abbreviate(state, 40) + "'");
        };
    }

    private Mapped learn(byte[] payload) {
        JsonElement json;
        try {
            json = JsonValues.parse(payload);
        } catch (JsonValues.NotJson e) {
            return Mapped.skip(SkipReason.NOT_JSON, e.getMessage());
        }
        if (!json.isJsonArray()) return Mapped.skip(SkipReason.WRONG_TYPE, "bridge/devices is a JSON array");
        Map<String, DeviceModel> learnt = new HashMap<>();
        for (JsonElement e : json.getAsJsonArray()) {
            if (!e.isJsonObject()) continue;
            JsonObject device = e.getAsJsonObject();
            String name = string(device, "friendly_name");
            if (name == null) continue;
            // the coordinator and unsupported devices have "definition": null
            JsonElement definition = device.get("definition");
            String model = null;
            String vendor = null;
            if (definition != null && definition.isJsonObject()) {
                model = string(definition.getAsJsonObject(), "model");
                vendor = string(definition.getAsJsonObject(), "vendor");
            }
            if (model == null) model = string(device, "model_id");
            if (model != null || vendor != null) learnt.put(name, new DeviceModel(model, vendor));
        }
        models = Map.copyOf(learnt);
        return new Mapped.Learned(learnt.size());
    }

    private static String string(JsonObject object, String key) {
        JsonElement v = object.get(key);
        if (v == null || !v.isJsonPrimitive()) return null;
        String s = v.getAsString().strip();
        return s.isEmpty() || s.length() > Reading.MAX_TAG_VALUE_LENGTH ? null : s;
    }
}
