package dev.hearth.driver.sds011.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * When to wake the sensor, read it and put it back to sleep, so its 8000-hour laser lasts years:
 * wake, warm up, take N readings a few seconds apart and report their median, sleep M minutes.
 * While the air is bad (median PM2.5 at or above a threshold) it stays awake, or sleeps a shorter
 * time, until the median falls below 80 % of the threshold (hysteresis: no flapping at the edge).
 * It also adds up how long the laser has been on.
 *
 * <p>A state machine without I/O or threads: the driver tells it what happened ({@link #woke},
 * {@link #read}, {@link #slept}, ...) and does what the returned {@link Plan} says, when it says.
 * Time comes from the injected clock. Not thread-safe; the driver serialises calls.
 */
final class DutyCycle {

    /** What the sensor is doing, as far as the cycle knows. */
    enum Phase { STOPPED, WAKING, WARMING_UP, MEASURING, ASLEEP, PAUSED }

    enum Action { WAKE, READ, SLEEP, NONE }

    /** Leaving the bad-air mode needs the median this far below the threshold. */
    static final double HYSTERESIS = 0.8;

    /**
     * @param sleep zero for no sleep at all (continuous)
     * @param adaptiveThreshold PM2.5 in µg/m³ at which to stop sleeping; zero or less turns adaptation off
     * @param adaptiveSleep how long to sleep while the air is bad; zero for not at all
     */
    record Settings(Duration warmUp, int readings, Duration readingSpacing, Duration sleep, double adaptiveThreshold, Duration adaptiveSleep) {
        Settings {
            if (warmUp.isNegative()) throw new IllegalArgumentException("warm-up must not be negative");
            if (readings < 1) throw new IllegalArgumentException("readings must be at least 1, is " + readings);
            if (readingSpacing.isNegative()) throw new IllegalArgumentException("reading spacing must not be negative");
            if (sleep.isNegative() || adaptiveSleep.isNegative()) throw new IllegalArgumentException("sleep must not be negative");
            if (!Double.isFinite(adaptiveThreshold)) throw new IllegalArgumentException("threshold must be a number");
        }

        boolean adaptive() {
            return adaptiveThreshold > 0;
        }
    }

    /** The median of one round of readings, in µg/m³. */
    record Median(double pm25, double pm10, int samples, boolean badAir) {
    }

    /** Do {@code action} at {@code at}; {@code report}, when not null, is a median to publish now. */
    record Plan(Action action, Instant at, Median report) {
        static Plan none() {
            return new Plan(Action.NONE, null, null);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final List<double[]> samples = new ArrayList<>();
    private Phase phase = Phase.STOPPED;
    private Instant phaseEnds;
    private Instant laserOnSince;
    private Duration laserOnBefore;
    private boolean badAir;
    private Median last;

    DutyCycle(Settings settings, Clock clock, Duration laserOnBefore) {
        this.settings = settings;
        this.clock = clock;
        this.laserOnBefore = laserOnBefore;
    }

    /** The port is open and the sensor answers: wake it now. */
    Plan start() {
        samples.clear();
        phase = Phase.WAKING;
        phaseEnds = null;
        return new Plan(Action.WAKE, now(), null);
    }

    /** The sensor confirmed it is awake: read once the warm-up is over. */
    Plan woke() {
        Instant now = now();
        if (laserOnSince == null) laserOnSince = now;
        samples.clear();
        phase = Phase.WARMING_UP;
        phaseEnds = now.plus(settings.warmUp());
        return new Plan(Action.READ, phaseEnds, null);
    }

    /** A reading arrived: the next one, or the median and what follows it. */
    Plan read(double pm25, double pm10) {
        Instant now = now();
        phase = Phase.MEASURING;
        samples.add(new double[] {pm25, pm10});
        if (samples.size() < settings.readings()) {
            phaseEnds = now.plus(settings.readingSpacing());
            return new Plan(Action.READ, phaseEnds, null);
        }
        double m25 = median(samples, 0);
        double m10 = median(samples, 1);
        int n = samples.size();
        samples.clear();
        if (settings.adaptive()) {
            if (m25 >= settings.adaptiveThreshold()) badAir = true;
            else if (m25 < settings.adaptiveThreshold() * HYSTERESIS) badAir = false;
        } else {
            badAir = false;
        }
        last = new Median(m25, m10, n, badAir);
        Duration sleep = badAir ? settings.adaptiveSleep() : settings.sleep();
        if (sleep.isZero()) {
            phaseEnds = now.plus(settings.readingSpacing());
            return new Plan(Action.READ, phaseEnds, last);
        }
        return new Plan(Action.SLEEP, now, last);
    }

    /** The sensor confirmed it sleeps: wake it after the sleep this round calls for. */
    Plan slept() {
        return sleepFor(badAir ? settings.adaptiveSleep() : settings.sleep());
    }

    /** Asleep for {@code duration} (a command may ask for a time of its own), then a new round. */
    Plan sleepFor(Duration duration) {
        laserOff();
        samples.clear();
        phase = Phase.ASLEEP;
        phaseEnds = now().plus(duration);
        return new Plan(Action.WAKE, phaseEnds, null);
    }

    /** Asleep until a command wakes it: no plan. */
    Plan pause() {
        laserOff();
        samples.clear();
        phase = Phase.PAUSED;
        phaseEnds = null;
        return Plan.none();
    }

    /** The port went away (the sensor lost its USB power with it): the laser is off. */
    Plan lost() {
        laserOff();
        samples.clear();
        phase = Phase.STOPPED;
        phaseEnds = null;
        return Plan.none();
    }

    Phase phase() { return phase; }

    /** When the current phase is planned to end, or null. */
    Instant phaseEnds() { return phaseEnds; }

    boolean badAir() { return badAir; }

    /** Readings taken in this round so far. */
    int samplesTaken() { return samples.size(); }

    Median lastMedian() { return last; }

    /** Total laser-on time, including the run in progress. */
    Duration laserOn() {
        Duration d = laserOnBefore;
        if (laserOnSince != null) d = d.plus(Duration.between(laserOnSince, now()).abs());
        return d;
    }

    double laserHours() {
        return laserOn().toMillis() / 3_600_000.0;
    }

    private void laserOff() {
        if (laserOnSince == null) return;
        laserOnBefore = laserOnBefore.plus(Duration.between(laserOnSince, now()).abs());
        laserOnSince = null;
    }

    private Instant now() {
        return clock.instant();
    }

    static double median(List<double[]> samples, int index) {
        double[] v = samples.stream().mapToDouble(s -> s[index]).toArray();
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }
}
