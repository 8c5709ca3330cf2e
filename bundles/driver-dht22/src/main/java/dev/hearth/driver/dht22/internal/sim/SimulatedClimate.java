package dev.hearth.driver.dht22.internal.sim;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Random;

/**
 * A room's temperature and humidity over a day: a slow cosine peaking at 15:00 local time,
 * humidity moving the other way, a little noise, values quantised to the DHT22's 0.1 resolution
 * and given in the kernel's milli-units. No OSGi, no files.
 */
final class SimulatedClimate {

    record Values(long milliCelsius, long milliPercent) {
    }

    private final double meanT;
    private final double swingT;
    private final double meanH;
    private final double swingH;
    private final ZoneId zone;
    private final Random random;

    SimulatedClimate(double meanT, double swingT, double meanH, double swingH, ZoneId zone, Random random) {
        this.meanT = meanT;
        this.swingT = swingT;
        this.meanH = meanH;
        this.swingH = swingH;
        this.zone = zone;
        this.random = random;
    }

    Values at(Instant time) {
        LocalTime local = time.atZone(zone).toLocalTime();
        double hours = local.toSecondOfDay() / 3600.0;
        double phase = Math.cos(2 * Math.PI * (hours - 15) / 24); // 1 at 15:00, -1 at 03:00
        double t = meanT + swingT * phase + random.nextGaussian() * 0.05;
        double h = meanH - swingH * phase + random.nextGaussian() * 0.2;
        h = Math.max(0, Math.min(100, h));
        t = Math.max(-40, Math.min(80, t));
        return new Values(Math.round(t * 10) * 100, Math.round(h * 10) * 100);
    }
}
