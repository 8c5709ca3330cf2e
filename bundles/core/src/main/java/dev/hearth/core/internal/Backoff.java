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
        for (int i = 0; i < n && ceiling < maxMillis; i++) ceiling *= 2;
        ceiling = Math.min(ceiling, maxMillis);
        long delay = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        if (hint != null) delay = Math.max(delay, Math.min(hint.toMillis(), maxMillis));
        return delay;
    }

    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
