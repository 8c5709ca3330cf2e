package dev.hearth.sink.elasticsearch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.Reading;

/** The _bulk body written, and the responses read: what Elasticsearch sends, and what it never would. */
class BulkItemsTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsStatusesAndErrorsWithTheirCauses() throws Exception {
        String body = "{\"errors\":true,\"items\":[{\"index\":{\"status\":201}},"
                + "{\"index\":{\"status\":400,\"error\":{\"type\":\"document_parsing_exception\",\"reason\":\"failed to parse field [fields.v]\","
                + "\"caused_by\":{\"type\":\"illegal_argument_exception\",\"reason\":\"For input string: \\\"abc\\\"\"}}}},"
                + "{\"create\":{\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\",\"reason\":\"exists\"}}}]}";
        List<BulkItems.Result> items = BulkItems.parse(utf8(body), 3);
        assertEquals(new BulkItems.Result(201, null, null), items.get(0));
        assertEquals(new BulkItems.Result(400, "document_parsing_exception",
                "failed to parse field [fields.v] (caused by illegal_argument_exception: For input string: \"abc\")"), items.get(1));
        assertEquals(409, items.get(2).status());
    }

    @Test
    void refusesWhatIsNotABulkResponse() {
        String[] hostile = {
            "", // empty
            "<html><body><h1>502 Bad Gateway</h1></body></html>", // a proxy's page
            "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}}", // truncated
            "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}},{\"index\":{\"status\":201}},{\"index\":{\"status\":201}}]}", // too many
            "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}", // too few
            "{\"errors\":false,\"items\":[{\"index\":{}},{\"index\":{}}]}", // no status
            "{\"errors\":false,\"items\":[{\"index\":{\"status\":\"ok\"}},{\"index\":{\"status\":201}}]}", // wrong type
            "{\"errors\":false,\"items\":[{\"index\":{\"status\":99999}},{\"index\":{\"status\":201}}]}", // not an HTTP status
            "{\"items\":[]} trailing", // data after
            "[1,2]", // not an object
            "{\"items\":[{\"index\":{\"status\":201,\"error\":" + "{\"caused_by\":".repeat(10_000) + "}" .repeat(10_000) + "}}]}", // nesting
        };
        for (String body : hostile) {
            BulkItems.MalformedResponseException e = assertThrows(BulkItems.MalformedResponseException.class,
                    () -> BulkItems.parse(utf8(body), 2), body.length() > 80 ? body.substring(0, 80) : body);
            assertTrue(e.getMessage().length() < 600, "the reason stays short: " + e.getMessage().length());
        }
    }

    @Test
    void anOversizedReasonIsClipped() throws Exception {
        String huge = "x".repeat(1_000_000);
        List<BulkItems.Result> items = BulkItems.parse(utf8("{\"items\":[{\"index\":{\"status\":400,\"error\":{\"type\":\"t\",\"reason\":\"" + huge
                + "\"}}}]}"), 1);
        assertEquals(BulkItems.MAX_REASON + 1, items.get(0).reason().length());
    }

    @Test
    void errorResponsesAreReadWhenTheyAreJson() {
        assertEquals("security_exception: unable to authenticate",
                BulkItems.errorOf(utf8("{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"},\"status\":401}")));
        assertEquals("no handler found", BulkItems.errorOf(utf8("{\"error\":\"no handler found\",\"status\":400}")));
        assertNull(BulkItems.errorOf(utf8("<html>Bad Gateway</html>")));
        assertNull(BulkItems.errorOf(utf8("{\"error\":{\"type\":")));
        assertNull(BulkItems.errorOf(new byte[0]));
        assertNull(BulkItems.errorOf(null));
    }

    @Test
    void theBodyIsOneActionAndOneDocumentPerLine() {
        Reading r = Reading.of("pit-1", "temperature").tag("probe", "1").field("celsius", 104.5).field("note", "a\nb\u2028c\"")
                .at(Instant.parse("2026-03-04T05:06:07.123Z")).build();
        BulkBody.Body written = new BulkBody.Body(16); // grows as it goes
        BulkBody.append(written, BulkBody.actionHead("bbq-2026.03.04", false), r.id(), r);
        int size = written.size();
        assertThrows(IllegalArgumentException.class, () -> BulkBody.append(written, BulkBody.actionHead("bbq", true), "no\"id", r));
        assertEquals(size, written.size(), "a refused reading leaves the body as it was");
        BulkBody.append(written, BulkBody.actionHead("bbq", true), r.id(), r);
        String body = new String(written.array(), 0, written.size(), StandardCharsets.UTF_8);
        assertEquals(new String(Configs.lines("bbq-2026.03.04", r.id(), r, false), StandardCharsets.UTF_8)
                + new String(Configs.lines("bbq", r.id(), r, true), StandardCharsets.UTF_8), body);
        String[] lines = body.split("\n", -1);
        assertEquals(5, lines.length, "four lines, each ended by a newline: " + body);
        assertEquals("", lines[4]);
        JsonObject action = JsonParser.parseString(lines[0]).getAsJsonObject().getAsJsonObject("index");
        assertEquals("bbq-2026.03.04", action.get("_index").getAsString());
        assertEquals(r.id(), action.get("_id").getAsString());
        assertEquals("a\nb\u2028c\"", JsonParser.parseString(lines[1]).getAsJsonObject().getAsJsonObject("fields").get("note").getAsString());
        assertTrue(JsonParser.parseString(lines[2]).getAsJsonObject().has("create"));
        assertEquals(lines[1], lines[3]);
    }
}
