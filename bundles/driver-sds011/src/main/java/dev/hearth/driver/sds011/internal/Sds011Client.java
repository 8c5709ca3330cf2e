package dev.hearth.driver.sds011.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import dev.hearth.transport.serial.SerialPort;

/**
 * The SDS011 protocol over an open port: one command at a time, each reply matched to its command
 * by type and command code, within a timeout. Frames that match nothing (an active-mode report,
 * a late reply to an earlier command) are counted and skipped. No OSGi, no threads of its own.
 */
final class Sds011Client {

    private final SerialPort port;
    private final Duration replyTimeout;
    private final FrameReader reader;
    private final Deque<Sds011Codec.Frame> pending = new ArrayDeque<>();
    private final byte[] buf = new byte[64];
    private long unexpectedFrames;
    private int sensorId = -1;

    Sds011Client(SerialPort port, Duration replyTimeout, BiConsumer<Sds011Codec.Fault, String> onBadFrame) {
        this.port = port;
        this.replyTimeout = replyTimeout;
        this.reader = new FrameReader(onBadFrame);
    }

    SerialPort port() { return port; }

    FrameReader reader() { return reader; }

    long unexpectedFrames() { return unexpectedFrames; }

    /** The sensor id from the last frame it sent, or -1 before the first. */
    int sensorId() { return sensorId; }

    /** Query mode: the sensor answers only when asked, so replies are not lost among reports. */
    void setQueryMode() throws IOException {
        Sds011Codec.Reply r = reply(Sds011Codec.setQueryMode(true), Sds011Codec.CMD_REPORTING_MODE, "set query mode");
        if (r.b3() != 1 || r.b4() != 1) throw new IOException("set query mode: the sensor answered mode " + r.b4());
    }

    /** One measurement. The sensor must be awake. */
    Sds011Codec.Data queryData() throws IOException {
        send(Sds011Codec.queryData());
        return (Sds011Codec.Data) await(f -> f instanceof Sds011Codec.Data, "query data");
    }

    /** Puts the sensor to sleep: laser and fan off. */
    void sleep() throws IOException {
        Sds011Codec.Reply r = reply(Sds011Codec.setWorking(false), Sds011Codec.CMD_SLEEP_WORK, "sleep");
        if (r.b4() != 0) throw new IOException("sleep: the sensor says it is still working");
    }

    /**
     * Wakes the sensor. A sleeping sensor answers nothing but this, and may miss the first byte
     * while its UART wakes, so one more try follows a silent first one.
     */
    void wake() throws IOException {
        Sds011Codec.Reply r;
        try {
            r = reply(Sds011Codec.setWorking(true), Sds011Codec.CMD_SLEEP_WORK, "wake");
        } catch (NoReplyException e) {
            r = reply(Sds011Codec.setWorking(true), Sds011Codec.CMD_SLEEP_WORK, "wake");
        }
        if (r.b4() != 1) throw new IOException("wake: the sensor says it is still asleep");
    }

    /** 0 = continuous (the driver does its own duty cycle), 1–30 = the sensor's own period. */
    void setWorkingPeriod(int minutes) throws IOException {
        Sds011Codec.Reply r = reply(Sds011Codec.setWorkingPeriod(minutes), Sds011Codec.CMD_WORKING_PERIOD, "set working period");
        if (r.b4() != minutes) throw new IOException("set working period " + minutes + ": the sensor answered " + r.b4());
    }

    /** The firmware date as {@code YYYY-MM-DD} (the reply's {@code YY MM DD}). */
    String firmware() throws IOException {
        Sds011Codec.Reply r = reply(Sds011Codec.firmware(), Sds011Codec.CMD_FIRMWARE, "firmware version");
        try {
            return LocalDate.of(2000 + r.b3(), r.b4(), r.b5()).toString();
        } catch (java.time.DateTimeException e) {
            // an odd date is still the sensor's answer; show it as it came
            return String.format("%02d-%02d-%02d", r.b3(), r.b4(), r.b5());
        }
    }

    /** Gives the sensor a new id; returns the id its reply carries. */
    int setDeviceId(int newId) throws IOException {
        int target = sensorId < 0 ? Sds011Codec.ALL_SENSORS : sensorId;
        Sds011Codec.Reply r = reply(Sds011Codec.setDeviceId(target, newId), Sds011Codec.CMD_SET_ID, "set device id");
        if (r.sensorId() != newId) throw new IOException("set device id: the sensor answered with id " + Sds011Codec.idHex(r.sensorId()));
        return r.sensorId();
    }

    private Sds011Codec.Reply reply(byte[] command, int code, String what) throws IOException {
        send(command);
        return (Sds011Codec.Reply) await(f -> f instanceof Sds011Codec.Reply r && r.command() == code, what);
    }

    /** Sends a command after dropping whatever is stale: a late reply must not answer this one. */
    private void send(byte[] command) throws IOException {
        port.discardInput();
        pending.clear();
        port.write(command);
    }

    private Sds011Codec.Frame await(Predicate<Sds011Codec.Frame> wanted, String what) throws IOException {
        long deadline = System.nanoTime() + replyTimeout.toNanos();
        while (true) {
            while (!pending.isEmpty()) {
                Sds011Codec.Frame f = pending.poll();
                if (f instanceof Sds011Codec.Command) continue; // our own command echoed by a loopback: not the sensor
                sensorId = f.sensorId();
                if (wanted.test(f)) return f;
                unexpectedFrames++;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new NoReplyException("no reply to " + what + " within " + replyTimeout.toMillis() + " ms");
            int n = port.read(buf, 0, buf.length, Duration.ofNanos(left));
            if (n > 0) pending.addAll(reader.feed(buf, 0, n));
        }
    }
}
