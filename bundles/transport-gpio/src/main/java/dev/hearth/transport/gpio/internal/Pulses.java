package dev.hearth.transport.gpio.internal;

import java.time.Duration;

import dev.hearth.transport.gpio.GpioOutput;

final class Pulses {

    private Pulses() {
    }

    static void check(Duration duration) {
        if (duration == null || duration.isNegative()) throw new IllegalArgumentException("a pulse needs a duration of zero or more, is " + duration);
        if (duration.compareTo(GpioOutput.MAX_PULSE) > 0) {
            throw new IllegalArgumentException("a pulse may last at most " + GpioOutput.MAX_PULSE.toSeconds() + " s, is " + duration
                    + "; schedule longer waits instead of blocking a thread");
        }
    }
}
