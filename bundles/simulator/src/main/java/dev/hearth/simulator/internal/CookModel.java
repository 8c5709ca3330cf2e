package dev.hearth.simulator.internal;

/**
 * A low-and-slow cook, in cook time: the pit heats to about 110 °C; a pork shoulder rises from
 * fridge temperature toward 95 °C and stalls near 70 °C (evaporative cooling); a second, smaller
 * piece on probe 3 is unplugged for half an hour and plugged back; probe 4 is never plugged. The
 * battery drains slowly. Deterministic (no randomness), so tests can rely on it. No OSGi.
 */
final class CookModel {

    static final double FRIDGE = 4.0;
    static final double ROOM = 20.0;
    static final double PIT = 110.0;
    static final double MEAT_MAX = 96.0;
    /** Probe 3 is out of its socket between these cook times (seconds). */
    static final double UNPLUG_FROM = 2 * 3600, UNPLUG_UNTIL = 2.5 * 3600;
    private static final double STEP = 10; // integration step, cook seconds

    private double time;
    private double pit = ROOM;
    private double shoulder = FRIDGE;
    private double rib = FRIDGE;

    /** Advances the cook by {@code seconds} of cook time. */
    void advance(double seconds) {
        double left = seconds;
        while (left > 0) {
            double dt = Math.min(STEP, left);
            // the smoker warms up in about 20 minutes
            pit += (PIT - pit) * (1 - Math.exp(-dt / 400));
            shoulder += dt * rate(shoulder, 1 / 14000.0);
            rib += dt * rate(rib, 1 / 7000.0);
            time += dt;
            left -= dt;
        }
    }

    /** Newton heating toward the pit, slowed to a crawl around 70 °C (the stall), and no further than {@link #MEAT_MAX}. */
    private double rate(double meat, double k) {
        double stall = 1 - 0.93 * Math.exp(-Math.pow((meat - 70) / 3.5, 2));
        double toward = Math.min(pit, MEAT_MAX + 6);
        double r = k * (toward - meat) * stall;
        return meat >= MEAT_MAX && r > 0 ? 0 : r;
    }

    double time() {
        return time;
    }

    /** Probe temperatures in °C, {@code NaN} for an unplugged probe. A small ripple keeps the pit from looking flat. */
    double[] probes(int count) {
        double ripple = 1.2 * Math.sin(time / 97.0) + 0.5 * Math.sin(time / 13.0);
        double[] all = { pit + ripple, shoulder, time >= UNPLUG_FROM && time < UNPLUG_UNTIL ? Double.NaN : rib, Double.NaN, Double.NaN,
                Double.NaN };
        double[] out = new double[count];
        System.arraycopy(all, 0, out, 0, count);
        return out;
    }

    /** Battery voltage as the device reports it, out of {@link #BATTERY_MAX}: about 3 % an hour. */
    int batteryVoltage() {
        double percent = Math.max(5, 100 - 3 * time / 3600);
        return (int) Math.round(BATTERY_MAX * percent / 100);
    }

    static final int BATTERY_MAX = 6550;
}
