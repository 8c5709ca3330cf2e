package dev.hearth.management.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

/**
 * Values checked against a component's Metatype before anything is applied. Felix Metatype's
 * {@link AttributeDefinition#validate} is called, but it is not relied on alone: it accepts
 * values its type cannot hold in some cases and says nothing for attributes without bounds, so the
 * type, the options and emptiness are checked here too (see the tests). Values are kept as text,
 * the way a {@code .cfg} file holds them; DS converts them to the annotation's types.
 */
final class MetatypeCheck {

    /** Keys the framework, ConfigAdmin or FileInstall set; never given in a request, never written to a file. */
    static final Set<String> RESERVED = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", "component.name", "component.id");

    private final ObjectClassDefinition ocd;
    private final Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();

    MetatypeCheck(ObjectClassDefinition ocd) {
        this.ocd = ocd;
        AttributeDefinition[] all = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        if (all != null) for (AttributeDefinition ad : all) attributes.put(ad.getID(), ad);
    }

    String name() {
        return ocd.getName();
    }

    AttributeDefinition attribute(String key) {
        return attributes.get(key);
    }

    /** The keys of PASSWORD attributes: secrets by declaration. */
    Set<String> passwordKeys() {
        Set<String> out = new TreeSet<>();
        attributes.values().stream().filter(a -> a.getType() == AttributeDefinition.PASSWORD).forEach(a -> out.add(a.getID()));
        return out;
    }

    /**
     * A JSON value of a request as the text the configuration will hold.
     *
     * @throws IllegalArgumentException naming the key: an object, an array for a single-valued
     *     attribute, an element with a comma, too many elements
     */
    String toText(String key, JsonElement value) {
        if (value.isJsonObject()) throw new IllegalArgumentException("'" + key + "': an object is not a configuration value");
        AttributeDefinition ad = attributes.get(key);
        if (value.isJsonArray()) {
            if (ad == null || ad.getCardinality() == 0) {
                throw new IllegalArgumentException("'" + key + "' takes one value, not a list");
            }
            int max = Math.abs(ad.getCardinality());
            if (value.getAsJsonArray().size() > max) {
                throw new IllegalArgumentException("'" + key + "' takes at most " + max + " values");
            }
            List<String> parts = new ArrayList<>();
            for (JsonElement e : value.getAsJsonArray()) {
                if (!e.isJsonPrimitive()) throw new IllegalArgumentException("'" + key + "': list elements must be strings, numbers or booleans");
                String s = scalar(e.getAsJsonPrimitive());
                // a .cfg holds a list as one comma-separated string
                if (s.contains(",")) throw new IllegalArgumentException("'" + key + "': a list element cannot contain ','");
                parts.add(s.strip());
            }
            return String.join(", ", parts);
        }
        if (value.isJsonNull()) throw new IllegalArgumentException("'" + key + "': null");
        return scalar(value.getAsJsonPrimitive());
    }

    private static String scalar(JsonPrimitive p) {
        if (p.isBoolean()) return String.valueOf(p.getAsBoolean());
        if (p.isNumber()) {
            BigDecimal d;
            try {
                d = new BigDecimal(p.getAsString());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: " + p.getAsString());
            }
            if (Math.abs((long) d.precision() - d.scale()) > 400 || d.scale() > 400) throw new IllegalArgumentException("number out of range");
            return d.toPlainString();
        }
        return p.getAsString();
    }

    /**
     * Every problem of {@code properties} (the whole configuration after the change): unknown
     * {@code requestedKeys}, values that do not fit their attribute, required attributes missing.
     */
    List<String> problems(Map<String, String> properties, Set<String> requestedKeys) {
        List<String> out = new ArrayList<>();
        for (String key : requestedKeys) {
            if (RESERVED.contains(key)) out.add("'" + key + "' is set by the framework, not by a request");
            else if (!attributes.containsKey(key)) {
                out.add("'" + key + "' is not a property of " + ocd.getID() + " (" + ocd.getName() + "); known: " + attributes.keySet());
            }
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            AttributeDefinition ad = attributes.get(e.getKey());
            if (ad == null) continue; // kept as it was; unknown keys the request did not name are reported, not refused
            String problem = valueProblem(ad, e.getValue());
            if (problem != null) out.add("'" + e.getKey() + "' = '" + shown(ad, e.getValue()) + "': " + problem);
        }
        AttributeDefinition[] required = ocd.getAttributeDefinitions(ObjectClassDefinition.REQUIRED);
        if (required != null) {
            for (AttributeDefinition ad : required) {
                String[] defaults = ad.getDefaultValue();
                boolean hasDefault = defaults != null && defaults.length > 0;
                String v = properties.get(ad.getID());
                // a missing list is an empty list (DS gives the component an empty array)
                if (!hasDefault && ad.getCardinality() == 0 && (v == null || v.isBlank())) {
                    out.add("'" + ad.getID() + "' is required (" + ad.getName() + ")");
                }
            }
        }
        return out;
    }

    /** Keys of {@code properties} that the Metatype does not know (kept, reported). */
    List<String> unknownKeys(Map<String, String> properties) {
        return properties.keySet().stream().filter(k -> !attributes.containsKey(k) && !RESERVED.contains(k)).sorted().toList();
    }

    /** Why {@code text} does not fit {@code ad}, or {@code null}. */
    static String valueProblem(AttributeDefinition ad, String text) {
        List<String> values;
        if (ad.getCardinality() != 0) {
            values = text.isBlank() ? List.of() : Arrays.stream(text.split(",")).map(String::strip).toList();
            if (values.size() > Math.abs(ad.getCardinality())) return "more than " + Math.abs(ad.getCardinality()) + " values";
        } else {
            values = List.of(text);
        }
        for (String v : values) {
            String p = single(ad, v);
            if (p != null) return p;
        }
        return null;
    }

    private static String single(AttributeDefinition ad, String v) {
        int type = ad.getType();
        boolean text = type == AttributeDefinition.STRING || type == AttributeDefinition.PASSWORD;
        if (v.isEmpty() && !text) return "empty; leave the key out (null) for the default";
        String typeProblem = switch (type) {
            case AttributeDefinition.INTEGER -> parses(() -> Integer.parseInt(v.strip()), "an integer (32 bit)");
            case AttributeDefinition.LONG -> parses(() -> Long.parseLong(v.strip()), "an integer (64 bit)");
            case AttributeDefinition.SHORT -> parses(() -> Short.parseShort(v.strip()), "an integer (16 bit)");
            case AttributeDefinition.BYTE -> parses(() -> Byte.parseByte(v.strip()), "an integer (8 bit)");
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> parses(() -> {
                double d = Double.parseDouble(v.strip());
                if (!Double.isFinite(d) || v.strip().matches("(?i).*(nan|infinity|[fd])$")) throw new NumberFormatException();
            }, "a finite number");
            case AttributeDefinition.BOOLEAN -> v.strip().toLowerCase(Locale.ROOT).matches("true|false") ? null : "expected true or false";
            case AttributeDefinition.CHARACTER -> v.length() == 1 ? null : "expected one character";
            default -> null;
        };
        if (typeProblem != null) return typeProblem;
        String[] options = ad.getOptionValues();
        if (options != null && options.length > 0 && Arrays.stream(options).noneMatch(o -> o.equals(v.strip()))) {
            return "expected one of " + Arrays.toString(options);
        }
        if (v.isEmpty()) return null; // an empty optional string: nothing for validate() to say
        String felix;
        try {
            felix = ad.validate(v);
        } catch (RuntimeException e) {
            felix = "invalid (" + e.getClass().getSimpleName() + ")";
        }
        if (felix == null || felix.isEmpty()) return null;
        // Felix answers with untranslated localisation keys ("%greater than maximum")
        return felix.startsWith("%") ? felix.substring(1) : felix;
    }

    private static String parses(Runnable parse, String expected) {
        try {
            parse.run();
            return null;
        } catch (NumberFormatException e) {
            return "expected " + expected;
        }
    }

    private static String shown(AttributeDefinition ad, String v) {
        if (ad.getType() == AttributeDefinition.PASSWORD || Secrets.isSecret(ad.getID(), Set.of())) return Secrets.MASK;
        String s = v.length() > 40 ? v.substring(0, 40) + "…" : v;
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
