package dev.hearth.driver.kasa.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.driver.kasa.internal.sim.KasaPlugServer;
import dev.hearth.driver.kasa.internal.sim.SimulatedPlug;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.testkit.RecordingStatusReporter;

/** The component on a real scheduler against the npm simulator and scripted peers. */
class KasaDriverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static NpmKasaSimulator sim;

    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final RecordingStatusReporter status = new RecordingStatusReporter();
    private final int closedPort = closedPort();

    @BeforeAll
    static void startSimulator() throws Exception {
        sim = new NpmKasaSimulator();
    }

    @AfterAll
    static void stopSimulator() throws Exception {
        if (sim != null) sim.close();
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private KasaDriver driver(Configs config) {
        return new KasaDriver(config.build(), publisher, status, scheduler);
    }

    @Test
    void bothFieldVariantsArePublishedInTheSameUnits() throws Exception {
        sim.realtime("hs110v1", null, 1500.5, 230.5, 6.5, 42.25);
        sim.realtime("hs110v2", null, 1500.5, 230.5, 6.5, 42.25);
        KasaDriver v1 = driver(new Configs(sim.hs110v1, closedPort));
        KasaDriver v2 = driver(new Configs(sim.hs110v2, closedPort));
        Reading r1 = publisher.await(r -> r.device().equals("kettle-plug"), 1, WAIT).get(0);
        Reading r2 = publisher.await(r -> r.device().equals("fridge-plug"), 1, WAIT).get(0);
        for (Reading r : List.of(r1, r2)) {
            assertEquals("power", r.measurement());
            assertEquals(1500.5, r.number("power"));
            assertEquals(230.5, r.number("voltage"));
            assertEquals(6.5, r.number("current"));
            assertEquals(42.25, r.number("energy"));
            assertEquals(Boolean.class, r.fields().get("relay").getClass());
        }
        assertEquals(Map.of("model", "HS110(US)"), r1.tags());
        assertEquals(Map.of("model", "HS110(EU)"), r2.tags());
        assertEquals("fridge-plug", v2.device(), "the alias, sanitised, once the plug has answered");
        DeviceStatus online = status.await(s -> s.device().equals("fridge-plug") && s.state() == DeviceState.ONLINE, WAIT);
        assertEquals("2.0", online.details().get("hw_ver"));
        assertTrue(status.removed().contains("kasa-127.0.0.1"), "the provisional id is forgotten: " + status.removed());
        v1.deactivate();
        v2.deactivate();
    }

    @Test
    void powerStripOutletsAreSeparateReadings() throws Exception {
        sim.realtime("hs300", "01", 75.5, 231.0, 0.375, 3.5);
        KasaDriver all = driver(new Configs(sim.hs300, closedPort).device("bench"));
        List<Reading> first = publisher.await(r -> r.device().equals("bench"), 6, WAIT).subList(0, 6);
        assertEquals(List.of("00", "01", "02", "03", "04", "05"), first.stream().map(r -> r.tags().get("outlet_id")).toList());
        Reading two = first.get(1);
        assertEquals("Mock Two", two.tags().get("outlet"));
        assertEquals("HS300(US)", two.tags().get("model"));
        assertEquals(75.5, two.number("power"));
        assertEquals(0.375, two.number("current"));
        assertEquals(3.5, two.number("energy"));
        assertEquals(1, first.stream().map(Reading::timestamp).distinct().count(), "one poll, one timestamp");
        all.deactivate();

        publisher.clear();
        KasaDriver some = driver(new Configs(sim.hs300, closedPort).device("bench2").outlets("01", "mock three"));
        List<Reading> picked = publisher.await(r -> r.device().equals("bench2"), 2, WAIT);
        assertEquals(Set.of("Mock Two", "Mock Three"), Set.of(picked.get(0).tags().get("outlet"), picked.get(1).tags().get("outlet")));
        Thread.sleep(300);
        assertEquals(0, publisher.readings().stream().filter(r -> r.device().equals("bench2")).count() % 2, "only the two chosen outlets");
        some.deactivate();
    }

    @Test
    void relayCommandsAreVerifiedByReadingTheStateBack() throws Exception {
        KasaDriver plug = driver(new Configs(sim.hs110v1, closedPort).device("kettle").interval(60));
        publisher.await(r -> r.device().equals("kettle"), 1, WAIT);
        assertEquals(List.of("on", "off"), plug.commands("kettle").stream().map(c -> c.name()).toList());
        assertEquals(Set.of("kettle"), plug.devices());
        assertTrue(plug.commands("other").isEmpty());
        assertEquals("relay is on", plug.execute("kettle", "on", Map.of()).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertTrue(new KasaClient("127.0.0.1", sim.hs110v1, WAIT, WAIT).sysinfo().relayOn());
        assertEquals("relay is off", plug.execute("kettle", "off", Map.of()).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertFalse(new KasaClient("127.0.0.1", sim.hs110v1, WAIT, WAIT).sysinfo().relayOn());
        ExecutionException unknown = assertThrows(ExecutionException.class,
                () -> plug.execute("kettle", "explode", Map.of()).toCompletableFuture().get());
        assertTrue(unknown.getCause().getMessage().contains("commands are on, off"));
        assertThrows(ExecutionException.class, () -> plug.execute("other", "on", Map.of()).toCompletableFuture().get());
        ExecutionException badArgument = assertThrows(ExecutionException.class,
                () -> plug.execute("kettle", "on", Map.of("colour", "red")).toCompletableFuture().get());
        assertTrue(badArgument.getCause().getMessage().contains("no argument 'colour'"), badArgument.getCause().getMessage());
        plug.deactivate();

        KasaDriver strip = driver(new Configs(sim.hs300, closedPort).device("strip").interval(60));
        publisher.await(r -> r.device().equals("strip"), 6, WAIT);
        strip.execute("strip", "off", Map.of()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("outlet 04 'Mock Five' is on",
                strip.execute("strip", "on", Map.of("outlet", "Mock Five")).toCompletableFuture().get(5, TimeUnit.SECONDS));
        List<Boolean> states = new KasaClient("127.0.0.1", sim.hs300, WAIT, WAIT).sysinfo().outlets().stream().map(KasaSysinfo.Outlet::on).toList();
        assertEquals(List.of(false, false, false, false, true, false), states);
        ExecutionException noOutlet = assertThrows(ExecutionException.class,
                () -> strip.execute("strip", "on", Map.of("outlet", "Toaster")).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertTrue(noOutlet.getCause().getMessage().contains("no outlet 'Toaster'"), noOutlet.getCause().getMessage());
        strip.deactivate();
    }

    @Test
    void malformedRepliesAreCountedAndSkippedAndPollingGoesOn() throws Exception {
        SimulatedPlug good = new SimulatedPlug(SimulatedPlug.Model.HS110V2, "Good", System::nanoTime);
        byte[] frame = KasaCodec.frame(good.answer(KasaCodec.GET_SYSINFO_AND_REALTIME));
        try (ScriptedTcpServer peer = new ScriptedTcpServer(good::answer)
                .then("garbage!".getBytes())
                .then(java.util.Arrays.copyOf(frame, frame.length / 2))
                .then(new byte[] {0x01, 0, 0, 0, 1, 2, 3})
                .then(new byte[] {(byte) 0x80, 0, 0, 0})
                .then(KasaCodec.frame("{\"system\":{\"get_sysinfo\":[]}}"))
                .then(KasaCodec.frame("{\"system\":{\"get_sysinfo\":{\"feature\":\"TIM:ENE\"}},\"emeter\":{\"get_realtime\":{\"power\":\"lots\"}}}"))) {
            KasaDriver d = driver(new Configs(peer.port(), closedPort).device("flaky").interval(1).timeout(300));
            // six bad replies, one per poll at the normal interval (the plug is there, just confused), then values again
            publisher.await(r -> r.device().equals("flaky"), 1, Duration.ofSeconds(15));
            List<String> errors = status.errors();
            assertEquals(6, errors.stream().filter(e -> e.startsWith("flaky: malformed reply skipped")).count(), errors.toString());
            assertTrue(status.reports().stream().anyMatch(s -> s.state() == DeviceState.ERROR && s.message().contains("outside 1..65536")));
            status.await(s -> s.state() == DeviceState.ONLINE, WAIT);
            assertEquals("6", status.last().details().get("malformed_replies"));
            d.deactivate();
        }
    }

    @Test
    void theFirstFailedTryAfterStartIsInfoAndARepeatIsAWarning() throws Exception {
        // slf4j-simple writes to whatever System.err is at the time (its default, cacheOutputStream=false)
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        KasaDriver d;
        try {
            d = driver(new Configs(closedPort, closedPort).device("late").interval(1).timeout(300));
            status.await(s -> s.state() == DeviceState.OFFLINE, WAIT);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (d.nextDelayMillis() < 2000 && System.nanoTime() < end) Thread.sleep(50); // the second try failed too
            Thread.sleep(200);
        } finally {
            System.setErr(original);
        }
        d.deactivate();
        List<String> lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("kasa late: OFFLINE")).toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("INFO") && lines.get(0).endsWith("(the first try since start)"), lines.get(0));
        assertTrue(lines.get(1).contains("WARN") && !lines.get(1).contains("first try"), lines.get(1));
    }

    @Test
    void anUnreachablePlugBacksOffAndRecovers() throws Exception {
        KasaDriver d = driver(new Configs(closedPort, closedPort).device("away").interval(1).timeout(300));
        DeviceStatus offline = status.await(s -> s.state() == DeviceState.OFFLINE, WAIT);
        assertTrue(offline.message().startsWith("connection to 127.0.0.1:" + closedPort + " refused"), offline.message());
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (d.nextDelayMillis() < 4000 && System.nanoTime() < end) Thread.sleep(50);
        assertEquals(4000, d.nextDelayMillis(), "1 s, 2 s, 4 s ...");
        assertEquals(1, status.reports().stream().filter(s -> s.state() == DeviceState.OFFLINE).count(), "a steady cause is one report");
        assertEquals(5 * 60_000, KasaDriver.backoffMillis(10_000, 20), "capped at 5 minutes");
        assertEquals(10_000, KasaDriver.backoffMillis(10_000, 1));

        try (KasaPlugServer plug = new KasaPlugServer(new SimulatedPlug(SimulatedPlug.Model.HS110V1, "Back", System::nanoTime),
                "127.0.0.1", closedPort)) {
            assertEquals(closedPort, plug.port());
            status.await(s -> s.state() == DeviceState.ONLINE, Duration.ofSeconds(12));
            publisher.await(r -> r.device().equals("away"), 1, WAIT);
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (d.nextDelayMillis() != 1000 && System.nanoTime() < until) Thread.sleep(20);
            assertEquals(1000, d.nextDelayMillis(), "the interval again");
        }
        d.deactivate();
    }

    @Test
    void aSilentPlugIsOfflineWithTheReason() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) { // accepts (backlog) and never answers
            KasaDriver d = driver(new Configs(silent.getLocalPort(), closedPort).device("mute").timeout(300));
            DeviceStatus offline = status.await(s -> s.state() == DeviceState.OFFLINE, WAIT);
            assertTrue(offline.message().startsWith("no reply from 127.0.0.1:" + silent.getLocalPort() + " within 300 ms"), offline.message());
            d.deactivate();
        }
    }

    @Test
    void aKlapOnlyPlugIsUnsupportedAndAskedAgainOnlyRarely() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/app/handshake1", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Set-Cookie", "TP_SESSIONID=0123456789ABCDEF;TIMEOUT=86400");
            exchange.sendResponseHeaders(200, 48);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[48]);
            }
        });
        http.start();
        try {
            KasaDriver d = driver(new Configs(closedPort, http.getAddress().getPort()).device("new-firmware").interval(1).timeout(300));
            DeviceStatus unsupported = status.await(s -> s.state() == DeviceState.UNSUPPORTED, WAIT);
            assertTrue(unsupported.message().startsWith(KasaDriver.KLAP_MESSAGE), unsupported.message());
            Thread.sleep(2500);
            assertEquals(1, d.klapProbes(), "not retried in a loop");
            assertEquals(Duration.ofMinutes(30).toMillis(), d.nextDelayMillis());
            assertTrue(publisher.readings().isEmpty());
            d.deactivate();
        } finally {
            http.stop(0);
        }
    }

    @Test
    void discoveryFindsThePlugByAlias() throws Exception {
        KasaDriver d = driver(new Configs(sim.hs110v2, closedPort).discover("Fridge Plug", "127.0.0.1"));
        assertEquals("kasa-fridge-plug", d.device(), "provisional, from what is looked for");
        publisher.await(r -> r.device().equals("fridge-plug"), 1, WAIT);
        d.deactivate();
    }

    @Test
    void refusesConfigurationsThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> driver(new Configs(9999, 80).host("")));
        assertThrows(IllegalArgumentException.class, () -> driver(new Configs(9999, 80).interval(0)));
        assertThrows(IllegalArgumentException.class, () -> driver(new Configs(9999, 80).timeout(10)));
        assertThrows(IllegalArgumentException.class, () -> driver(new Configs(9999, 80).device("bad\nid")));
        assertEquals(0, scheduler.getQueue().size(), "nothing scheduled");
        assertEquals("mock-hs110", KasaDriver.sanitise(" Mock HS110 "));
        assertEquals("küche-steckdose_2", KasaDriver.sanitise("Küche / Steckdose_2"));
    }

    @Test
    void theDemoSimulatorServesAChangingLoad() throws Exception {
        long[] now = {0};
        SimulatedPlug fridge = new SimulatedPlug(SimulatedPlug.Model.HS110V2, "Demo Fridge", () -> now[0]);
        EmeterRealtime start = KasaCodec.realtime(KasaCodec.parse(fridge.answer(KasaCodec.getRealtime(null))));
        now[0] = Duration.ofMinutes(5).toNanos();
        EmeterRealtime running = KasaCodec.realtime(KasaCodec.parse(fridge.answer(KasaCodec.getRealtime(null))));
        now[0] = Duration.ofMinutes(15).toNanos();
        EmeterRealtime idle = KasaCodec.realtime(KasaCodec.parse(fridge.answer(KasaCodec.getRealtime(null))));
        assertTrue(running.powerWatts() > 80 && idle.powerWatts() < 5, running + " " + idle);
        assertTrue(idle.voltageVolts() > 220 && idle.voltageVolts() < 240);
        assertTrue(idle.energyKwh() > start.energyKwh());
        fridge.answer(KasaCodec.setRelay(false, List.of()));
        assertFalse(KasaCodec.sysinfo(KasaCodec.parse(fridge.answer(KasaCodec.GET_SYSINFO))).relayOn());

        try (KasaPlugServer server = new KasaPlugServer(new SimulatedPlug(SimulatedPlug.Model.HS300, "Demo Strip", System::nanoTime), "127.0.0.1", 0)) {
            KasaDriver d = driver(new Configs(server.port(), closedPort));
            List<Reading> outlets = publisher.await(r -> r.device().equals("demo-strip"), 6, WAIT);
            assertEquals("Computer", outlets.get(1).tags().get("outlet"));
            assertTrue(outlets.get(1).number("power") > 20);
            d.deactivate();
        }
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
