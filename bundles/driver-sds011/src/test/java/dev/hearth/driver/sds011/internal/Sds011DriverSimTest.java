package dev.hearth.driver.sds011.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.DeviceState;
import dev.hearth.api.Reading;
import dev.hearth.driver.sds011.internal.sim.Sds011Simulator;
import dev.hearth.driver.sds011.internal.sim.Sds011SimulatorConfig;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.transport.serial.SerialPorts;
import dev.hearth.testkit.RecordingStatusReporter;

/** The driver against the demo's simulator (sim:NAME ports): what `hearth demo` runs. */
class Sds011DriverSimTest {

    @TempDir Path state;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final RecordingStatusReporter status = new RecordingStatusReporter();

    @AfterEach
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        scheduler.awaitTermination(5, TimeUnit.SECONDS);
    }

    static Sds011Simulator simulator(double baseline, double spikesPerHour) {
        return new Sds011Simulator(new Sds011SimulatorConfig() {
            @Override public Class<? extends Annotation> annotationType() { return Sds011SimulatorConfig.class; }
            @Override public double baseline() { return baseline; }
            @Override public double spikes__per__hour() { return spikesPerHour; }
        });
    }

    private Sds011Driver driver(Duration warmUp) {
        DutyCycle.Settings s = new DutyCycle.Settings(warmUp, 3, Duration.ofMillis(50), Duration.ofMillis(300), 0, Duration.ZERO);
        return new Sds011Driver(new Configs("sim:sds011").device("demo-air").build(), s, publisher, status, scheduler, state, Clock.systemUTC());
    }

    @Test
    void waitsForTheSimulatorThenReadsPlausibleValues() throws Exception {
        Sds011Driver d = driver(Duration.ofMillis(100));
        try {
            status.await(s -> s.state() == DeviceState.CONNECTING && s.message().contains("no serial port provider for 'sim'"), Duration.ofSeconds(5));
            status.await(s -> s.state() == DeviceState.OFFLINE && s.message().contains("no serial port provider for 'sim'"), Duration.ofSeconds(5));
            d.bindPorts(simulator(8, 0), Map.of(SerialPorts.SCHEME, "sim"));
            List<Reading> got = publisher.await(r -> true, 3, Duration.ofSeconds(10));
            for (Reading r : got) {
                assertEquals("demo-air", r.device());
                double pm25 = r.number("pm2_5");
                assertTrue(pm25 >= 0.5 && pm25 < 30, "clean indoor air: " + pm25);
                assertTrue(r.number("pm10") > pm25, r.toString());
            }
            assertTrue(d.openAttempts() <= 3, "the bind started it, not a loop: " + d.openAttempts());
        } finally {
            d.deactivate();
        }
    }

    @Test
    void laserHoursSurviveARestart() throws Exception {
        Sds011Simulator sim = simulator(8, 0);
        Sds011Driver first = driver(Duration.ofMillis(400));
        first.bindPorts(sim, Map.of(SerialPorts.SCHEME, "sim"));
        publisher.await(r -> true, 1, Duration.ofSeconds(10));
        first.deactivate();
        Duration saved = first.cycle().laserOn();
        assertTrue(saved.toMillis() >= 400, "at least the warm-up: " + saved);
        assertTrue(Files.readString(state.resolve("laser-demo-air.properties")).contains("laser_on_seconds="));

        Sds011Driver second = driver(Duration.ofMillis(400));
        try {
            // whole seconds are kept: what survives is the saved time, rounded down
            assertEquals(saved.toSeconds(), second.cycle().laserOn().toSeconds());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void laserFileDamageStartsFromZeroInsteadOfFailing() throws Exception {
        Files.writeString(state.resolve("laser-x.properties"), "laser_on_seconds=-5\n");
        assertEquals(Duration.ZERO, Sds011Driver.loadLaser(state.resolve("laser-x.properties")));
        Files.writeString(state.resolve("laser-x.properties"), "laser_on_seconds=lots\n");
        assertEquals(Duration.ZERO, Sds011Driver.loadLaser(state.resolve("laser-x.properties")));
        Files.write(state.resolve("laser-x.properties"), new byte[100_000]);
        assertEquals(Duration.ZERO, Sds011Driver.loadLaser(state.resolve("laser-x.properties")));
        Files.writeString(state.resolve("laser-x.properties"), "# c\nlaser_on_seconds=7200\n");
        assertEquals(Duration.ofHours(2), Sds011Driver.loadLaser(state.resolve("laser-x.properties")));
        assertEquals(Duration.ZERO, Sds011Driver.loadLaser(state.resolve("absent.properties")));
    }

    @Test
    void refusesConfigurationsItCannotRun() {
        DutyCycle.Settings s = new DutyCycle.Settings(Duration.ZERO, 1, Duration.ofSeconds(1), Duration.ZERO, 0, Duration.ZERO);
        assertThrows(IllegalArgumentException.class,
                () -> new Sds011Driver(new Configs(" ").build(), s, publisher, status, scheduler, state, Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class,
                () -> new Sds011Driver(new Configs("sim:x").replyTimeout(50).build(), s, publisher, status, scheduler, state, Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class,
                () -> new Sds011Driver(new Configs("sim:x").device("").build(), s, publisher, status, scheduler, state, Clock.systemUTC()));
        Configs bad = new Configs("sim:x");
        bad.readings = 0;
        assertThrows(IllegalArgumentException.class, () -> Sds011Driver.settings(bad.build()));
        Configs nan = new Configs("sim:x");
        nan.threshold = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> Sds011Driver.settings(nan.build()));
        DutyCycle.Settings defaults = Sds011Driver.settings(new Configs("sim:x").build());
        assertEquals(Duration.ofSeconds(30), defaults.warmUp());
        assertEquals(3, defaults.readings());
        assertEquals(Duration.ofMinutes(5), defaults.sleep());
    }

    @Test
    void backoffDoublesToItsCap() {
        assertEquals(1000, Sds011Driver.backoffMillis(60_000, 1));
        assertEquals(2000, Sds011Driver.backoffMillis(60_000, 2));
        assertEquals(32_000, Sds011Driver.backoffMillis(60_000, 6));
        assertEquals(60_000, Sds011Driver.backoffMillis(60_000, 7));
        assertEquals(60_000, Sds011Driver.backoffMillis(60_000, Integer.MAX_VALUE));
    }
}
