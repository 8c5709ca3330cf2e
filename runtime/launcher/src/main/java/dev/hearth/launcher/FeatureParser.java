package dev.hearth.launcher;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads feature files strictly: a feature decides what code runs in the gateway, so anything
 * unexpected (truncated JSON, wrong types, coordinates that could escape {@code system/}) is an
 * error naming the file and the place, never a guess.
 */
public final class FeatureParser {
    static final long MAX_SIZE = 256 * 1024;
    static final int MAX_BUNDLES = 500;
    static final int MAX_START_ORDER = 99;
    static final String REQUIRES = "hearth-requires";
    /** Maven coordinate segment: no '/', no '..', nothing a path could be built from. */
    static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    static final Pattern PID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}(~[A-Za-z0-9._-]{1,100})?");
    static final Pattern PROPERTY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");
    static final Set<String> TOP_LEVEL = Set.of("feature-resource-version", "id", "name", "description",
            "docURL", "license", "scm", "vendor", "complete", "categories", "variables", "bundles",
            "configurations", "extensions");

    private FeatureParser() {
    }

    public static Feature parse(Path file) throws LauncherException {
        String name = file.getFileName().toString();
        if (!name.endsWith(".json")) {
            throw new LauncherException(file + ": a feature file must end in .json");
        }
        name = name.substring(0, name.length() - ".json".length());
        if (!GatewayConfig.NAME.matcher(name).matches()) {
            throw new LauncherException(file + ": '" + name
                    + "' is not a feature name (lower-case letters, digits and '-')");
        }
        String text;
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new LauncherException(file + ": larger than " + MAX_SIZE + " bytes; not a feature file");
            }
            try (Reader r = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))) {
                StringBuilder sb = new StringBuilder();
                char[] buf = new char[8192];
                for (int n; (n = r.read(buf)) > 0;) {
                    sb.append(buf, 0, n);
                }
                text = sb.toString();
            }
        } catch (CharacterCodingException e) {
            throw new LauncherException(file + ": not valid UTF-8 text");
        } catch (IOException e) {
            throw new LauncherException(file + ": cannot be read: " + e.getMessage(), LauncherException.CONFIG, e);
        }
        return parse(name, text, file);
    }

    static Feature parse(String name, String text, Path source) throws LauncherException {
        String where = source == null ? name + ".json" : source.toString();
        JsonObject root = readJson(text, where);

        String version = string(root, "feature-resource-version", where, false);
        if (version != null && !version.equals("1.0") && !version.startsWith("1.")) {
            throw new LauncherException(where + ": feature-resource-version " + version
                    + " is not supported (expected 1.x)");
        }
        for (String key : root.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new LauncherException(where + ": unknown top-level key '" + printable(key) + "'");
            }
        }
        String id = string(root, "id", where, true);
        String[] idParts = id.split(":", -1);
        if (idParts.length < 3 || idParts.length > 5) {
            throw new LauncherException(where + ": id '" + printable(id)
                    + "' is not Maven coordinates (group:artifact[:type[:classifier]]:version)");
        }
        String title = string(root, "name", where, false);
        String description = string(root, "description", where, false);

        List<Feature.BundleRef> bundles = new ArrayList<>();
        JsonElement be = root.get("bundles");
        if (be != null) {
            if (!be.isJsonArray()) {
                throw new LauncherException(where + ": 'bundles' must be an array");
            }
            JsonArray arr = be.getAsJsonArray();
            if (arr.size() > MAX_BUNDLES) {
                throw new LauncherException(where + ": more than " + MAX_BUNDLES + " bundles");
            }
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < arr.size(); i++) {
                Feature.BundleRef ref = bundle(arr.get(i), where + ": bundles[" + i + "]");
                if (!seen.add(ref.groupId() + ":" + ref.artifactId())) {
                    throw new LauncherException(where + ": bundles[" + i + "]: " + ref.groupId() + ":"
                            + ref.artifactId() + " is listed twice");
                }
                bundles.add(ref);
            }
        }

        Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();
        JsonElement ce = root.get("configurations");
        if (ce != null) {
            if (!ce.isJsonObject()) {
                throw new LauncherException(where + ": 'configurations' must be an object of PID -> properties");
            }
            for (Map.Entry<String, JsonElement> e : ce.getAsJsonObject().entrySet()) {
                String pid = e.getKey();
                String at = where + ": configurations." + printable(pid);
                if (!PID.matcher(pid).matches()) {
                    throw new LauncherException(at + ": not a valid PID");
                }
                if (!e.getValue().isJsonObject()) {
                    throw new LauncherException(at + ": must be an object of properties");
                }
                configurations.put(pid, properties(e.getValue().getAsJsonObject(), at));
            }
        }

        List<String> requires = new ArrayList<>();
        JsonElement ee = root.get("extensions");
        if (ee != null) {
            if (!ee.isJsonObject()) {
                throw new LauncherException(where + ": 'extensions' must be an object");
            }
            for (Map.Entry<String, JsonElement> e : ee.getAsJsonObject().entrySet()) {
                String at = where + ": extensions." + printable(e.getKey());
                if (!e.getValue().isJsonObject()) {
                    throw new LauncherException(at + ": must be an object");
                }
                JsonObject ext = e.getValue().getAsJsonObject();
                if (!e.getKey().equals(REQUIRES)) {
                    String kind = optionalString(ext, "kind", at);
                    if ("mandatory".equals(kind)) {
                        throw new LauncherException(at + ": mandatory extension not understood by this launcher");
                    }
                    continue; // optional/transient extensions may be ignored (Compendium 159.8)
                }
                JsonElement t = ext.get("text");
                if (t == null || !t.isJsonArray()) {
                    throw new LauncherException(at + ": 'text' must be an array of feature names");
                }
                for (JsonElement n : t.getAsJsonArray()) {
                    if (!n.isJsonPrimitive() || !n.getAsJsonPrimitive().isString()
                            || !GatewayConfig.NAME.matcher(n.getAsString()).matches()) {
                        throw new LauncherException(at + ": '" + printable(String.valueOf(n))
                                + "' is not a feature name");
                    }
                    if (n.getAsString().equals(name)) {
                        throw new LauncherException(at + ": a feature cannot require itself");
                    }
                    requires.add(n.getAsString());
                }
            }
        }
        return new Feature(name, id, title == null ? name : title, description == null ? "" : description,
                Collections.unmodifiableList(bundles), Collections.unmodifiableMap(configurations),
                Collections.unmodifiableList(requires), source);
    }

    private static JsonObject readJson(String text, String where) throws LauncherException {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            reader.setNestingLimit(32);
            JsonElement root = com.google.gson.internal.Streams.parse(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new LauncherException(where + ": unexpected content after the JSON object");
            }
            if (!root.isJsonObject()) {
                throw new LauncherException(where + ": a feature file must hold one JSON object");
            }
            return root.getAsJsonObject();
        } catch (JsonParseException | IOException | IllegalStateException e) {
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            String msg = jsonMessage(cause.getMessage());
            if (cause instanceof java.io.EOFException || msg.startsWith("End of input")) {
                throw new LauncherException(where + ": truncated JSON (" + msg + ")");
            }
            throw new LauncherException(where + ": malformed JSON: " + msg);
        } catch (StackOverflowError e) {
            throw new LauncherException(where + ": JSON nested too deeply");
        }
    }

    private static Feature.BundleRef bundle(JsonElement e, String at) throws LauncherException {
        String coords;
        int startOrder = 20;
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            coords = e.getAsString();
        } else if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            coords = string(o, "id", at, true);
            JsonElement so = o.get("start-order");
            if (so != null) {
                startOrder = integer(so, at + ".start-order");
                if (startOrder < 1 || startOrder > MAX_START_ORDER) {
                    throw new LauncherException(at + ".start-order: " + startOrder + " is not in 1.." + MAX_START_ORDER);
                }
            }
        } else {
            throw new LauncherException(at + ": must be an object with an 'id' or a coordinates string");
        }
        String[] p = coords.split(":", -1);
        String g;
        String a;
        String v;
        String type = "jar";
        String classifier = "";
        switch (p.length) {
            case 3 -> {
                g = p[0];
                a = p[1];
                v = p[2];
            }
            case 4 -> {
                g = p[0];
                a = p[1];
                type = p[2];
                v = p[3];
            }
            case 5 -> {
                g = p[0];
                a = p[1];
                type = p[2];
                classifier = p[3];
                v = p[4];
            }
            default -> throw new LauncherException(at + ": id '" + printable(coords)
                    + "' is not Maven coordinates (group:artifact[:type[:classifier]]:version)");
        }
        for (String s : classifier.isEmpty() ? new String[] {g, a, v, type} : new String[] {g, a, v, type, classifier}) {
            if (!SEGMENT.matcher(s).matches() || s.contains("..")) {
                String hint = s.contains("${") ? " (an unfiltered ${...} placeholder?)" : "";
                throw new LauncherException(at + ": id '" + printable(coords) + "': '" + printable(s)
                        + "' is not a valid coordinate part" + hint);
            }
        }
        return new Feature.BundleRef(g, a, v, type, classifier, startOrder);
    }

    private static Map<String, Object> properties(JsonObject o, String at) throws LauncherException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            String key = e.getKey();
            String pat = at + "." + printable(key);
            if (!PROPERTY.matcher(key).matches()) {
                throw new LauncherException(pat + ": not a valid property name (type suffixes are not supported)");
            }
            JsonElement v = e.getValue();
            if (v.isJsonPrimitive()) {
                out.put(key, scalar(v.getAsJsonPrimitive()));
            } else if (v.isJsonArray()) {
                JsonArray arr = v.getAsJsonArray();
                List<Object> values = new ArrayList<>();
                for (JsonElement x : arr) {
                    if (!x.isJsonPrimitive()) {
                        throw new LauncherException(pat + ": arrays may hold only strings, numbers or booleans");
                    }
                    values.add(scalar(x.getAsJsonPrimitive()));
                }
                out.put(key, toArray(values, pat));
            } else {
                throw new LauncherException(pat + ": value must be a string, number, boolean or array of them");
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object scalar(JsonPrimitive p) {
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            java.math.BigDecimal d = p.getAsBigDecimal();
            try {
                long l = d.longValueExact();
                return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
            } catch (ArithmeticException notIntegral) {
                return d.doubleValue();
            }
        }
        return p.getAsString();
    }

    private static Object toArray(List<Object> values, String at) throws LauncherException {
        if (values.isEmpty()) {
            return new String[0];
        }
        Class<?> type = values.get(0).getClass();
        for (Object v : values) {
            if (v.getClass() != type) {
                throw new LauncherException(at + ": array elements must all have the same type");
            }
        }
        Object arr = java.lang.reflect.Array.newInstance(type, values.size());
        for (int i = 0; i < values.size(); i++) {
            java.lang.reflect.Array.set(arr, i, values.get(i));
        }
        return arr;
    }

    private static int integer(JsonElement e, String at) throws LauncherException {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                return e.getAsJsonPrimitive().getAsBigDecimal().intValueExact();
            } catch (ArithmeticException ex) {
                // fall through
            }
        }
        throw new LauncherException(at + ": must be an integer");
    }

    private static String string(JsonObject o, String key, String at, boolean required) throws LauncherException {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new LauncherException(at + ": '" + key + "' is missing");
            }
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new LauncherException(at + ": '" + key + "' must be a string");
        }
        return e.getAsString();
    }

    private static String optionalString(JsonObject o, String key, String at) throws LauncherException {
        return string(o, key, at, false);
    }

    /** Keeps error messages to one printable line whatever a hostile file contains. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 80; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) ? '?' : c);
        }
        if (s.length() > 80) {
            sb.append("...");
        }
        return sb.toString();
    }

    /** Gson's message without its class name, its advice to be lenient and its help link. */
    static String jsonMessage(String msg) {
        if (msg == null) {
            return "unknown error";
        }
        int nl = msg.indexOf('\n');
        String m = nl < 0 ? msg : msg.substring(0, nl);
        m = m.replaceFirst("^[a-z.]+\\.[A-Za-z]+Exception: ", "");
        m = m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "not strict JSON (single quotes, comments, unquoted names or text after the object?)");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < m.length() && sb.length() < 200; i++) {
            char c = m.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
