package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;
import dev.hearth.sink.influxdb.internal.LineProtocol.Precision;
import dev.hearth.support.net.Secret;

/**
 * How the writer maps HTTP answers to outcomes, against the JDK's HTTP server scripted per test:
 * the answers a real InfluxDB gives only under load or misconfiguration (429 and 503 with
 * Retry-After, 500). Real-server behaviour is in the *ServerTest classes.
 */
class InfluxWriterTest {

    /** What the fake server saw of one request. */
    record Seen(String method, String uri, String authorization, String contentEncoding, String body) {}

    /** A scripted answer: status, optional Retry-After, body. */
    record Answer(int status, String retryAfter, String body) {}

    private HttpServer server;
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<Seen, Answer> script = s -> new Answer(204, null, "");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange x) throws IOException {
        String enc = x.getRequestHeaders().getFirst("Content-Encoding");
        InputStream in = "gzip".equals(enc) ? new GZIPInputStream(x.getRequestBody()) : x.getRequestBody();
        Seen s = new Seen(x.getRequestMethod(), x.getRequestURI().toString(), x.getRequestHeaders().getFirst("Authorization"),
                enc, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        seen.add(s);
        Answer a = script.apply(s);
        if (a.retryAfter() != null) x.getResponseHeaders().add("Retry-After", a.retryAfter());
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(a.status(), a.status() == 204 || body.length == 0 ? -1 : body.length);
        if (body.length > 0 && a.status() != 204) x.getResponseBody().write(body);
        x.close();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static List<Reading> readings(int n) {
        List<Reading> list = new ArrayList<>();
        for (int i = 0; i < n; i++) list.add(Reading.of("d", "m").field("v", (long) i).at(Instant.ofEpochSecond(1_800_000_000L + i)).build());
        return list;
    }

    private List<Outcome> write(InfluxSettings s, List<Reading> batch) {
        return new InfluxWriter(s, CLOCK).write(batch);
    }

    @Test
    void v1RequestShape() {
        InfluxSettings s = TestSettings.withCredentials(new InfluxSettings("influxdb-x", java.net.URI.create(url() + "/influx/"),
                InfluxSettings.Api.V1, "my db", "a&b", "", "", "", Secret.none(), Secret.none(), Precision.US, true,
                Duration.ofSeconds(5), null, "device", 5000), "user", "pa:ss");
        assertEquals(Outcome.all(Outcome.DELIVERED, 3), write(s, readings(3)));
        Seen r = seen.get(0);
        assertEquals("POST", r.method());
        assertEquals("/influx/write?db=my+db&rp=a%26b&precision=u", r.uri());
        assertEquals("Basic dXNlcjpwYTpzcw==", r.authorization()); // user:pa:ss
        assertEquals("gzip", r.contentEncoding());
        assertEquals("m,device=d v=0i 1800000000000000\nm,device=d v=1i 1800000001000000\nm,device=d v=2i 1800000002000000\n", r.body());
    }

    @Test
    void v2RequestShapeWithATokenAndNoGzip() {
        InfluxSettings s = new InfluxSettings("influxdb-x", java.net.URI.create(url()), InfluxSettings.Api.V2, "", "",
                "my org", "b/rp", "", Secret.none(), Secret.of("tok-123"), Precision.NS, false, Duration.ofSeconds(5), null, "device", 5000);
        assertEquals(Outcome.all(Outcome.DELIVERED, 1), write(s, readings(1)));
        Seen r = seen.get(0);
        assertEquals("/api/v2/write?bucket=b%2Frp&org=my+org&precision=ns", r.uri());
        assertEquals("Token tok-123", r.authorization());
        assertNull(r.contentEncoding());
        assertEquals("m,device=d v=0i 1800000000000000000\n", r.body());
    }

    @Test
    void batchesAreSplitAtTheBatchSize() {
        InfluxSettings s = TestSettings.with(TestSettings.v1(url(), "db"), Precision.S, true, 4);
        assertEquals(Outcome.all(Outcome.DELIVERED, 10), write(s, readings(10)));
        assertEquals(List.of(4, 4, 2), seen.stream().map(x -> x.body().split("\n").length).toList());
    }

    @Test
    void tooManyRequestsHonoursRetryAfterInSecondsAndStopsTheBatch() {
        script = x -> new Answer(429, "17", "{\"code\":\"too many requests\",\"message\":\"slow down\"}");
        InfluxSettings s = TestSettings.with(TestSettings.v2(url(), "b"), Precision.MS, true, 2);
        List<Outcome> out = write(s, readings(6));
        assertEquals(1, seen.size(), "after a 429 the rest of the batch is not sent");
        for (Outcome o : out) {
            assertEquals(Outcome.Status.RETRY, o.status());
            assertEquals(Duration.ofSeconds(17), o.retryAfter());
            assertTrue(o.reason().contains("HTTP 429") && o.reason().contains("slow down"), o.reason());
        }
    }

    @Test
    void unavailableHonoursRetryAfterAsAnHttpDate() {
        script = x -> new Answer(503, "Sat, 28 Nov 2026 12:01:30 GMT", "");
        Outcome o = write(TestSettings.v1(url(), "db"), readings(1)).get(0);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertEquals(Duration.ofSeconds(90), o.retryAfter());
    }

    @Test
    void retryAfterParsing() {
        assertEquals(Duration.ofSeconds(5), InfluxWriter.parseRetryAfter(" 5 ", CLOCK));
        assertEquals(Duration.ZERO, InfluxWriter.parseRetryAfter("Sat, 28 Nov 2026 11:00:00 GMT", CLOCK));
        assertNull(InfluxWriter.parseRetryAfter("soon", CLOCK));
        assertNull(InfluxWriter.parseRetryAfter("-3", CLOCK));
    }

    @Test
    void serverErrorsAreRetried() {
        script = x -> new Answer(500, null, "{\"error\":\"engine: cache maximum memory size exceeded\"}");
        Outcome o = write(TestSettings.v1(url(), "db"), readings(1)).get(0);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertTrue(o.reason().contains("HTTP 500") && o.reason().contains("cache maximum memory size exceeded"), o.reason());
        assertNull(o.retryAfter());
    }

    @Test
    void forbiddenIsRetriedAndNeverShowsTheSecretEvenWhenTheServerEchoesIt() {
        script = x -> new Answer(403, null, "{\"message\":\"token tok-SECRET-9 is not allowed to write\"}");
        InfluxSettings s = new InfluxSettings("influxdb-garage", java.net.URI.create(url()), InfluxSettings.Api.V2, "", "",
                "o", "b", "", Secret.none(), Secret.of("tok-SECRET-9"), Precision.MS, true, Duration.ofSeconds(5), null, "device", 5000);
        Outcome o = write(s, readings(1)).get(0);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertTrue(o.reason().startsWith("authentication failed (HTTP 403) for sink influxdb-garage"), o.reason());
        assertFalse(o.reason().contains("tok-SECRET-9"), o.reason());
        assertFalse(s.toString().contains("tok-SECRET-9"), s.toString());
    }

    @Test
    void aRefusedBatchIsBisectedSoOnlyTheBadReadingsAreRejected() {
        // like QuestDB: a request with any bad line writes nothing
        script = x -> x.body().contains("v=13i") || x.body().contains("v=40i")
                ? new Answer(400, null, "{\"error\":\"partial write: field type conflict: input field \\\"v\\\" is type integer, already exists as type float dropped=1\"}")
                : new Answer(204, null, "");
        List<Outcome> out = write(TestSettings.v1(url(), "db"), readings(64));
        for (int i = 0; i < 64; i++) {
            if (i == 13 || i == 40) {
                assertEquals(Outcome.Status.REJECTED, out.get(i).status());
                assertTrue(out.get(i).reason().contains("field type conflict: input field \"v\" is type integer"), out.get(i).reason());
            } else {
                assertEquals(Outcome.DELIVERED, out.get(i), "reading " + i);
            }
        }
        // 1 + two paths of log2(64) = 6 levels with 2 requests each, shared at the top: well under 64
        assertTrue(seen.size() <= 1 + 2 * 2 * 6, "requests: " + seen.size());
    }

    @Test
    void aRetryDuringBisectionStopsAndRetriesWhatIsLeft() {
        int[] calls = { 0 };
        script = x -> ++calls[0] == 1 ? new Answer(400, null, "{\"error\":\"bad\"}") : new Answer(503, "2", "");
        List<Outcome> out = write(TestSettings.v1(url(), "db"), readings(8));
        assertEquals(2, seen.size());
        for (Outcome o : out) assertEquals(Outcome.Status.RETRY, o.status());
    }

    @Test
    void aNotFoundDatabaseIsRetriedWithAHint() {
        script = x -> new Answer(404, null, "{\"error\":\"database not found: \\\"db\\\"\"}");
        Outcome o = write(TestSettings.v1(url(), "db"), readings(1)).get(0);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertTrue(o.reason().contains("database not found: \"db\"") && o.reason().contains("api right"), o.reason());
    }

    @Test
    void connectionRefusedIsRetried() throws IOException {
        int closed = ServerProcess.freePort();
        Outcome o = write(TestSettings.withId(TestSettings.v1("http://127.0.0.1:" + closed, "db"), "influxdb-away"), readings(2)).get(1);
        assertEquals(Outcome.Status.RETRY, o.status());
        assertTrue(o.reason().startsWith("cannot connect to http://127.0.0.1:" + closed + " for sink influxdb-away"), o.reason());
    }

    @Test
    void unwritableReadingsAreRejectedWithoutARequestAndTheRestGoes() {
        List<Reading> batch = new ArrayList<>(readings(3));
        batch.add(1, Reading.of("d", "m").tag("t", "a\nb").field("v", 1L).build());
        List<Outcome> out = write(TestSettings.v1(url(), "db"), batch);
        assertEquals(Outcome.Status.REJECTED, out.get(1).status());
        assertEquals(List.of(Outcome.DELIVERED, Outcome.DELIVERED, Outcome.DELIVERED), List.of(out.get(0), out.get(2), out.get(3)));
        assertEquals(3, seen.get(0).body().split("\n").length);
    }

    @Test
    void oneWriterReusesItsBuffersAcrossBatchesAndRequestsWithAndWithoutGzip() {
        for (boolean gzip : new boolean[] { true, false }) {
            seen.clear();
            // Lines of varied length and script, bodies past the buffers' first size, so they grow, are reused and shrink.
            InfluxSettings s = TestSettings.with(TestSettings.v1(url(), "db"), Precision.MS, gzip, 700);
            InfluxWriter writer = new InfluxWriter(s, CLOCK);
            LineProtocol lp = new LineProtocol("device", Precision.MS);
            StringBuilder expected = new StringBuilder();
            for (int b = 0; b < 4; b++) {
                List<Reading> batch = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    int n = b * 2000 + i;
                    batch.add(Reading.of("dev-" + n % 7, "m").tag("unit", n % 3 == 0 ? "°C" : "K")
                            .field("note", "ünï 🔥 \"q\" ".repeat(n % 40)).field("v", n / 10.0).field("n", (long) n)
                            .at(Instant.ofEpochMilli(1_800_000_000_000L + n)).build());
                }
                for (Reading r : batch) expected.append(((LineProtocol.Line) lp.encode(r)).text()).append('\n');
                assertEquals(Outcome.all(Outcome.DELIVERED, 2000), writer.write(batch));
            }
            writer.close();
            assertEquals(4 * 3, seen.size(), "2000 lines in requests of at most 700");
            StringBuilder got = new StringBuilder();
            for (Seen x : seen) {
                assertEquals(gzip ? "gzip" : null, x.contentEncoding());
                got.append(x.body());
            }
            assertEquals(expected.toString(), got.toString());
        }
    }

    @Test
    void aRefusedHalfIsSentAgainFromTheSameBytes() {
        // the halves of a refused request are slices of the batch's encoded lines: each must be exactly its lines
        script = x -> x.body().contains("v=5i") ? new Answer(400, null, "{\"error\":\"bad\"}") : new Answer(204, null, "");
        List<Outcome> out = write(TestSettings.with(TestSettings.v1(url(), "db"), Precision.S, true, 5000), readings(8));
        assertEquals(Outcome.Status.REJECTED, out.get(5).status());
        List<String> bodies = seen.stream().map(Seen::body).toList();
        assertEquals("m,device=d v=0i 1800000000\nm,device=d v=1i 1800000001\nm,device=d v=2i 1800000002\nm,device=d v=3i 1800000003\n",
                bodies.get(1));
        assertEquals("m,device=d v=5i 1800000005\n", bodies.get(bodies.size() - 2));
        assertEquals("m,device=d v=6i 1800000006\nm,device=d v=7i 1800000007\n", bodies.get(bodies.size() - 1));
    }

    @Test
    void whileTheNextRequestIsPreparedNothingPastANotNowIsSent() {
        // three requests of 4 lines; the second is answered 429: the third, already compressed, must not go out
        int[] calls = { 0 };
        script = x -> ++calls[0] == 2 ? new Answer(429, "3", "") : new Answer(204, null, "");
        List<Reading> batch = new ArrayList<>(readings(12));
        batch.add(9, Reading.of("d", "m").tag("t", "a\nb").field("v", 1L).build()); // unwritable, in the third request's range
        List<Outcome> out = write(TestSettings.with(TestSettings.v1(url(), "db"), Precision.S, true, 4), batch);
        assertEquals(2, seen.size());
        assertEquals("m,device=d v=4i 1800000004\nm,device=d v=5i 1800000005\nm,device=d v=6i 1800000006\nm,device=d v=7i 1800000007\n",
                seen.get(1).body());
        for (int i = 0; i < 4; i++) assertEquals(Outcome.DELIVERED, out.get(i));
        for (int i = 4; i < 13; i++) {
            if (i == 9) {
                assertEquals(Outcome.Status.REJECTED, out.get(i).status(), "an unwritable reading is rejected even so");
            } else {
                assertEquals(Outcome.Status.RETRY, out.get(i).status());
                assertEquals(Duration.ofSeconds(3), out.get(i).retryAfter());
            }
        }
    }

    @Test
    void theCoreIsAskedForWholeRequests() {
        assertEquals(5000 * InfluxSink.REQUESTS_PER_DELIVERY, InfluxSink.coreBatchSize(5000));
        assertEquals(Integer.MAX_VALUE, InfluxSink.coreBatchSize(Integer.MAX_VALUE));
    }
}
