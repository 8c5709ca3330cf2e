package dev.hearth.sink.elasticsearch.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * Reads what Elasticsearch answered: the per-item statuses and errors of a {@code _bulk} response
 * (asked for with {@code filter_path}, so only those come back), and the error of a refused
 * request. No OSGi and no client in here. A response that is not what Elasticsearch sends (an HTML
 * page from a proxy, a truncated body, the wrong number of items) is refused with the reason.
 */
public final class BulkItems {

    /** What the request asks the server to send back of a _bulk response. */
    public static final String FILTER_PATH = "errors,items.*.status,items.*.error.type,items.*.error.reason,"
            + "items.*.error.caused_by.type,items.*.error.caused_by.reason,error.type,error.reason";

    /** Longest error reason kept; a server can put a whole document into one. */
    static final int MAX_REASON = 1000;

    /** One item's answer: its HTTP status, and its error's type and reason (with its cause's), or nulls. */
    public record Result(int status, String type, String reason) {
    }

    /** The response is not a _bulk response. */
    public static final class MalformedResponseException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message) {
            super(message);
        }
    }

    private BulkItems() {
    }

    /** The items of a _bulk response to a request of {@code expected} actions, in order. */
    public static List<Result> parse(byte[] body, int expected) throws MalformedResponseException {
        List<Result> items = new ArrayList<>(expected);
        try (JsonReader json = reader(body)) {
            json.beginObject();
            while (json.hasNext()) {
                if (!json.nextName().equals("items")) {
                    json.skipValue();
                    continue;
                }
                json.beginArray();
                while (json.hasNext()) {
                    if (items.size() == expected) throw new MalformedResponseException("more than the " + expected + " items sent");
                    items.add(item(json));
                }
                json.endArray();
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) throw new MalformedResponseException("data after the response");
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new MalformedResponseException("not a _bulk response (" + describe(e) + "): " + preview(body));
        }
        if (items.size() != expected) {
            throw new MalformedResponseException("Elasticsearch answered " + items.size() + " bulk items for " + expected + " documents");
        }
        return items;
    }

    /** {@code {"create"|"index":{"status":…,"error":{…}}}}. */
    private static Result item(JsonReader json) throws IOException, MalformedResponseException {
        int status = -1;
        String type = null;
        String reason = null;
        json.beginObject();
        while (json.hasNext()) {
            json.nextName(); // the action: index or create
            json.beginObject();
            while (json.hasNext()) {
                switch (json.nextName()) {
                    case "status" -> status = json.nextInt();
                    case "error" -> {
                        String[] error = error(json);
                        type = error[0];
                        reason = error[1];
                    }
                    default -> json.skipValue();
                }
            }
            json.endObject();
        }
        json.endObject();
        if (status < 100 || status > 599) throw new MalformedResponseException("an item without a valid status");
        return new Result(status, type, reason);
    }

    /** type and reason (with its cause's) of an error object, or of an error given as a bare string. */
    private static String[] error(JsonReader json) throws IOException {
        if (json.peek() == JsonToken.STRING) return new String[] { null, clip(json.nextString()) };
        String type = null;
        String reason = null;
        String cause = null;
        json.beginObject();
        while (json.hasNext()) {
            switch (json.nextName()) {
                case "type" -> type = clip(json.nextString());
                case "reason" -> reason = json.peek() == JsonToken.NULL ? nullValue(json) : clip(json.nextString());
                case "caused_by" -> {
                    String[] c = error(json);
                    if (c[1] != null) cause = (c[0] == null ? "" : c[0] + ": ") + c[1];
                }
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (cause != null) reason = (reason == null ? "" : reason) + " (caused by " + cause + ")";
        return new String[] { type, reason };
    }

    /**
     * "type: reason" of an error response ({@code {"error":{"type":…,"reason":…},"status":…}}), or
     * {@code null} when the body is not one (empty, an HTML page from a proxy, truncated).
     */
    public static String errorOf(byte[] body) {
        if (body == null || body.length == 0) return null;
        try (JsonReader json = reader(body)) {
            json.beginObject();
            while (json.hasNext()) {
                if (json.nextName().equals("error")) {
                    String[] e = error(json);
                    return e[0] == null ? e[1] : e[1] == null ? e[0] : e[0] + ": " + e[1];
                }
                json.skipValue();
            }
            return null;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            return null;
        }
    }

    /** The start of a body that is not JSON, printable, for a log line or an error. */
    static String preview(byte[] body) {
        if (body == null || body.length == 0) return "(empty)";
        String s = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}+", " ").strip();
        return "'" + s + (body.length > 120 ? "…'" : "'") + " (" + body.length + " bytes)";
    }

    private static JsonReader reader(byte[] body) {
        Reader r = new InputStreamReader(new java.io.ByteArrayInputStream(body), StandardCharsets.UTF_8);
        JsonReader json = new JsonReader(r);
        json.setStrictness(com.google.gson.Strictness.STRICT);
        return json;
    }

    private static String nullValue(JsonReader json) throws IOException {
        json.nextNull();
        return null;
    }

    private static String clip(String s) {
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON) + "…";
    }

    private static String describe(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.length() > 160 ? m.substring(0, 160) + "…" : m;
    }
}
