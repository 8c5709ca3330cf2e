package dev.hearth.driver.dht22.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.hearth.transport.gpio.GpioController;
import dev.hearth.transport.gpio.GpioException;
import dev.hearth.transport.gpio.GpioLine;
import dev.hearth.transport.gpio.GpioOutput;

/**
 * A test double of the GPIO API. No real GPIO peer can run on this machine or in CI (no
 * /dev/gpiochip, no gpio-sim kernel module, and Pi4J's gpiod provider refuses boards that are not
 * a Raspberry Pi), so the driver's power cycling is verified against the API contract: which
 * line, which levels, at which virtual times.
 */
final class FakeGpio implements GpioController {

    record Change(long atMillis, boolean high) {
    }

    final List<Change> changes = new ArrayList<>();
    final List<GpioLine> opened = new ArrayList<>();
    private final ManualScheduler time;
    GpioException failOpen;
    GpioException failSet;
    boolean closed;

    FakeGpio(ManualScheduler time) {
        this.time = time;
    }

    @Override
    public GpioOutput openOutput(GpioLine line, boolean initialHigh, String consumer) throws GpioException {
        if (failOpen != null) throw failOpen;
        opened.add(line);
        changes.add(new Change(time.nowMillis(), initialHigh));
        return new GpioOutput() {
            boolean high = initialHigh;

            @Override public GpioLine line() { return line; }

            @Override
            public void set(boolean level) throws GpioException {
                if (closed) throw new GpioException(line + " is closed");
                if (failSet != null) throw failSet;
                high = level;
                changes.add(new Change(time.nowMillis(), level));
            }

            @Override public boolean isHigh() { return high; }

            @Override public void pulse(boolean level, Duration d) { throw new UnsupportedOperationException("the driver must not block"); }

            @Override public void close() { closed = true; }
        };
    }
}
