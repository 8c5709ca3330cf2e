package dev.hearth.driver.dht22.internal;

import static dev.hearth.driver.dht22.internal.Plausibility.Verdict.ACCEPTED;
import static dev.hearth.driver.dht22.internal.Plausibility.Verdict.NEW_LEVEL;
import static dev.hearth.driver.dht22.internal.Plausibility.Verdict.OUT_OF_RANGE;
import static dev.hearth.driver.dht22.internal.Plausibility.Verdict.SPIKE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PlausibilityTest {

    private static Plausibility standard() {
        return new Plausibility(new Plausibility.Limits(-40, 80, 0, 100, 2.0, 10.0, 3));
    }

    @Test
    void rangeIsInclusiveAndChecksBothValues() {
        Plausibility p = standard();
        assertEquals(ACCEPTED, p.check(-40, 0, 0));
        p = standard();
        assertEquals(ACCEPTED, p.check(80, 100, 0));
        p = standard();
        assertEquals(OUT_OF_RANGE, p.check(-40.1, 50, 0));
        assertEquals(OUT_OF_RANGE, p.check(80.1, 50, 0));
        assertEquals(OUT_OF_RANGE, p.check(20, -0.1, 0));
        assertEquals(OUT_OF_RANGE, p.check(20, 100.1, 0));
        assertEquals(OUT_OF_RANGE, p.check(3276.7, 50, 0)); // a DHT22 frame decoded without the sign bit
        assertEquals(ACCEPTED, p.check(20, 50, 0)); // out-of-range readings do not become the reference
    }

    @Test
    void aSingleJumpIsASpikeAndTheLevelBeforeItStays() {
        Plausibility p = standard();
        assertEquals(ACCEPTED, p.check(21.0, 45, 0));
        assertEquals(ACCEPTED, p.check(21.1, 45.5, 10_000));
        assertEquals(SPIKE, p.check(35.0, 45.5, 20_000));
        assertEquals(ACCEPTED, p.check(21.2, 45.3, 30_000));
        assertEquals(SPIKE, p.check(21.2, 80, 40_000)); // humidity alone can spike
        assertEquals(ACCEPTED, p.check(23.2, 55.3, 50_000)); // exactly one step of each within a minute
    }

    @Test
    void theAllowedChangeGrowsWithTimeBetweenReadings() {
        Plausibility p = standard();
        assertEquals(ACCEPTED, p.check(20, 50, 0));
        assertEquals(SPIKE, p.check(25, 50, 60_000)); // 5 °C in one minute
        p = standard();
        assertEquals(ACCEPTED, p.check(20, 50, 0));
        assertEquals(ACCEPTED, p.check(25, 50, 180_000)); // 5 °C over three minutes (an outage in between)
    }

    @Test
    void aRepeatedNewLevelIsAcceptedAfterItsConfirmations() {
        Plausibility p = standard();
        assertEquals(ACCEPTED, p.check(21, 45, 0));
        assertEquals(SPIKE, p.check(5, 80, 10_000)); // moved outdoors
        assertEquals(SPIKE, p.check(5.1, 80, 20_000));
        assertEquals(NEW_LEVEL, p.check(5.0, 79.5, 30_000));
        assertEquals(ACCEPTED, p.check(5.1, 79, 40_000));
    }

    @Test
    void spikesThatDisagreeWithEachOtherNeverConfirm() {
        Plausibility p = standard();
        assertEquals(ACCEPTED, p.check(21, 45, 0));
        for (int i = 1; i <= 20; i++) {
            assertEquals(SPIKE, p.check(i % 2 == 0 ? 60 : -20, 45, i * 10_000L), "spike " + i);
        }
        assertEquals(ACCEPTED, p.check(21.3, 45, 210_000));
    }

    @Test
    void zeroStepsTurnTheRateCheckOffAndOneConfirmationAcceptsAtOnce() {
        Plausibility off = new Plausibility(new Plausibility.Limits(-40, 80, 0, 100, 0, 0, 3));
        assertEquals(ACCEPTED, off.check(-30, 0, 0));
        assertEquals(ACCEPTED, off.check(70, 100, 1));
        Plausibility once = new Plausibility(new Plausibility.Limits(-40, 80, 0, 100, 2, 10, 1));
        assertEquals(ACCEPTED, once.check(20, 50, 0));
        assertEquals(NEW_LEVEL, once.check(40, 50, 1));
    }

    @Test
    void nonsenseLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Plausibility.Limits(80, -40, 0, 100, 2, 10, 3));
        assertThrows(IllegalArgumentException.class, () -> new Plausibility.Limits(-40, 80, 50, 50, 2, 10, 3));
        assertThrows(IllegalArgumentException.class, () -> new Plausibility.Limits(Double.NaN, 80, 0, 100, 2, 10, 3));
        assertThrows(IllegalArgumentException.class, () -> new Plausibility.Limits(-40, 80, 0, 100, Double.NaN, 10, 3));
        assertThrows(IllegalArgumentException.class, () -> new Plausibility.Limits(-40, 80, 0, 100, 2, 10, 0));
    }
}
