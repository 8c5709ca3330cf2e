package dev.hearth.driver.dht22.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.hearth.api.DeviceState;
import dev.hearth.driver.dht22.internal.sim.Dht22Simulator;
import dev.hearth.driver.dht22.internal.sim.Dht22SimulatorConfig;
import dev.hearth.testkit.RecordingPublisher;
import dev.hearth.testkit.RecordingStatusReporter;

/** The demo's set-up: the simulator writes the tree under the data directory and the real driver reads it. */
class DemoSimulatorTest {

    @TempDir
    Path data;

    static Dht22SimulatorConfig sim(int failurePercent, int spikePercent) {
        return new Dht22SimulatorConfig() {
            @Override public Class<? extends Annotation> annotationType() { return Dht22SimulatorConfig.class; }
            @Override public String directory() { return "sim/iio"; }
            @Override public int index() { return 0; }
            @Override public double mean__temperature() { return 21.0; }
            @Override public double temperature__swing() { return 2.5; }
            @Override public double mean__humidity() { return 45.0; }
            @Override public double humidity__swing() { return 8.0; }
            @Override public int failure__percent() { return failurePercent; }
            @Override public int spike__percent() { return spikePercent; }
        };
    }

    @Test
    void theDriverReadsTheSimulatedSensorThroughItsRealCode() throws Exception {
        ManualScheduler time = new ManualScheduler(Instant.parse("2026-07-01T00:00:00Z"));
        RecordingPublisher published = new RecordingPublisher();
        RecordingStatusReporter status = new RecordingStatusReporter();
        Dht22Simulator simulator = new Dht22Simulator(sim(10, 2), time, data, time.clock(), new Random(42));
        assertEquals("dht11\n", Files.readString(data.resolve("sim/iio/iio:device0/name")));
        Dht22Driver driver = new Dht22Driver(new Configs("sim/iio").interval(10).build(), published, status, time, null, data,
                time.clock(), time::nanos);
        time.advance(6L * 3600 * 1000); // six simulated hours
        int readings = published.readings().size();
        assertTrue(readings > 1700, "most of 2160 polls publish: " + readings);
        assertTrue(published.readings().stream().allMatch(r -> r.number("temperature") > 17 && r.number("temperature") < 25
                && r.number("humidity") > 30 && r.number("humidity") < 60), "plausible values only");
        long eio = Long.parseLong(status.detail("eio"));
        long spikes = Long.parseLong(status.detail("spikes_rejected"));
        assertTrue(eio > 60, "about 10 % of reads fail with a real EIO: " + eio);
        assertTrue(spikes > 10, "about 2 % of ticks spike, and they are rejected: " + spikes);
        assertEquals(DeviceState.ONLINE, status.last().state());
        driver.deactivate();
        simulator.deactivate();
        assertFalse(Files.exists(data.resolve("sim/iio/iio:device0")), "the simulated sensor leaves with the simulator");
    }
}
