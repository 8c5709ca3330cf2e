package dev.hearth.driver.sds011.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.transport.serial.SerialPort;
import dev.hearth.transport.serial.SerialPorts;
import dev.hearth.transport.serial.SerialSettings;
import dev.hearth.transport.serial.internal.JSerialCommPorts;
import dev.hearth.testkit.RecordingStatusReporter;
import dev.hearth.testkit.SocatPair;

/**
 * The driver through the real serial transport (jSerialComm) against a scripted SDS011 on the
 * other end of a socat pty pair. The duty cycle runs on short times (ms, not minutes) so a test
 * sees whole rounds; the times themselves are tested with a fake clock in {@link DutyCycleTest}.
 */
class Sds011DriverPtyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir Path dir;
    @TempDir Path state;
    private SocatPair pair;
    private ScriptedPeer peer;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final RecordingStatusReporter status = new RecordingStatusReporter();
    private Sds011Driver driver;

    @BeforeEach
    void plug() throws Exception {
        pair = new SocatPair(dir);
        peer = new ScriptedPeer(pair.peer(), false);
    }

    @AfterEach
    void unplug() throws Exception {
        if (driver != null) driver.deactivate();
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
        if (peer != null) peer.close();
        pair.close();
    }

    /** Warm-up 300 ms, 3 readings 100 ms apart, sleep 700 ms; no bad-air adaptation. */
    private Sds011Driver start(Configs configs) {
        return start(configs, Duration.ofMillis(700));
    }

    private Sds011Driver start(Configs configs, Duration sleep) {
        DutyCycle.Settings fast = new DutyCycle.Settings(Duration.ofMillis(300), 3, Duration.ofMillis(100), sleep, 0, Duration.ZERO);
        Sds011Driver d = new Sds011Driver(configs.build(), fast, publisher, status, scheduler, state, Clock.systemUTC());
        d.bindPorts(new JSerialCommPorts(), Map.of(SerialPorts.SCHEME, SerialPorts.DEVICE_SCHEME));
        return d;
    }

    private List<Reading> readings(int n) throws InterruptedException {
        return publisher.await(r -> true, n, WAIT);
    }

    @Test
    void setsQueryModeThenReadsMediansAndSleepsBetweenRounds() throws Exception {
        peer.tell("pm 123.6 261.8");
        driver = start(new Configs(pair.device().toString()).device("kitchen"));
        List<Reading> got = readings(2);
        Reading r = got.get(0);
        assertEquals("kitchen", r.device());
        assertEquals("air_quality", r.measurement());
        assertEquals(123.6, r.number("pm2_5"), 1e-9);
        assertEquals(261.8, r.number("pm10"), 1e-9);
        assertEquals(3.0, r.number("samples"));
        assertEquals("A160", r.tags().get("sensor_id"));
        assertTrue(r.number("laser_hours") >= 0);
        // woken, query mode, the sensor's own period off, firmware read; then rounds with sleep between them
        List<String> ev = peer.events();
        assertTrue(ev.indexOf("work") < ev.indexOf("mode query") && ev.indexOf("mode query") < ev.indexOf("period 0"), ev.toString());
        assertTrue(ev.contains("firmware"), ev.toString());
        peer.awaitCount("sleep", 2, WAIT);
        assertTrue(peer.count("work") >= 2, ev.toString());
        DeviceStatus online = status.await(s -> s.state() == DeviceState.ONLINE && s.message().startsWith("asleep until"), WAIT);
        assertEquals("2018-11-16", online.details().get("firmware"));
        assertEquals("A160", online.details().get("sensor_id"));
        assertEquals("asleep", online.details().get("phase"));
    }

    @Test
    void badChecksumsGarbageSplitAndConcatenatedFramesAreCountedAndSkipped() throws Exception {
        peer.tell("pm 30.1 44.4");
        driver = start(new Configs(pair.device().toString()));
        readings(1);
        peer.tell("corrupt 1");
        peer.tell("garbage");
        peer.tell("split");
        peer.tell("concat");
        publisher.clear();
        List<Reading> got = readings(3);
        for (Reading r : got) assertEquals(30.1, r.number("pm2_5"), 1e-9, "only good frames make readings");
        assertTrue(status.errors().stream().anyMatch(e -> e.contains("bad checksum, frame skipped")), status.errors().toString());
        DeviceStatus s = status.await(x -> x.state() == DeviceState.ONLINE && Long.parseLong(x.details().get("checksum_errors")) >= 1, WAIT);
        assertEquals(DeviceState.ONLINE, s.state(), "the driver keeps running");
    }

    @Test
    void onlyWakeIsAnsweredWhileAsleep() throws Exception {
        try (SerialPort port = new JSerialCommPorts().open(pair.device().toString(), SerialSettings.eightN1(9600))) {
            Sds011Client c = new Sds011Client(port, Duration.ofMillis(500), null);
            c.setQueryMode();
            c.sleep();
            NoReplyException e = assertThrows(NoReplyException.class, c::queryData);
            assertTrue(e.getMessage().contains("query data"), e.getMessage());
            assertThrows(NoReplyException.class, c::firmware);
            peer.await("ignored 04 asleep"::equals, WAIT);
            peer.await("ignored 07 asleep"::equals, WAIT);
            c.wake();
            peer.tell("pm 999.9 1999.9");
            Sds011Codec.Data d = c.queryData();
            assertEquals(999.9, d.pm25(), 1e-9);
            assertEquals(1999.9, d.pm10(), 1e-9);
            assertEquals("2018-11-16", c.firmware());
            assertEquals(0xA001, c.setDeviceId(0xA001));
            peer.await("id A001"::equals, WAIT);
            assertEquals(0xA001, c.queryData().sensorId());
        }
    }

    @Test
    void aReplyWithABadChecksumIsNotTakenForTheReply() throws Exception {
        try (SerialPort port = new JSerialCommPorts().open(pair.device().toString(), SerialSettings.eightN1(9600))) {
            List<String> faults = new java.util.ArrayList<>();
            Sds011Client c = new Sds011Client(port, Duration.ofMillis(600), (f, m) -> faults.add(f.name()));
            c.setQueryMode();
            peer.tell("corrupt 1");
            assertThrows(NoReplyException.class, c::firmware, "the only reply was damaged");
            assertEquals(List.of("BAD_CHECKSUM"), faults);
            assertEquals("2018-11-16", c.firmware(), "the next one is fine");
        }
    }

    @Test
    void survivesTheAdapterBeingUnpluggedAndReplugged() throws Exception {
        driver = start(new Configs(pair.device().toString()).reopenMax(2));
        readings(1);
        peer.close();
        pair.unplug();
        DeviceStatus off = status.await(s -> s.state() == DeviceState.OFFLINE, WAIT);
        assertTrue(off.message().contains("port"), off.message());
        assertEquals("port-missing", off.details().get("phase"));
        // backoff, not a tight loop: 1 s, then 2 s (the cap here)
        long before = driver.openAttempts();
        Thread.sleep(3_500);
        long tries = driver.openAttempts() - before;
        assertTrue(tries >= 1 && tries <= 3, "tries in 3.5 s: " + tries);

        pair.plug();
        peer = new ScriptedPeer(pair.peer(), false); // a power-cycled sensor: active mode again (the real one keeps query mode)
        publisher.clear();
        status.clear();
        readings(1);
        DeviceStatus back = status.await(s -> s.state() == DeviceState.ONLINE, WAIT);
        assertEquals("1", back.details().get("reopens"));
        peer.await("mode query"::equals, WAIT);
    }

    @Test
    void aSensorThatStopsAnsweringIsReopened() throws Exception {
        driver = start(new Configs(pair.device().toString()).reopenMax(1));
        readings(1);
        // a wake is tried twice per step, so this outlasts three steps whatever command it starts on
        peer.tell("silent 12");
        DeviceStatus err = status.await(s -> s.state() == DeviceState.ERROR && s.message().contains("stopped answering"), WAIT);
        assertTrue(Long.parseLong(err.details().get("timeouts")) >= 3, err.details().toString());
        publisher.clear();
        readings(1); // silence over: opened again and reading
        status.await(s -> s.state() == DeviceState.ONLINE && !s.details().get("reopens").equals("0"), WAIT);
    }

    @Test
    void sleepWakeAndReadNowCommands() throws Exception {
        peer.tell("pm 5.5 7.7");
        driver = start(new Configs(pair.device().toString()).device("hall"));
        readings(1);
        assertEquals(List.of("hall"), List.copyOf(driver.devices()));
        assertEquals(List.of("sleep", "wake", "read-now"), driver.commands("hall").stream().map(c -> c.name()).toList());
        assertTrue(driver.commands("other").isEmpty());

        assertEquals("asleep until woken", driver.execute("hall", "sleep", Map.of()).toCompletableFuture().get(5, TimeUnit.SECONDS));
        status.await(s -> s.message().equals("asleep until woken by a command"), WAIT);
        ExecutionException asleep = assertThrows(ExecutionException.class,
                () -> driver.execute("hall", "read-now", Map.of()).toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, asleep.getCause());
        publisher.clear();
        Thread.sleep(1500); // longer than a whole round: paused means no reading
        assertTrue(publisher.readings().isEmpty(), publisher.readings().toString());

        String woke = driver.execute("hall", "wake", Map.of()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(woke.startsWith("awake"), woke);
        String now = driver.execute("hall", "read-now", Map.of()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        // "(still warming up)" follows unless this machine took longer than the 300 ms warm-up to get here
        assertTrue(now.startsWith("pm2_5=5.5 pm10=7.7 µg/m³"), now);
        readings(1);

        String timed = driver.execute("hall", "sleep", Map.of("minutes", "90")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(timed.startsWith("asleep until "), timed);
        assertEquals(DutyCycle.Phase.ASLEEP, driver.cycle().phase());
    }

    @Test
    void commandArgumentsAreValidatedBeforeTheSensorIsTouched() throws Exception {
        driver = start(new Configs(pair.device().toString()).device("hall"), Duration.ofMinutes(10));
        readings(1);
        // the end of the first round (both sides have seen it); the next is 10 min away
        status.await(s -> s.message().startsWith("asleep until"), WAIT);
        peer.await("sleep"::equals, WAIT);
        java.time.Instant wakeAt = driver.cycle().phaseEnds();
        long sleepsBefore = peer.count("sleep");
        for (Map<String, String> bad : List.of(Map.of("minutes", "0"), Map.of("minutes", "10081"), Map.of("minutes", "1e9999999"),
                Map.of("minutes", "abc"), Map.of("minutes", "2.5"), Map.of("hours", "1"))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> driver.execute("hall", "sleep", bad).toCompletableFuture().get(5, TimeUnit.SECONDS), bad.toString());
            assertInstanceOf(IllegalArgumentException.class, e.getCause(), bad.toString());
        }
        assertInstanceOf(IllegalArgumentException.class, assertThrows(ExecutionException.class,
                () -> driver.execute("hall", "explode", Map.of()).toCompletableFuture().get()).getCause());
        assertInstanceOf(IllegalArgumentException.class, assertThrows(ExecutionException.class,
                () -> driver.execute("garage", "sleep", Map.of()).toCompletableFuture().get()).getCause());
        assertEquals(sleepsBefore, peer.count("sleep"), "no refused command reached the sensor");
        assertEquals(wakeAt, driver.cycle().phaseEnds(), "nor changed the plan");
    }
}
