package dev.hearth.driver.sds011.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.hearth.driver.sds011.internal.DutyCycle.Action;
import dev.hearth.driver.sds011.internal.DutyCycle.Phase;
import dev.hearth.driver.sds011.internal.DutyCycle.Plan;
import dev.hearth.testkit.MutableClock;

class DutyCycleTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    /** The defaults: 30 s warm-up, 3 readings 2 s apart, 5 min sleep, bad air from 35 µg/m³ read continuously. */
    private DutyCycle defaults(Duration laserBefore) {
        return new DutyCycle(new DutyCycle.Settings(Duration.ofSeconds(30), 3, Duration.ofSeconds(2), Duration.ofMinutes(5), 35.0, Duration.ZERO),
                clock, laserBefore);
    }

    /** Does what the plan says at the time it says, returning the next plan. */
    private Plan at(Plan p) {
        assertTrue(!p.at().isBefore(clock.instant()), "planned in the past: " + p);
        clock.set(p.at());
        return p;
    }

    @Test
    void aRoundIsWakeWarmUpThreeReadingsMedianSleep() {
        DutyCycle c = defaults(Duration.ZERO);
        Plan p = c.start();
        assertEquals(Action.WAKE, p.action());
        assertEquals(T0, p.at());
        assertEquals(Phase.WAKING, c.phase());

        p = c.woke();
        assertEquals(Action.READ, p.action());
        assertEquals(T0.plusSeconds(30), p.at(), "first reading after the warm-up");
        assertEquals(Phase.WARMING_UP, c.phase());

        at(p);
        p = c.read(12.0, 20.0);
        assertEquals(Action.READ, p.action());
        assertEquals(T0.plusSeconds(32), p.at());
        assertNull(p.report());
        at(p);
        p = c.read(50.0, 60.0); // an outlier: the median ignores it
        at(p);
        p = c.read(10.0, 18.0);
        assertEquals(Action.SLEEP, p.action());
        assertEquals(T0.plusSeconds(34), p.at());
        assertNotNull(p.report());
        assertEquals(12.0, p.report().pm25());
        assertEquals(20.0, p.report().pm10());
        assertEquals(3, p.report().samples());
        assertFalse(p.report().badAir());

        p = c.slept();
        assertEquals(Action.WAKE, p.action());
        assertEquals(T0.plusSeconds(34).plus(Duration.ofMinutes(5)), p.at());
        assertEquals(Phase.ASLEEP, c.phase());
        assertEquals(Duration.ofSeconds(34), c.laserOn(), "the laser ran from wake to sleep");

        clock.set(p.at());
        c.woke();
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Duration.ofSeconds(44), c.laserOn(), "a run in progress counts");
    }

    @Test
    void laserHoursContinueFromWhatWasSavedAndStopWhenThePortIsLost() {
        DutyCycle c = defaults(Duration.ofHours(1000));
        c.start();
        c.woke();
        clock.advance(Duration.ofMinutes(30));
        assertEquals(1000.5, c.laserHours(), 1e-9);
        assertEquals(Action.NONE, c.lost().action());
        assertEquals(Phase.STOPPED, c.phase());
        clock.advance(Duration.ofHours(5));
        assertEquals(1000.5, c.laserHours(), 1e-9, "unplugged: no power, no laser");
    }

    @Test
    void staysAwakeWhileTheAirIsBadAndSleepsAgainBelowTheHysteresis() {
        DutyCycle c = defaults(Duration.ZERO);
        c.start();
        Plan p = at(c.woke());
        p = round(c, p, 40, 41, 39); // median 40 ≥ 35
        assertEquals(Action.READ, p.action(), "bad air: no sleep, the next round starts");
        assertEquals(40.0, p.report().pm25());
        assertTrue(p.report().badAir());
        assertTrue(c.badAir());
        p = round(c, at(p), 30, 31, 32); // 31 is below 35 but above 28 (80 %): stay in bad-air mode
        assertEquals(Action.READ, p.action());
        assertTrue(p.report().badAir());
        p = round(c, at(p), 20, 25, 27); // 25 < 28: back to normal
        assertEquals(Action.SLEEP, p.action());
        assertFalse(p.report().badAir());
        assertEquals(Duration.ofMinutes(5), Duration.between(clock.instant(), c.slept().at()));
    }

    @Test
    void badAirCanSleepLessInsteadOfNotAtAll() {
        DutyCycle c = new DutyCycle(new DutyCycle.Settings(Duration.ofSeconds(15), 1, Duration.ofSeconds(1), Duration.ofMinutes(20), 50, Duration.ofMinutes(2)),
                clock, Duration.ZERO);
        c.start();
        Plan p = at(c.woke());
        p = c.read(80, 90);
        assertEquals(Action.SLEEP, p.action());
        assertEquals(Duration.ofMinutes(2), Duration.between(clock.instant(), c.slept().at()));
        clock.advance(Duration.ofMinutes(2));
        p = at(c.woke());
        p = c.read(10, 15);
        assertEquals(Duration.ofMinutes(20), Duration.between(clock.instant(), c.slept().at()));
    }

    @Test
    void adaptationOffIgnoresHighValues() {
        DutyCycle c = new DutyCycle(new DutyCycle.Settings(Duration.ZERO, 1, Duration.ofSeconds(1), Duration.ofMinutes(5), 0, Duration.ZERO),
                clock, Duration.ZERO);
        c.start();
        c.woke();
        Plan p = c.read(900, 999);
        assertEquals(Action.SLEEP, p.action());
        assertFalse(p.report().badAir());
    }

    @Test
    void sleepZeroReadsContinuouslyAndEvenCountsUseTheMiddlePair() {
        DutyCycle c = new DutyCycle(new DutyCycle.Settings(Duration.ofSeconds(30), 4, Duration.ofSeconds(1), Duration.ZERO, 0, Duration.ZERO),
                clock, Duration.ZERO);
        c.start();
        Plan p = at(c.woke());
        p = round(c, p, 1, 100, 3, 5);
        assertEquals(Action.READ, p.action());
        assertEquals(4.0, p.report().pm25(), "median of 1 3 5 100 is (3 + 5) / 2");
        assertEquals(clock.instant().plusSeconds(1), p.at(), "no second warm-up: the laser stayed on");
    }

    @Test
    void commandsCanSleepForAWhileOrUntilWoken() {
        DutyCycle c = defaults(Duration.ZERO);
        c.start();
        c.woke();
        clock.advance(Duration.ofSeconds(10));
        Plan p = c.sleepFor(Duration.ofMinutes(60));
        assertEquals(Action.WAKE, p.action());
        assertEquals(clock.instant().plus(Duration.ofMinutes(60)), p.at());
        assertEquals(Phase.ASLEEP, c.phase());
        p = c.pause();
        assertEquals(Action.NONE, p.action());
        assertEquals(Phase.PAUSED, c.phase());
        assertNull(c.phaseEnds());
        clock.advance(Duration.ofDays(1));
        assertEquals(Duration.ofSeconds(10), c.laserOn());
        p = c.woke();
        assertEquals(Action.READ, p.action());
        assertEquals(0, c.samplesTaken());
    }

    @Test
    void aWakeDuringARoundStartsTheRoundAfresh() {
        DutyCycle c = defaults(Duration.ZERO);
        c.start();
        at(c.woke());
        c.read(1, 1);
        c.read(2, 2);
        assertEquals(2, c.samplesTaken());
        c.woke();
        assertEquals(0, c.samplesTaken(), "readings of an interrupted round are not mixed into the next median");
    }

    @Test
    void refusesNonsenseSettings() {
        assertThrows(IllegalArgumentException.class, () -> new DutyCycle.Settings(Duration.ofSeconds(-1), 3, Duration.ofSeconds(1), Duration.ZERO, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new DutyCycle.Settings(Duration.ZERO, 0, Duration.ofSeconds(1), Duration.ZERO, 0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new DutyCycle.Settings(Duration.ZERO, 1, Duration.ofSeconds(1), Duration.ZERO, Double.NaN, Duration.ZERO));
    }

    @Test
    void medianOfOneAndOfMany() {
        assertEquals(7.0, DutyCycle.median(List.of(new double[] {7, 0}), 0));
        assertEquals(2.0, DutyCycle.median(List.of(new double[] {3, 0}, new double[] {1, 0}, new double[] {2, 0}), 0));
    }

    /** Takes the readings of a round, each at its planned time; returns the plan after the last. */
    private Plan round(DutyCycle c, Plan p, double... pm25) {
        for (int i = 0; i < pm25.length; i++) {
            if (i > 0) at(p);
            p = c.read(pm25[i], pm25[i] + 5);
        }
        return p;
    }
}
