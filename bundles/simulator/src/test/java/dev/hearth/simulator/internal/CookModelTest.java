package dev.hearth.simulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CookModelTest {

    @Test
    void pitSettlesNearOneHundredTenAndMeatStartsCold() {
        CookModel c = new CookModel();
        assertEquals(CookModel.FRIDGE, c.probes(4)[1]);
        c.advance(3600);
        assertEquals(110.0, c.probes(4)[0], 2.5);
        assertTrue(c.probes(4)[1] < 50, "an hour in, the shoulder is far from done: " + c.probes(4)[1]);
    }

    @Test
    void shoulderStallsNearSeventyThenFinishesTowardNinetyFive() {
        CookModel c = new CookModel();
        double into40 = -1, into50 = -1, into66 = -1, into74 = -1, done = -1;
        for (int s = 0; s < 16 * 3600; s += 60) {
            c.advance(60);
            double t = c.probes(4)[1];
            if (into40 < 0 && t >= 40) into40 = c.time();
            if (into50 < 0 && t >= 50) into50 = c.time();
            if (into66 < 0 && t >= 66) into66 = c.time();
            if (into74 < 0 && t >= 74) into74 = c.time();
            if (done < 0 && t >= 93) done = c.time();
            assertTrue(t <= CookModel.MEAT_MAX + 0.01, "never above " + CookModel.MEAT_MAX + ": " + t);
        }
        assertTrue(into74 - into66 > 3 * (into50 - into40), "the stall: 66→74 takes " + (into74 - into66) + " s, 40→50 took " + (into50 - into40));
        assertTrue(into74 - into66 > 1.5 * 3600, "a stall of hours: " + (into74 - into66));
        assertTrue(done > 8 * 3600 && done < 15 * 3600, "done after a long cook: " + done / 3600 + " h");
    }

    @Test
    void probeThreeIsUnpluggedAndReplugged() {
        CookModel c = new CookModel();
        c.advance(CookModel.UNPLUG_FROM - 60);
        assertTrue(!Double.isNaN(c.probes(4)[2]));
        c.advance(120);
        assertTrue(Double.isNaN(c.probes(4)[2]), "unplugged");
        c.advance(CookModel.UNPLUG_UNTIL - CookModel.UNPLUG_FROM);
        assertTrue(!Double.isNaN(c.probes(4)[2]), "plugged back");
        assertTrue(Double.isNaN(c.probes(4)[3]), "probe 4 is never plugged");
        assertEquals(2, c.probes(2).length);
        assertEquals(6, c.probes(6).length);
    }

    @Test
    void batteryDrainsButNeverBelowFivePercent() {
        CookModel c = new CookModel();
        assertEquals(CookModel.BATTERY_MAX, c.batteryVoltage());
        c.advance(10 * 3600);
        assertEquals(CookModel.BATTERY_MAX * 0.70, c.batteryVoltage(), 2);
        c.advance(100 * 3600);
        assertEquals(Math.round(CookModel.BATTERY_MAX * 0.05), c.batteryVoltage());
    }
}
