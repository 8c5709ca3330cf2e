package dev.hearth.itests.osgi;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition by polling; fails with the last value seen. Never a sleep as an assertion. */
public final class Poll {

    private Poll() {
    }

    /** Polls {@code value} every 20 ms until {@code done} holds for it; returns that value. */
    public static <T> T until(String what, Duration timeout, Supplier<T> value, Predicate<? super T> done)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = value.get();
                lastError = null;
                if (done.test(last)) return last;
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() - end > 0) {
                AssertionError failure = new AssertionError("waited " + timeout + " for " + what + "; last seen: " + last);
                if (lastError != null) failure.initCause(lastError);
                throw failure;
            }
            Thread.sleep(20);
        }
    }
}
