package dev.hearth.management.internal;

import java.util.Set;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Typed access to request fields: each wrong type or size is refused naming the field. */
final class Json {

    private Json() {
    }

    static String optString(JsonObject o, String field, int maxLength) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new IllegalArgumentException("'" + field + "' must be a string");
        String s = e.getAsString();
        if (s.length() > maxLength) throw new IllegalArgumentException("'" + field + "' is longer than " + maxLength + " characters");
        return s;
    }

    static String string(JsonObject o, String field, int maxLength) {
        String s = optString(o, field, maxLength);
        if (s == null || s.isEmpty()) throw new IllegalArgumentException("'" + field + "' is missing");
        return s;
    }

    static boolean optBoolean(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return false;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) throw new IllegalArgumentException("'" + field + "' must be true or false");
        return e.getAsBoolean();
    }

    static JsonObject optObject(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonObject()) throw new IllegalArgumentException("'" + field + "' must be an object");
        return e.getAsJsonObject();
    }

    static JsonArray optArray(JsonObject o, String field, int maxSize) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return null;
        if (!e.isJsonArray()) throw new IllegalArgumentException("'" + field + "' must be a list");
        if (e.getAsJsonArray().size() > maxSize) throw new IllegalArgumentException("'" + field + "' has more than " + maxSize + " entries");
        return e.getAsJsonArray();
    }

    /** Refuses fields other than {@code allowed}: a misspelt field is an error, not silently ignored. */
    static void only(JsonObject o, Set<String> allowed, String where) {
        for (String k : o.keySet()) {
            if (!allowed.contains(k)) {
                String shown = k.length() > 40 ? k.substring(0, 40) + "…" : k;
                throw new IllegalArgumentException("unknown field '" + shown.replaceAll("\\p{Cntrl}", "?") + "' in " + where
                        + "; fields: " + new java.util.TreeSet<>(allowed));
            }
        }
    }
}
