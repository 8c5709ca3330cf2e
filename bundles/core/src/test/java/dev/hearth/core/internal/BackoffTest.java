package dev.hearth.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * The rule under test (Backoff's javadoc): the n-th consecutive failure (n from 0) waits a random
 * time between half and all of {@code initial * 2^n}, capped at {@code max}. Randomness is checked
 * over many draws: every draw within the bounds, and the draws spread over the range.
 */
class BackoffTest {

    private static final int DRAWS = 2_000;

    /** The delay after {@code failures + 1} failures of a fresh backoff, drawn {@link #DRAWS} times. */
    private static LongSummaryStatistics draws(Supplier<Backoff> fresh, int failures) {
        LongSummaryStatistics stats = new LongSummaryStatistics();
        for (int i = 0; i < DRAWS; i++) {
            Backoff b = fresh.get();
            for (int f = 0; f < failures; f++) b.nextDelayMillis(null);
            stats.accept(b.nextDelayMillis(null));
        }
        return stats;
    }

    private static void assertWithin(long low, long high, LongSummaryStatistics s, String what) {
        assertTrue(s.getMin() >= low, what + ": a draw " + s.getMin() + " below " + low);
        assertTrue(s.getMax() <= high, what + ": a draw " + s.getMax() + " above " + high);
    }

    @Test
    void theFirstDelayIsBetweenHalfAndAllOfTheInitialAndIsJittered() {
        LongSummaryStatistics s = draws(() -> new Backoff(Duration.ofMillis(1000), Duration.ofMinutes(5)), 0);
        assertWithin(500, 1000, s, "first delay");
        // jitter: not one value, and spread over the range (2,000 uniform draws over 501 values)
        assertTrue(s.getMax() > s.getMin(), "every draw was " + s.getMin());
        assertTrue(s.getMin() < 600 && s.getMax() > 900, "draws only spanned " + s.getMin() + ".." + s.getMax());
    }

    @Test
    void delaysDoubleWithEachFailureUntilTheCap() {
        Supplier<Backoff> fresh = () -> new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
        for (int n = 0; n < ceilings.length; n++) {
            LongSummaryStatistics s = draws(fresh, n);
            long c = ceilings[n];
            assertWithin(c / 2, c, s, "failure " + (n + 1));
            assertTrue(s.getMax() > s.getMin(), "failure " + (n + 1) + ": no jitter, every draw was " + s.getMin());
            if (n > 0 && c > ceilings[n - 1]) {
                // growth, not merely bounds: draws reach above the previous step's ceiling
                assertTrue(s.getMax() > ceilings[n - 1], "failure " + (n + 1) + " never waited longer than failure " + n + " could");
                assertTrue(s.getAverage() > draws(fresh, n - 1).getAverage(), "mean delay did not grow at failure " + (n + 1));
            }
        }
    }

    @Test
    void theCapHoldsAfterManyFailures() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
        long max = Duration.ofMinutes(5).toMillis();
        LongSummaryStatistics late = new LongSummaryStatistics();
        for (int i = 0; i < 100_000; i++) {
            long d = b.nextDelayMillis(null);
            assertTrue(d >= 0 && d <= max, "failure " + (i + 1) + " waits " + d + " ms");
            if (i >= 20) late.accept(d);
        }
        assertEquals(100_000, b.failures());
        assertWithin(max / 2, max, late, "capped delays");
        assertTrue(late.getMax() > late.getMin(), "capped delays are not jittered");
    }

    @Test
    void resetAfterSuccessStartsOverFromTheInitialDelay() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(60));
        for (int i = 0; i < 12; i++) b.nextDelayMillis(null);
        assertEquals(12, b.failures());
        long beforeReset = b.nextDelayMillis(null);
        assertTrue(beforeReset >= 30_000, "13th delay " + beforeReset + " ms is not at the capped range");
        b.reset();
        assertEquals(0, b.failures());
        long d = b.nextDelayMillis(null);
        assertTrue(d >= 50 && d <= 100, "first delay after reset " + d + " ms");
        assertEquals(1, b.failures());
        long second = b.nextDelayMillis(null);
        assertTrue(second >= 100 && second <= 200, "second delay after reset " + second + " ms");
    }

    @Test
    void theStoresHintIsAFloorButNeverBeyondTheCap() {
        Supplier<Backoff> fresh = () -> new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
        for (int i = 0; i < 200; i++) {
            assertEquals(5_000, fresh.get().nextDelayMillis(Duration.ofSeconds(5)), "a hint above the backoff is waited out");
            assertEquals(10_000, fresh.get().nextDelayMillis(Duration.ofHours(1)), "a hint beyond the cap is capped");
            long small = fresh.get().nextDelayMillis(Duration.ofMillis(10));
            assertTrue(small >= 50 && small <= 100, "a hint below the backoff changes nothing: " + small);
            long negative = fresh.get().nextDelayMillis(Duration.ofSeconds(-30));
            assertTrue(negative >= 50 && negative <= 100, "a negative hint is ignored: " + negative);
            long zero = fresh.get().nextDelayMillis(Duration.ZERO);
            assertTrue(zero >= 50 && zero <= 100, "a zero hint is ignored: " + zero);
        }
        Backoff b = fresh.get();
        b.nextDelayMillis(Duration.ofSeconds(5));
        assertEquals(1, b.failures(), "a hinted delay still counts as a failure");
    }

    @Test
    void zeroNegativeAndSubMillisecondInitialDelaysBecomeOneMillisecondAndStillGrow() {
        for (Duration initial : new Duration[] {Duration.ZERO, Duration.ofMillis(-500), Duration.ofNanos(999_999),
                Duration.ofDays(-10_000)}) {
            Supplier<Backoff> fresh = () -> new Backoff(initial, Duration.ofMillis(64));
            // initial treated as 1 ms: ceilings 1, 2, 4, ... 64
            assertWithin(0, 1, draws(fresh, 0), initial + ", failure 1");
            assertWithin(1, 2, draws(fresh, 1), initial + ", failure 2");
            assertWithin(32, 64, draws(fresh, 6), initial + ", failure 7");
            assertWithin(32, 64, draws(fresh, 50), initial + ", failure 51");
        }
    }

    @Test
    void aMaxBelowTheInitialDelayOrNegativeOrZeroPinsDelaysAtTheInitial() {
        for (Duration max : new Duration[] {Duration.ofMillis(10), Duration.ZERO, Duration.ofMillis(-1), Duration.ofDays(-1)}) {
            Supplier<Backoff> fresh = () -> new Backoff(Duration.ofMillis(400), max);
            assertWithin(200, 400, draws(fresh, 0), "max " + max + ", failure 1");
            assertWithin(200, 400, draws(fresh, 30), "max " + max + ", failure 31");
        }
    }

    @Test
    void theLargestConfigurableDelaysDoNotOverflow() {
        // CoreConfig's retry delays are int milliseconds: the extreme it lets through
        long big = Integer.MAX_VALUE;
        Backoff b = new Backoff(Duration.ofMillis(big), Duration.ofMillis(big));
        for (int i = 0; i < 200; i++) {
            long d = b.nextDelayMillis(null);
            assertTrue(d >= big / 2 && d <= big, "failure " + (i + 1) + " waits " + d + " ms");
        }
        Backoff small = new Backoff(Duration.ofMillis(10), Duration.ofMillis(big));
        long last = 0;
        for (int i = 0; i < 200; i++) last = small.nextDelayMillis(null);
        assertTrue(last >= big / 2 && last <= big, "after 200 failures: " + last + " ms");
    }

    @Test
    void durationsBeyondLongMillisecondsAreRefusedAtConstruction() {
        // Duration.toMillis() overflows: a clear error when the backoff is made, not a wrong delay later
        assertThrows(ArithmeticException.class, () -> new Backoff(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE)));
        assertThrows(ArithmeticException.class, () -> new Backoff(Duration.ofMillis(1), Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @Test
    void aHugeMaxNeverYieldsANegativeOrZeroDelay() {
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE));
        for (int i = 0; i < 200; i++) {
            long d = b.nextDelayMillis(null);
            if (i >= 2) assertTrue(d > 0, "failure " + (i + 1) + " waits " + d + " ms");
        }
    }

    @Test
    void anAbsurdHintIsCappedAtTheMax() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
        assertEquals(10_000, b.nextDelayMillis(Duration.ofSeconds(Long.MAX_VALUE)));
    }
}
