package dev.hearth.driver.sds011.internal.sim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import dev.hearth.driver.sds011.internal.Sds011Codec;

/**
 * An SDS011's answers to commands, with particulate values that drift through the day and jump
 * now and then (someone cooking), decaying over a quarter of an hour. Behaves like the real one
 * where the driver depends on it: starts in active mode, answers only wake while asleep, keeps
 * reporting mode and working period, reports its id in every frame. No I/O; {@link SimulatedSerialPort}
 * puts it behind the serial API.
 */
public final class SimulatedSds011 {

    private final Clock clock;
    private final Random random;
    private final double baseline;
    private final double spikesPerHour;
    private int sensorId;
    private boolean queryMode;
    private boolean working = true;
    private int period;
    private Instant lastUpdate;
    private double spike;

    public SimulatedSds011(Clock clock, long seed, int sensorId, double baseline, double spikesPerHour) {
        this.clock = clock;
        this.random = new Random(seed);
        this.sensorId = sensorId & 0xFFFF;
        this.baseline = baseline;
        this.spikesPerHour = spikesPerHour;
        this.lastUpdate = clock.instant();
    }

    public synchronized boolean working() { return working; }

    public synchronized boolean queryMode() { return queryMode; }

    /** The frames the sensor sends in answer to {@code c}; empty if it ignores it. */
    public synchronized byte[] handle(Sds011Codec.Command c) {
        if (c.sensorId() != Sds011Codec.ALL_SENSORS && c.sensorId() != sensorId) return new byte[0];
        boolean set = c.d(1) == 1;
        if (!working && !(c.command() == Sds011Codec.CMD_SLEEP_WORK && set && c.d(2) == 1)) return new byte[0]; // asleep: only wake
        switch (c.command()) {
            case Sds011Codec.CMD_REPORTING_MODE:
                if (set) queryMode = c.d(2) == 1;
                return Sds011Codec.reply(c.command(), c.d(1), queryMode ? 1 : 0, 0, sensorId);
            case Sds011Codec.CMD_QUERY_DATA:
                return measurement();
            case Sds011Codec.CMD_SET_ID:
                sensorId = c.d(11) << 8 | c.d(12);
                return Sds011Codec.reply(c.command(), 0, 0, 0, sensorId);
            case Sds011Codec.CMD_SLEEP_WORK:
                if (set) working = c.d(2) == 1;
                return Sds011Codec.reply(c.command(), c.d(1), working ? 1 : 0, 0, sensorId);
            case Sds011Codec.CMD_WORKING_PERIOD:
                if (set) period = Math.min(30, c.d(2));
                return Sds011Codec.reply(c.command(), c.d(1), period, 0, sensorId);
            case Sds011Codec.CMD_FIRMWARE:
                return Sds011Codec.reply(c.command(), 18, 11, 16, sensorId);
            default:
                return new byte[0];
        }
    }

    /** A data frame now (what query data answers, and what active mode sends each second). */
    public synchronized byte[] measurement() {
        double[] pm = values();
        return Sds011Codec.data((int) Math.round(pm[0] * 10), (int) Math.round(pm[1] * 10), sensorId);
    }

    /** PM2.5 and PM10 now, in µg/m³. */
    synchronized double[] values() {
        Instant now = clock.instant();
        double minutes = Math.max(0, Duration.between(lastUpdate, now).toMillis() / 60_000.0);
        lastUpdate = now;
        spike *= Math.exp(-minutes / 15.0); // cooking smoke clears in a quarter of an hour or so
        if (random.nextDouble() < 1 - Math.exp(-spikesPerHour * minutes / 60.0)) spike += 40 + random.nextDouble() * 110;
        double hour = now.getEpochSecond() % 86_400 / 3600.0;
        double daily = 1 + 0.35 * Math.sin((hour - 8) / 24 * 2 * Math.PI); // a little higher in the evening
        double pm25 = Math.max(0.5, baseline * daily + spike + random.nextGaussian() * 0.8);
        double pm10 = pm25 * (1.3 + random.nextDouble() * 0.4);
        return new double[] {Math.min(999.9, pm25), Math.min(1999.9, pm10)};
    }
}
