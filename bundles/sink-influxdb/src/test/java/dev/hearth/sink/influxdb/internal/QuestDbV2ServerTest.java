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

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.support.net.Secret;

/**
 * The v2 API ({@code /api/v2/write}, token auth header, gzip) against a real QuestDB started by the
 * test as a separate Java process. QuestDB takes tags as SYMBOL columns and fields as typed
 * columns; it does not check tokens (open source), so credentials are tested on InfluxDB 1.x.
 */
class QuestDbV2ServerTest {

    private static QuestDbServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = QuestDbServer.launch();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    private static InfluxSettings settings() {
        InfluxSettings s = TestSettings.v2(server.url(), "hearth");
        return new InfluxSettings(s.sinkId(), s.url(), s.api(), "", "", "hearth", "hearth", "", Secret.none(),
                Secret.of("a-token"), s.precision(), true, s.timeout(), null, "device", 5000);
    }

    /** Rows of a query as column name → JSON value. */
    private static List<Map<String, JsonElement>> rows(String sql) throws Exception {
        JsonObject answer = ServerProcess.await(Duration.ofSeconds(10), () -> server.exec(sql),
                a -> a.get("count").getAsInt() > 0); // QuestDB commits ILP rows asynchronously to readers
        List<String> names = new ArrayList<>();
        Map<String, String> types = new HashMap<>();
        for (JsonElement c : answer.getAsJsonArray("columns")) {
            names.add(c.getAsJsonObject().get("name").getAsString());
            types.put(c.getAsJsonObject().get("name").getAsString(), c.getAsJsonObject().get("type").getAsString());
        }
        List<Map<String, JsonElement>> rows = new ArrayList<>();
        for (JsonElement row : answer.getAsJsonArray("dataset")) {
            JsonArray values = row.getAsJsonArray();
            Map<String, JsonElement> m = new HashMap<>();
            for (int i = 0; i < names.size(); i++) m.put(names.get(i), values.get(i));
            m.put("#types", new com.google.gson.JsonPrimitive(types.toString()));
            rows.add(m);
        }
        return rows;
    }

    @Test
    void everyFieldTypeAndHostileValuesComeBackAsWritten() throws Exception {
        Instant t = Instant.parse("2026-11-28T10:00:00.123Z");
        String hostileTag = "Küche, \"north\"=1 \uD83D\uDD25";
        String hostileString = "said \"hi\" C:\\dir\\, a=b \uD83D\uDD25\ttab";
        Reading r = Reading.of("pit 1,left=x", "kitchen").tag("room", hostileTag)
                .field("temp", 21.5).field("count", 42L).field("on", true).field("note", hostileString)
                .field("big", 9_007_199_254_740_993L).at(t).build();
        assertEquals(List.of(Outcome.DELIVERED), new InfluxSink(settings(), Clock.systemUTC()).deliver(List.of(r)));

        Map<String, JsonElement> row = rows("select * from kitchen").get(0);
        assertEquals("2026-11-28T10:00:00.123000Z", row.get("timestamp").getAsString());
        assertEquals("pit 1,left=x", row.get("device").getAsString());
        assertEquals(hostileTag, row.get("room").getAsString());
        assertEquals(hostileString, row.get("note").getAsString());
        assertEquals(21.5, row.get("temp").getAsDouble());
        assertEquals(42, row.get("count").getAsLong());
        assertEquals(9_007_199_254_740_993L, row.get("big").getAsLong());
        assertTrue(row.get("on").getAsBoolean());
        String types = row.get("#types").getAsString();
        // QuestDB, unlike InfluxDB, refuses a line break inside a string field: the server's reason goes to the dead letters
        Outcome newline = new InfluxSink(settings(), Clock.systemUTC())
                .deliver(List.of(Reading.of("d", "kitchen").field("note", "two\nlines").at(t.plusSeconds(1)).build())).get(0);
        assertEquals(Outcome.Status.REJECTED, newline.status());
        assertTrue(newline.reason().contains("HTTP 400") && newline.reason().contains("field value is invalid"), newline.reason());
        for (String expected : new String[] { "temp=DOUBLE", "count=LONG", "big=LONG", "on=BOOLEAN", "note=VARCHAR",
                "room=SYMBOL", "device=SYMBOL" }) {
            assertTrue(types.contains(expected), expected + " in " + types);
        }
    }

    @Test
    void aCastErrorRejectsOnlyThatReadingWithTheServersReason() throws Exception {
        InfluxSink sink = new InfluxSink(settings(), Clock.systemUTC());
        Instant t0 = Instant.parse("2026-11-28T11:00:00Z");
        assertEquals(List.of(Outcome.DELIVERED), sink.deliver(List.of(Reading.of("d", "conflict").field("v", 1.5).at(t0).build())));
        List<Reading> batch = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            Reading.Builder b = Reading.of("d", "conflict").at(t0.plusSeconds(i));
            if (i == 4) b.field("v", "text");
            else b.field("v", i * 1.0);
            batch.add(b.build());
        }
        List<Outcome> outcomes = sink.deliver(batch);
        for (int i = 0; i < batch.size(); i++) {
            if (i == 3) {
                assertEquals(Outcome.Status.REJECTED, outcomes.get(i).status());
                assertTrue(outcomes.get(i).reason().contains("cast error") && outcomes.get(i).reason().contains("HTTP 400"), outcomes.get(i).reason());
            } else {
                assertEquals(Outcome.DELIVERED, outcomes.get(i), "reading " + (i + 1));
            }
        }
        assertEquals(20, ServerProcess.await(Duration.ofSeconds(10), () -> server.count("select count() from conflict"), n -> n == 20));
    }

    @Test
    void readingsKeepFlowingThroughAnOutageAndAllArriveOnce() throws Exception {
        // 5 s outage (the 60 s is for the system test). QuestDB keeps every row it is sent
        // (no deduplication on this table), so count() == produced shows nothing lost and nothing twice.
        InfluxSink sink = new InfluxSink(TestSettings.with(settings(), LineProtocol.Precision.MS, true, 50), Clock.systemUTC());
        CoreLikeDelivery core = new CoreLikeDelivery(sink, 50);
        int total = 400;
        Instant t0 = Instant.parse("2026-11-28T12:00:00Z");
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    core.incoming.add(Reading.of("dev-" + (i % 4), "outage").field("i", (long) i).at(t0.plusMillis(i)).build());
                    Thread.sleep(20);
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
        core.run(total, Duration.ofSeconds(120));
        producer.join();
        outage.join();

        assertEquals(total, core.delivered.size(), "delivered; retries: " + core.retryReasons);
        assertTrue(core.rejected.isEmpty(), core.rejected.toString());
        assertTrue(core.retryReasons.stream().anyMatch(r -> r.contains("cannot connect to " + server.url())), core.retryReasons.toString());
        long rows = ServerProcess.await(Duration.ofSeconds(10), () -> server.count("select count() from outage"), n -> n >= total);
        assertEquals(total, rows);
        assertEquals(total, server.count("select count_distinct(i) from outage"));
    }
}
