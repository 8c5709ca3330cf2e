package dev.hearth.driver.dht22.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import org.junit.jupiter.api.Test;

class SimulatedClimateTest {

    private final SimulatedClimate room = new SimulatedClimate(21.0, 2.5, 45.0, 8.0, ZoneOffset.UTC, new Random(7));

    private SimulatedClimate.Values at(String time) {
        return room.at(Instant.parse("2026-07-01T" + time + "Z"));
    }

    @Test
    void warmestInTheAfternoonCoolestAtNightHumidityTheOtherWay() {
        SimulatedClimate.Values afternoon = at("15:00:00");
        SimulatedClimate.Values night = at("03:00:00");
        assertEquals(23.5, afternoon.milliCelsius() / 1000.0, 0.3);
        assertEquals(18.5, night.milliCelsius() / 1000.0, 0.3);
        assertEquals(37.0, afternoon.milliPercent() / 1000.0, 1.0);
        assertEquals(53.0, night.milliPercent() / 1000.0, 1.0);
    }

    @Test
    void valuesAreInTheKernelsMilliUnitsAtTheSensorsResolutionAndChangeSlowly() {
        SimulatedClimate.Values previous = at("00:00:00");
        for (int s = 2; s < 86_400; s += 2) {
            SimulatedClimate.Values v = room.at(Instant.parse("2026-07-01T00:00:00Z").plusSeconds(s));
            assertEquals(0, v.milliCelsius() % 100);
            assertEquals(0, v.milliPercent() % 100);
            assertTrue(Math.abs(v.milliCelsius() - previous.milliCelsius()) <= 500, "2 s apart: " + previous + " -> " + v);
            assertTrue(v.milliPercent() >= 0 && v.milliPercent() <= 100_000);
            previous = v;
        }
    }

    @Test
    void extremeSettingsStayWithinWhatTheSensorCanReport() {
        SimulatedClimate wild = new SimulatedClimate(70, 30, 95, 30, ZoneOffset.UTC, new Random(1));
        SimulatedClimate.Values v = wild.at(Instant.parse("2026-07-01T15:00:00Z"));
        assertEquals(80_000, v.milliCelsius());
        assertTrue(v.milliPercent() <= 100_000);
    }
}
