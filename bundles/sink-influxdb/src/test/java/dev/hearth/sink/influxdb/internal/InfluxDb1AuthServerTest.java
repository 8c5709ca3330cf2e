package dev.hearth.sink.influxdb.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.hearth.api.Outcome;
import dev.hearth.api.Reading;

/** Credentials against a real InfluxDB 1.6.7 with {@code auth-enabled = true}. */
class InfluxDb1AuthServerTest {

    private static final String DB = "secured";
    private static final String PASSWORD = "s3cret-Pa55word";
    private static final String WRONG = "wr0ng-Guess-77";
    private static InfluxDbServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = InfluxDbServer.startWithAuth(PASSWORD);
        server.createDatabase(DB);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) server.close();
    }

    @Test
    void aWrongPasswordIsRetriedWithAClearReasonAndTheBacklogGoesOnceFixed() throws Exception {
        InfluxSettings wrong = TestSettings.withCredentials(TestSettings.withId(TestSettings.v1(server.url(), DB), "influxdb-secured"),
                InfluxDbServer.ADMIN, WRONG);
        List<Reading> backlog = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-28T13:00:00Z");
        for (int i = 0; i < 25; i++) backlog.add(Reading.of("d", "auth").field("v", (long) i).at(t0.plusSeconds(i)).build());

        List<Outcome> outcomes = new InfluxSink(wrong, Clock.systemUTC()).deliver(backlog);
        for (Outcome o : outcomes) {
            assertEquals(Outcome.Status.RETRY, o.status(), "the backlog must be kept, not dead-lettered");
            assertTrue(o.reason().startsWith("authentication failed (HTTP 401) for sink influxdb-secured"), o.reason());
            assertFalse(o.reason().contains(WRONG), o.reason());
            assertFalse(o.reason().contains(PASSWORD), o.reason());
        }
        assertFalse(wrong.toString().contains(WRONG), wrong.toString());

        // no credentials at all: the same clear answer
        Outcome none = new InfluxSink(TestSettings.v1(server.url(), DB), Clock.systemUTC()).deliver(backlog.subList(0, 1)).get(0);
        assertEquals(Outcome.Status.RETRY, none.status());
        assertTrue(none.reason().startsWith("authentication failed (HTTP 401)"), none.reason());

        // the configuration is fixed: a new component instance on the new settings takes the kept backlog
        InfluxSettings fixed = TestSettings.withCredentials(wrong, InfluxDbServer.ADMIN, PASSWORD);
        assertEquals(Outcome.all(Outcome.DELIVERED, backlog.size()), new InfluxSink(fixed, Clock.systemUTC()).deliver(backlog));
        assertEquals(25, server.count(DB, "SELECT COUNT(v) FROM auth"));
    }
}
