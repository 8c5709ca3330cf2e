package dev.hearth.sink.elasticsearch.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The OSGi-free parts on values: documents, index names, the template, item outcomes, chunks, settings. */
class CodecTest {

    private static JsonObject parse(byte[] json) {
        return JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    /** The two lines, with the action line's start made once per index, are what Gson writes whole. */
    @Test
    void bulkLinesAreTheActionAndTheDocument() throws Exception {
        Reading r = Reading.of("pit \"1\"", "t\u00e9mp").tag("k", "v\u2028").field("x", 1.5)
                .at(Instant.parse("2026-03-04T05:06:07Z")).build();
        for (String index : new String[] { "bbq-2026.03.04", "caf\u00e9-2026.03.04", "a'b&c=d-2026.03.04" }) {
            for (boolean create : new boolean[] { false, true }) {
                java.io.StringWriter action = new java.io.StringWriter();
                new com.google.gson.stream.JsonWriter(action).beginObject().name(create ? "create" : "index").beginObject()
                        .name("_index").value(index).name("_id").value(r.id()).endObject().endObject().flush();
                String expected = action + "\n" + Configs.document(r) + "\n";
                assertEquals(expected, new String(Configs.lines(index, r.id(), r, create), StandardCharsets.UTF_8));
                assertEquals(expected, new String(Configs.lines(BulkBody.actionHead(index, create), r.id(), r), StandardCharsets.UTF_8));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Configs.lines("i", "a\"b", r, false), "an id that would need escaping");
    }

    @Test
    void aReadingBecomesOneDocumentWithTypedFields() {
        Reading r = Reading.of("pit-1", "temperature").tag("probe", "1").tag("unit", "C")
                .field("celsius", 104.0).field("raw", 1040L).field("ok", true).field("note", "he said \"hi\"\n")
                .at(Instant.parse("2026-03-04T05:06:07.123456789Z")).build();
        String json = Configs.document(r);
        assertEquals("{\"@timestamp\":\"2026-03-04T05:06:07.123456789Z\",\"device\":\"pit-1\",\"measurement\":\"temperature\","
                + "\"tags\":{\"probe\":\"1\",\"unit\":\"C\"},"
                + "\"fields\":{\"celsius\":104.0,\"note\":\"he said \\\"hi\\\"\\n\",\"ok\":true,\"raw\":1040}}", json);
        JsonObject o = parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals("he said \"hi\"\n", o.getAsJsonObject("fields").get("note").getAsString());
    }

    @Test
    void theDailyIndexIsTheReadingsUtcDate() {
        assertEquals("hearth-2026.03.04", BulkBody.dailyIndex("hearth", Instant.parse("2026-03-04T23:59:59.999Z")));
        assertEquals("hearth-2026.03.05", BulkBody.dailyIndex("hearth", Instant.parse("2026-03-05T00:00:00Z")));
    }

    @Test
    void theTemplateIsValidJsonWithTheEpochSecondDateFormat() {
        JsonObject daily = JsonParser.parseString(IndexTemplate.json("bbq", false)).getAsJsonObject();
        assertEquals("bbq-*", daily.getAsJsonArray("index_patterns").get(0).getAsString());
        assertTrue(!daily.has("data_stream"));
        JsonObject mappings = daily.getAsJsonObject("template").getAsJsonObject("mappings");
        assertEquals("strict_date_optional_time||epoch_second",
                mappings.getAsJsonObject("properties").getAsJsonObject("@timestamp").get("format").getAsString());
        assertEquals(5, mappings.getAsJsonArray("dynamic_templates").size());
        JsonObject ds = JsonParser.parseString(IndexTemplate.json("bbq", true)).getAsJsonObject();
        assertEquals("bbq", ds.getAsJsonArray("index_patterns").get(0).getAsString());
        assertTrue(ds.has("data_stream"));
    }

    @Test
    void itemStatusesMapToOutcomes() {
        assertEquals(Outcome.DELIVERED, ItemOutcomes.of(201, null, null, null));
        assertEquals(Outcome.DELIVERED, ItemOutcomes.of(200, null, null, null));
        assertEquals(Outcome.DELIVERED, ItemOutcomes.of(409, "version_conflict_engine_exception", "[x]: version conflict", null));
        Outcome busy = ItemOutcomes.of(429, "es_rejected_execution_exception", "queue full", Duration.ofSeconds(3));
        assertEquals(Outcome.Status.RETRY, busy.status());
        assertEquals(Duration.ofSeconds(3), busy.retryAfter());
        assertEquals(Outcome.Status.RETRY, ItemOutcomes.of(503, "unavailable_shards_exception", "primary shard is not active", null).status());
        Outcome bad = ItemOutcomes.of(400, "document_parsing_exception", "failed to parse field [fields.x] of type [long]", null);
        assertEquals(Outcome.Status.REJECTED, bad.status());
        assertEquals("HTTP 400 document_parsing_exception: failed to parse field [fields.x] of type [long]", bad.reason());
        assertEquals(Outcome.Status.REJECTED, ItemOutcomes.of(400, "mapper_parsing_exception", "x", null).status());
        assertEquals(Outcome.Status.REJECTED, ItemOutcomes.of(400, "illegal_argument_exception", "x", null).status());
        assertEquals(Outcome.Status.REJECTED, ItemOutcomes.of(404, "index_not_found_exception", "x", null).status());
        assertEquals(Outcome.Status.RETRY, ItemOutcomes.of(400, "illegal_argument_exception", "pipeline with id [p] does not exist", null).status());
    }

    @Test
    void retryAfterReadsSecondsAndDates() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(7), ItemOutcomes.retryAfter("7", clock));
        assertEquals(Duration.ofSeconds(30), ItemOutcomes.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", clock));
        assertNull(ItemOutcomes.retryAfter("soon", clock));
        assertNull(ItemOutcomes.retryAfter(null, clock));
    }

    @Test
    void chunksStayUnderTheLimitAndKeepOrder() {
        int[] sizes = { 4, 4, 4, 9, 1, 1 };
        assertEquals(List.of(new BulkChunks.Range(0, 2), new BulkChunks.Range(2, 3), new BulkChunks.Range(3, 4), new BulkChunks.Range(4, 6)),
                BulkChunks.split(sizes.length, i -> sizes[i], 8));
        assertEquals(List.of(new BulkChunks.Range(0, 1)), BulkChunks.split(1, i -> 9, 8), "too big alone: a chunk of its own");
        assertEquals(List.of(), BulkChunks.split(0, i -> 1, 8));
    }

    @Test
    void settingsAreCheckedWithTheReason() {
        SinkSettings s = Configs.settings("es-bbq", "http://127.0.0.1:9200", Map.of());
        assertEquals("hearth", s.indexPrefix());
        assertEquals(5 * SinkSettings.MIB, s.maxBulkBytes());
        assertEquals(Duration.ofSeconds(30), s.timeout());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SinkSettings.from(Configs.elasticsearch(Map.of())))
                .getMessage().contains("hearth.sink.id is required"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Configs.settings("x", "http://h:9200", Map.of("index__prefix", "Hearth"))).getMessage().contains("lower case"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Configs.settings("x", "http://h:9200", Map.of("username", "u", "api__key", "k"))).getMessage().contains("not both"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Configs.settings("x", "http://u:pw@h:9200", Map.of())).getMessage().contains("not in the URL"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Configs.settings("x", "http://h:9200", Map.of("tls__sha256", "00"))).getMessage().contains("http://"));
        SinkSettings two = SinkSettings.from(Configs.elasticsearch(Map.of("hearth_sink_id", "x",
                "urls", new String[] { "http://a:9200, http://b:9200" })));
        assertEquals(2, two.urls().size());
    }
}
