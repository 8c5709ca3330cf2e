package dev.hearth.management.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * One request as it arrived: the operation (from the topic, {@code hearth/<id>/req/<op>}), the
 * JSON body, and where to answer. Everything is outside input: the payload is capped, must be
 * UTF-8 and strict JSON (one object, nesting at most {@link #MAX_DEPTH}), and the envelope fields
 * are typed and bounded. No OSGi, no MQTT.
 *
 * @param id the request's {@code id} (echoed; names the fallback response topic), or {@code null}
 * @param replyTo the JSON {@code reply_to} (MQTT 3.1.1 clients), or {@code null}
 * @param correlation the JSON {@code correlation} (echoed in the response), or {@code null}
 */
record Request(String op, String id, String replyTo, String correlation, JsonObject body) {

    static final int MAX_DEPTH = 8;
    static final Set<String> OPS = Set.of("status", "config/list", "config/get", "config/set", "config/delete",
            "command/list", "command/run", "bundle/list", "bundle/install", "bundle/update", "bundle/uninstall",
            "bundle/start", "bundle/stop", "feature/install", "feature/uninstall", "feature/list");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final TypeAdapter<JsonElement> JSON = new Gson().getAdapter(JsonElement.class);

    /** A refused request; {@code id}, {@code replyTo} and {@code correlation} as far as they could be read. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final transient String id;
        final transient String replyTo;
        final transient String correlation;

        Refused(String message, String id, String replyTo, String correlation) {
            super(message, null, false, false);
            this.id = id;
            this.replyTo = replyTo;
            this.correlation = correlation;
        }
    }

    /**
     * @param op the topic below {@code req/}
     * @param maxBytes the largest payload accepted
     */
    static Request parse(String op, byte[] payload, int maxBytes) throws Refused {
        if (payload.length > maxBytes) throw new Refused("payload of " + payload.length + " bytes is larger than the limit of "
                + maxBytes + " bytes", null, null, null);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw new Refused("payload is not UTF-8", null, null, null);
        }
        if (text.isBlank()) text = "{}"; // an empty payload is an empty request (status, lists)
        JsonElement root;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            reader.setNestingLimit(MAX_DEPTH);
            root = JSON.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) throw new IOException("more after the JSON value");
        } catch (IOException | RuntimeException e) {
            throw new Refused("malformed JSON: " + brief(e.getMessage()), null, null, null);
        }
        if (root == null || !root.isJsonObject()) throw new Refused("the request must be a JSON object", null, null, null);
        JsonObject body = root.getAsJsonObject();
        String id = null;
        String replyTo = null;
        String correlation = null;
        try {
            id = Json.optString(body, "id", 64);
            if (id != null && !ID.matcher(id).matches()) {
                id = null;
                throw new IllegalArgumentException("'id' must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            replyTo = Json.optString(body, "reply_to", 256);
            correlation = Json.optString(body, "correlation", 256);
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage(), id, replyTo, correlation);
        }
        if (!OPS.contains(op)) {
            throw new Refused("unknown operation '" + brief(op) + "'; operations: " + new java.util.TreeSet<>(OPS), id, replyTo, correlation);
        }
        body.remove("id");
        body.remove("reply_to");
        body.remove("correlation");
        return new Request(op, id, replyTo, correlation, body);
    }

    private static String brief(String s) {
        if (s == null) return "";
        String t = s.length() > 120 ? s.substring(0, 120) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
