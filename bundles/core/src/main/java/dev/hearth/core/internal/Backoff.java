package dev.hearth.core.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits a random time between half
 * and all of {@code initial * 2^n}, capped at {@code max}. The jitter keeps sinks that failed
 * together (a shared broker restarting) from retrying in lockstep.
 */
final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(initialMillis, max.toMillis());
    }

    /** The wait before the next attempt after one more failure; at least {@code hint} when the store asked for it. */
    long nextDelayMillis(Duration hint) {
        int n = failures++;
        long ceiling = initialMillis;
        // Stop doubling at the cap, before the long overflows (a max near Long.MAX_VALUE ms).
        for (int i = 0; i < n && ceiling < maxMillis; i++) ceiling = ceiling > maxMillis / 2 ? maxMillis : ceiling * 2;
        ceiling = Math.min(ceiling, maxMillis);
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        if (hint != null) delay = Math.max(delay, Math.min(hintMillis(hint), maxMillis));
        return delay;
    }

    /** A server's Retry-After can be absurd (9223372036854775807 s): beyond a long of milliseconds means "the cap". */
    private long hintMillis(Duration hint) {
        try {
            return hint.toMillis();
        } catch (ArithmeticException e) {
            return hint.isNegative() ? 0 : maxMillis;
        }
    }

    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
