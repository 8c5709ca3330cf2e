package dev.hearth.driver.ibbq.internal;

import static dev.hearth.driver.ibbq.internal.IbbqCodec.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;
import dev.hearth.api.Reading;
import dev.hearth.testkit.RecordingPublisher;

class IbbqDriverTest {

    static final String MAC = "A4:C1:38:11:22:33";

    final FakeBle ble = new FakeBle();
    final FakeBle.MutableClock clock = new FakeBle.MutableClock();
    final RecordingPublisher publisher = new RecordingPublisher();
    final Reporter status = new Reporter();
    final ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    static final class Reporter implements DeviceStatusReporter {
        final List<DeviceStatus> reports = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        final List<String> removed = new ArrayList<>();

        @Override public synchronized void report(DeviceStatus s) { reports.add(s); }
        @Override public synchronized void error(String device, String message) { errors.add(device + ": " + message); }
        @Override public synchronized void remove(String device) { removed.add(device); }
        synchronized DeviceStatus last() { return reports.get(reports.size() - 1); }
    }

    static IbbqDriverConfig config(String address, String unit, String... targets) {
        return new IbbqDriverConfig() {
            @Override public Class<? extends Annotation> annotationType() { return IbbqDriverConfig.class; }
            @Override public String address() { return address; }
            @Override public String name() { return ""; }
            @Override public String device() { return ""; }
            @Override public boolean passive() { return false; }
            @Override public String unit() { return unit; }
            @Override public String[] targets() { return targets; }
            @Override public int watchdog__seconds() { return 15; }
            @Override public int scan__seconds() { return 10; }
            @Override public int connect__timeout__seconds() { return 10; }
            @Override public int battery__interval__seconds() { return 300; }
            @Override public int max__backoff__seconds() { return 60; }
        };
    }

    IbbqDriver driver(IbbqDriverConfig c) {
        return new IbbqDriver(c, publisher, status, ble, scheduler, clock, false);
    }

    void run(IbbqDriver d, int seconds) {
        for (int i = 0; i < seconds; i++) {
            d.step();
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void publishesOneReadingPerPluggedProbeInCelsiusWithTheOriginalNames() {
        ble.add(MAC, "iBBQ");
        IbbqDriver d = driver(config(MAC.toLowerCase(), "F"));
        assertEquals("ibbq-a4c138112233", d.device());
        run(d, 3);
        assertTrue(ble.last().writes.contains("FFF5:020100000000"), "display unit °F written");
        ble.last().notify(IbbqCodec.REALTIME, hex("E1 00 F6 FF 2E 04 D4 FE"));
        List<Reading> r = publisher.readings();
        assertEquals(3, r.size());
        assertEquals("bbq", r.get(0).measurement());
        assertEquals(Map.of("bbq_probe", "1"), r.get(0).tags());
        assertEquals(22.5, r.get(0).number("bbq_temp"), "°C whatever the display unit");
        assertEquals("3", r.get(1).tags().get("bbq_probe"));
        assertEquals(107.0, r.get(1).number("bbq_temp"));
        assertEquals(-30.0, r.get(2).number("bbq_temp"));
        assertEquals(clock.instant(), r.get(0).timestamp());
        ble.last().notify(IbbqCodec.SETTINGS_RESULT, hex("24 70 17 96 19 00"));
        Reading b = publisher.readings().get(3);
        assertEquals("bbq_battery", b.measurement());
        assertEquals(91.6, b.number("bbq_battery"));
        assertEquals(6000L, b.fields().get("voltage_current"));
        run(d, 11);
        DeviceStatus s = status.last();
        assertEquals(DeviceState.ONLINE, s.state());
        assertEquals("unplugged", s.details().get("probe_2"));
        assertEquals("91.6", s.details().get("battery_percent"));
        assertTrue(s.details().containsKey("last_notification"));
    }

    @Test
    void malformedNotificationsAreReportedAsErrorsAndDataKeepsFlowing() {
        ble.add(MAC, "iBBQ");
        IbbqDriver d = driver(config("", "C"));
        run(d, 2);
        ble.last().notify(IbbqCodec.REALTIME, hex("01"));
        ble.last().notify(IbbqCodec.SETTINGS_RESULT, hex("77"));
        ble.last().notify(IbbqCodec.REALTIME, hex("FA 00"));
        assertEquals(2, status.errors.size());
        assertEquals(1, publisher.readings().size());
    }

    @Test
    void watchdogAndReconnectShowInTheStatus() {
        ble.add(MAC, "iBBQ");
        IbbqDriver d = driver(config("", "C"));
        run(d, 2);
        ble.last().notify(IbbqCodec.REALTIME, hex("FA 00"));
        run(d, 17);
        assertTrue(status.reports.stream().anyMatch(s -> s.state() == DeviceState.OFFLINE && s.message().contains("watchdog")));
        run(d, 2);
        assertEquals(DeviceState.ONLINE, status.last().state());
        assertEquals("1", status.last().details().get("reconnects"));
        assertEquals("1", status.last().details().get("watchdog_timeouts"));
    }

    @Test
    void configurationIsValidatedAtActivation() {
        assertThrows(IllegalArgumentException.class, () -> driver(config("not-a-mac", "C")));
        assertThrows(IllegalArgumentException.class, () -> driver(config("", "K")));
        assertThrows(IllegalArgumentException.class, () -> driver(config("", "C", "7=90")));
        assertThrows(IllegalArgumentException.class, () -> driver(config("", "C", "1=900")));
        assertThrows(IllegalArgumentException.class, () -> driver(config("", "C", "1=90..80")));
        assertThrows(IllegalArgumentException.class, () -> driver(config("", "C", "1=90", "1=95")));
        assertThrows(IllegalArgumentException.class, () -> driver(config("", "C", "probe one")));
        assertEquals(2, IbbqDriver.parseTargets(new String[] { " 2 = 95 ", "1=100..130.5", "" }).size());
        assertEquals(129.5, IbbqDriver.parseTargets(new String[] { "1=100..129.5" }).get(0)[1]);
    }

    @Test
    void targetCommandIsValidatedAndWritten() throws Exception {
        ble.add(MAC, "iBBQ");
        IbbqDriver d = driver(config("", "C", "2=95"));
        run(d, 2);
        assertTrue(ble.last().writes.contains("FFF5:010106ffb603"), ble.last().writes.toString());
        assertEquals(List.of("target", "unit"), d.commands("ibbq").stream().map(c -> c.name()).toList());
        assertEquals(List.of(), d.commands("other"));
        String done = d.execute("ibbq", "target", Map.of("probe", "1", "temperature", "70")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(done.contains("written"), done);
        assertTrue(ble.last().writes.contains("FFF5:010006ffbc02"), ble.last().writes.toString());
        d.execute("ibbq", "unit", Map.of("unit", "f")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(ble.last().writes.contains("FFF5:020100000000"));
        for (Map<String, String> bad : List.of(Map.of("probe", "7", "temperature", "70"), Map.of("probe", "1", "temperature", "401"),
                Map.of("probe", "1"), Map.of("probe", "1", "temperature", "70", "colour", "red"),
                Map.of("probe", "1", "temperature", "70", "low", "80"), Map.of("probe", "x", "temperature", "70"))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> d.execute("ibbq", "target", bad).toCompletableFuture().get(5, TimeUnit.SECONDS), bad.toString());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        }
        assertThrows(ExecutionException.class, () -> d.execute("ibbq", "explode", Map.of()).toCompletableFuture().get());
        assertThrows(ExecutionException.class, () -> d.execute("other", "unit", Map.of("unit", "C")).toCompletableFuture().get());
    }

    @Test
    void deactivationDisconnectsAndForgetsTheDevice() {
        ble.add(MAC, "iBBQ");
        IbbqDriver d = driver(config("", "C"));
        run(d, 2);
        d.deactivate();
        assertTrue(!ble.last().connected());
        assertEquals(List.of("ibbq"), status.removed);
        assertTrue(ble.adapterListeners.isEmpty());
    }
}
