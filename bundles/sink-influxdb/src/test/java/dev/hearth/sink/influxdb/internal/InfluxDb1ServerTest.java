package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;

/**
 * The v1 API against a real InfluxDB 1.6.7 (Debian package {@code influxdb}), started by the test
 * on 127.0.0.1. Fails, never skips, when the server cannot be started.
 */
class InfluxDb1ServerTest {

    private static final String DB = "hearth";
    private static InfluxDbServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = InfluxDbServer.launch();
        server.createDatabase(DB);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    private static InfluxSink sink(InfluxSettings settings) {
        return new InfluxSink(settings, Clock.systemUTC());
    }

    @Test
    void everyFieldTypeAndHostileNamesComeBackAsWritten() throws Exception {
        Instant t = Instant.parse("2026-11-28T10:00:00.123Z");
        Reading r = Reading.of("pit 1,left=x", "air quality,pm")
                .tag("room name", "Küche, \"north\"=1 \uD83D\uDD25")
                .field("temp c", 21.5).field("count", 42L).field("on", true)
                .field("note", "said \"hi\" C:\\dir\\, a=b \uD83D\uDD25\nline two\ttab").field("whole", 3.0)
                .field("big", 9_007_199_254_740_993L).at(t).build();
        List<Outcome> outcomes = sink(TestSettings.v1(server.url(), DB)).deliver(List.of(r));
        assertEquals(List.of(Outcome.DELIVERED), outcomes);

        JsonObject series = server.series(DB, "SELECT * FROM \"air quality,pm\"");
        Map<String, Object> row = row(series);
        assertEquals("2026-11-28T10:00:00.123Z", row.get("time"));
        assertEquals("pit 1,left=x", row.get("device"));
        assertEquals("Küche, \"north\"=1 \uD83D\uDD25", row.get("room name"));
        assertEquals("said \"hi\" C:\\dir\\, a=b \uD83D\uDD25\nline two\ttab", row.get("note"));
        assertEquals("21.5", row.get("temp c"));
        assertEquals("42", row.get("count"));
        assertEquals("9007199254740993", row.get("big")); // exact: a float would have lost the last digit
        assertEquals("true", row.get("on"));
        assertEquals("3", row.get("whole"));

        // the types as the server holds them
        JsonObject keys = server.series(DB, "SHOW FIELD KEYS FROM \"air quality,pm\"");
        Map<String, String> types = new HashMap<>();
        for (var v : keys.getAsJsonArray("values")) types.put(v.getAsJsonArray().get(0).getAsString(), v.getAsJsonArray().get(1).getAsString());
        assertEquals(Map.of("temp c", "float", "count", "integer", "on", "boolean", "note", "string", "whole", "float",
                "big", "integer"), types);
    }

    @Test
    void everyPrecisionLandsOnTheSameInstant() throws Exception {
        Instant t = Instant.parse("2026-11-28T10:00:01.123456789Z");
        for (Precision p : Precision.values()) {
            InfluxSettings s = TestSettings.with(TestSettings.v1(server.url(), DB), p, false, 5000);
            Reading r = Reading.of("d", "precision").tag("p", p.parameter()).field("v", 1L).at(t).build();
            assertEquals(List.of(Outcome.DELIVERED), sink(s).deliver(List.of(r)));
        }
        JsonObject series = server.series(DB, "SELECT * FROM \"precision\"");
        Map<String, String> times = new HashMap<>();
        int time = columns(series).indexOf("time");
        int p = columns(series).indexOf("p");
        for (var v : series.getAsJsonArray("values")) times.put(v.getAsJsonArray().get(p).getAsString(), v.getAsJsonArray().get(time).getAsString());
        assertEquals(Map.of("ns", "2026-11-28T10:00:01.123456789Z", "us", "2026-11-28T10:00:01.123456Z",
                "ms", "2026-11-28T10:00:01.123Z", "s", "2026-11-28T10:00:01Z"), times);
    }

    @Test
    void aFieldTypeConflictRejectsOnlyThatReadingWithTheServersReason() throws Exception {
        InfluxSink sink = sink(TestSettings.v1(server.url(), DB));
        Instant t0 = Instant.parse("2026-11-28T11:00:00Z");
        assertEquals(List.of(Outcome.DELIVERED), sink.deliver(List.of(Reading.of("d", "conflict").field("v", 1.5).at(t0).build())));

        List<Reading> batch = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            Reading.Builder b = Reading.of("d", "conflict").at(t0.plusSeconds(i));
            if (i == 4) b.field("v", "text");
            else if (i == 13) b.field("v", true);
            else if (i == 17) b.tag("bad", "line\nbreak").field("v", 2.0);
            else b.field("v", i * 1.0);
            batch.add(b.build());
        }
        List<Outcome> outcomes = sink.deliver(batch);
        for (int i = 0; i < batch.size(); i++) {
            Outcome o = outcomes.get(i);
            if (i == 3 || i == 12) {
                assertEquals(Outcome.Status.REJECTED, o.status(), "reading " + (i + 1));
                assertTrue(o.reason().contains("field type conflict") && o.reason().contains("HTTP 400"), o.reason());
            } else if (i == 16) {
                assertEquals(Outcome.Status.REJECTED, o.status());
                assertTrue(o.reason().contains("control character"), o.reason());
            } else {
                assertEquals(Outcome.DELIVERED, o, "reading " + (i + 1));
            }
        }
        assertEquals(1 + 17, server.count(DB, "SELECT COUNT(v) FROM conflict"));
    }

    /**
     * ReadingSink.prepare: a batch encoded and compressed ahead is written exactly as one encoded
     * at delivery (a type conflict split out and rejected, an unwritable reading rejected, a first
     * request shorter than the batch, gzip on and off); a prepared batch that is not the one
     * delivered is dropped, never written.
     */
    @ParameterizedTest(name = "gzip {0}")
    @ValueSource(booleans = { true, false })
    void aPreparedBatchIsWrittenAsIfEncodedAtDelivery(boolean gzip) throws Exception {
        String m = "prepared_" + gzip;
        InfluxSink sink = sink(TestSettings.with(TestSettings.v1(server.url(), DB), Precision.MS, gzip, 40));
        Instant t0 = Instant.parse("2026-11-28T12:00:00Z");
        assertEquals(List.of(Outcome.DELIVERED), sink.deliver(List.of(Reading.of("d", m).field("v", 0.5).at(t0).build())));

        List<Reading> batch = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            Reading.Builder b = Reading.of("d", m).at(t0.plusSeconds(i));
            if (i == 7) b.field("v", "text"); // a type conflict inside the prepared first request (lines 1-40)
            else if (i == 9) b.tag("bad", "line\nbreak").field("v", 2.0); // never encodable
            else if (i == 70) b.field("v", true); // a conflict in a later request, encoded at delivery
            else b.field("v", i * 1.0);
            batch.add(b.build());
        }
        sink.prepare(batch);
        List<Outcome> outcomes = sink.deliver(batch);
        assertEquals(1, sink.writer().preparedWrites(), "the prepared request was used");
        for (int i = 0; i < batch.size(); i++) {
            if (i == 6 || i == 69) assertTrue(outcomes.get(i).reason().contains("field type conflict"), outcomes.get(i).toString());
            else if (i == 8) assertTrue(outcomes.get(i).reason().contains("control character"), outcomes.get(i).toString());
            else assertEquals(Outcome.DELIVERED, outcomes.get(i), "reading " + (i + 1));
        }
        assertEquals(1 + 97, server.count(DB, "SELECT COUNT(v) FROM " + m));

        // prepared, then another batch delivered: that one is written, the prepared one is not
        List<Reading> other = List.of(Reading.of("d", m).field("v", 500.0).at(t0.plusSeconds(500)).build());
        List<Reading> notDelivered = List.of(Reading.of("d", m).field("v", 600.0).at(t0.plusSeconds(600)).build());
        sink.prepare(notDelivered);
        assertEquals(List.of(Outcome.DELIVERED), sink.deliver(other));
        assertEquals(1, sink.writer().preparedWrites(), "a different batch is encoded afresh");
        assertEquals(1 + 97 + 1, server.count(DB, "SELECT COUNT(v) FROM " + m), "the prepared batch was not written");
        // equal readings are not the same objects: encoded afresh too, and written once
        sink.prepare(List.of(Reading.of("d", m).field("v", 600.0).at(t0.plusSeconds(600)).build()));
        assertEquals(List.of(Outcome.DELIVERED), sink.deliver(notDelivered));
        assertEquals(1, sink.writer().preparedWrites());
        assertEquals(1 + 97 + 2, server.count(DB, "SELECT COUNT(v) FROM " + m));
    }

    @Test
    void readingsKeepFlowingThroughAnOutageAndAllArriveOnce() throws Exception {
        // 5 s here (the 60 s outage is the system test's); what matters is that writes fail and come back.
        InfluxSink sink = sink(TestSettings.with(TestSettings.v1(server.url(), DB), Precision.MS, true, 50));
        CoreLikeDelivery core = new CoreLikeDelivery(sink, 50);
        int total = 400;
        Instant t0 = Instant.parse("2026-11-28T12:00:00Z");
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    core.incoming.add(Reading.of("dev-" + (i % 4), "outage").tag("seq", Integer.toString(i % 7))
                            .field("i", (long) i).at(t0.plusMillis(i)).build());
                    Thread.sleep(20); // ~8 s of readings
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread outage = new Thread(() -> {
            try {
                Thread.sleep(1500);
                server.stop();
                Thread.sleep(5000);
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();
        outage.start();
        core.run(total, Duration.ofSeconds(90));
        producer.join();
        outage.join();

        assertEquals(total, core.delivered.size(), "delivered; retries: " + core.retryReasons);
        assertTrue(core.rejected.isEmpty(), core.rejected.toString());
        assertFalse(core.retryReasons.isEmpty(), "the outage was not noticed");
        assertTrue(core.retryReasons.stream().anyMatch(r -> r.contains("cannot connect to " + server.url() + " for sink influxdb-test")),
                core.retryReasons.toString());
        // one point per series and time: InfluxDB keeps one point per (series, time), so COUNT equals distinct keys
        assertEquals(total, server.count(DB, "SELECT COUNT(i) FROM outage"));
        assertEquals(total * (total - 1L) / 2, server.count(DB, "SELECT SUM(i) FROM outage"));
    }

    @Test
    void aV2WriteToA16ServerIsRetriedWithAHint() throws Exception {
        // 1.6 has no /api/v2/write (1.8 added it): a configuration mistake, so the backlog waits
        InfluxSink sink = sink(TestSettings.v2(server.url(), DB + "/autogen"));
        Outcome o = sink.deliver(List.of(Reading.of("d", "m").field("v", 1L).build())).get(0);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertTrue(o.reason().contains("HTTP 404") && o.reason().contains("api"), o.reason());
    }

    static List<String> columns(JsonObject series) {
        List<String> names = new ArrayList<>();
        for (var c : series.getAsJsonArray("columns")) names.add(c.getAsString());
        return names;
    }

    /** The first row as column name → value text (numbers as the server printed them). */
    static Map<String, Object> row(JsonObject series) {
        List<String> names = columns(series);
        JsonArray values = series.getAsJsonArray("values").get(0).getAsJsonArray();
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            if (!values.get(i).isJsonNull()) row.put(names.get(i), !values.get(i).getAsJsonPrimitive().isNumber()
                    ? values.get(i).getAsString() : values.get(i).getAsJsonPrimitive().getAsBigDecimal().toPlainString());
        }
        return row;
    }
}
