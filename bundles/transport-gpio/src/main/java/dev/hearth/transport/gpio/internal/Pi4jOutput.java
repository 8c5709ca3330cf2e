package dev.hearth.transport.gpio.internal;

import java.time.Duration;
import java.util.function.Consumer;

import com.pi4j.exception.Pi4JException;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;

import dev.hearth.transport.gpio.GpioException;
import dev.hearth.transport.gpio.GpioLine;
import dev.hearth.transport.gpio.GpioOutput;

/** One line held through Pi4J. */
final class Pi4jOutput implements GpioOutput {

    private final GpioLine line;
    private final String consumer;
    private final DigitalOutput out;
    private final Consumer<Pi4jOutput> onClose;
    private boolean high;
    private boolean closed;

    Pi4jOutput(GpioLine line, String consumer, DigitalOutput out, boolean high, Consumer<Pi4jOutput> onClose) {
        this.line = line;
        this.consumer = consumer;
        this.out = out;
        this.high = high;
        this.onClose = onClose;
    }

    String consumer() {
        return consumer;
    }

    String ioId() {
        return out.id();
    }

    @Override
    public GpioLine line() {
        return line;
    }

    @Override
    public synchronized void set(boolean level) throws GpioException {
        if (closed) throw new GpioException(line + " is closed");
        try {
            out.state(level ? DigitalState.HIGH : DigitalState.LOW);
        } catch (Pi4JException e) {
            throw new GpioException("cannot drive " + line + (level ? " high" : " low") + ": " + e.getMessage(), e);
        }
        high = level;
    }

    @Override
    public synchronized boolean isHigh() {
        return high;
    }

    @Override
    public void pulse(boolean level, Duration duration) throws GpioException, InterruptedException {
        Pulses.check(duration);
        boolean before;
        synchronized (this) {
            before = high;
            set(level);
        }
        try {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        } finally {
            set(before);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        onClose.accept(this);
    }
}
