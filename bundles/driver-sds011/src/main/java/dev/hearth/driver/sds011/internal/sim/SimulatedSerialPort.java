package dev.hearth.driver.sds011.internal.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

import dev.hearth.driver.sds011.internal.FrameReader;
import dev.hearth.driver.sds011.internal.Sds011Codec;
import dev.hearth.transport.serial.SerialPort;

/**
 * A {@link SimulatedSds011} behind the serial API: what the driver writes is parsed as commands,
 * what the sensor answers is read back. In active mode a working sensor sends a frame a second,
 * as the real one does, so the driver's switch to query mode is exercised too.
 */
final class SimulatedSerialPort implements SerialPort {

    private final String name;
    private final SimulatedSds011 sensor;
    private final FrameReader commands = new FrameReader(null);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long nextActiveReport = System.nanoTime();
    private boolean open = true;

    SimulatedSerialPort(String name, SimulatedSds011 sensor) {
        this.name = name;
        this.sensor = sensor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String device() {
        return "simulated SDS011";
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length, Duration timeout) throws IOException {
        checkOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (out.size() == 0) {
            if (!sensor.queryMode() && sensor.working() && System.nanoTime() >= nextActiveReport) {
                out.writeBytes(sensor.measurement());
                nextActiveReport = System.nanoTime() + 1_000_000_000L;
                break;
            }
            long left = Math.min(deadline, nextActiveReport) - System.nanoTime();
            if (deadline - System.nanoTime() <= 0) return 0;
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            checkOpen();
        }
        byte[] all = out.toByteArray();
        int n = Math.min(length, all.length);
        System.arraycopy(all, 0, buffer, offset, n);
        out.reset();
        out.write(all, n, all.length - n);
        return n;
    }

    @Override
    public synchronized void write(byte[] data) throws IOException {
        checkOpen();
        for (Sds011Codec.Frame f : commands.feed(data, 0, data.length)) {
            if (f instanceof Sds011Codec.Command c) out.writeBytes(sensor.handle(c));
        }
        notifyAll();
    }

    @Override
    public synchronized void discardInput() throws IOException {
        checkOpen();
        out.reset();
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() {
        open = false;
        notifyAll();
    }

    private void checkOpen() throws IOException {
        if (!open) throw new IOException("port " + name + " is closed");
    }
}
