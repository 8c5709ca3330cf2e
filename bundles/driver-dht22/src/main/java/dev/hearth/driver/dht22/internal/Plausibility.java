package dev.hearth.driver.dht22.internal;

/**
 * Rejects readings a DHT22 cannot have produced: outside the configured range, or a jump from
 * the last accepted reading larger than the allowed rate of change (a flipped bit that passed the
 * 8-bit checksum, a marginal wire). A real change that big (the sensor moved to another room) is
 * accepted once it has repeated: {@code confirmations} consecutive rejected readings that agree
 * with each other become the new level. No OSGi, no clock: times are given.
 */
final class Plausibility {

    enum Verdict {
        ACCEPTED,
        /** Accepted after being confirmed as a new level. */
        NEW_LEVEL,
        OUT_OF_RANGE,
        SPIKE
    }

    /**
     * @param temperatureStep largest temperature change (°C) per minute between accepted readings, at least this much
     *        however close together they are; 0 or less turns the rate check off
     * @param humidityStep the same for relative humidity (%RH)
     * @param confirmations how many consecutive, mutually consistent rejected readings make a new level (1 = accept at once)
     */
    record Limits(double minTemperature, double maxTemperature, double minHumidity, double maxHumidity,
            double temperatureStep, double humidityStep, int confirmations) {
        Limits {
            if (!(minTemperature < maxTemperature)) throw new IllegalArgumentException("min_temperature must be below max_temperature");
            if (!(minHumidity < maxHumidity)) throw new IllegalArgumentException("min_humidity must be below max_humidity");
            if (Double.isNaN(temperatureStep) || Double.isNaN(humidityStep)) throw new IllegalArgumentException("steps must be numbers");
            if (confirmations < 1 || confirmations > 100) throw new IllegalArgumentException("spike_confirmations must be within 1..100, is " + confirmations);
        }
    }

    private record Point(double t, double h, long millis) {
    }

    private final Limits limits;
    private Point accepted;
    private Point candidate;
    private int candidateCount;

    Plausibility(Limits limits) {
        this.limits = limits;
    }

    Verdict check(double celsius, double percent, long millis) {
        if (celsius < limits.minTemperature() || celsius > limits.maxTemperature()
                || percent < limits.minHumidity() || percent > limits.maxHumidity()) {
            return Verdict.OUT_OF_RANGE;
        }
        Point p = new Point(celsius, percent, millis);
        if (accepted == null || close(accepted, p)) {
            accepted = p;
            candidate = null;
            candidateCount = 0;
            return Verdict.ACCEPTED;
        }
        if (candidate != null && close(candidate, p)) {
            candidateCount++;
        } else {
            candidateCount = 1;
        }
        candidate = p;
        if (candidateCount >= limits.confirmations()) {
            accepted = p;
            candidate = null;
            candidateCount = 0;
            return Verdict.NEW_LEVEL;
        }
        return Verdict.SPIKE;
    }

    /** Whether {@code b} is within the allowed change from {@code a}: step × elapsed minutes, at least one step. */
    private boolean close(Point a, Point b) {
        double minutes = Math.max(1.0, Math.abs(b.millis - a.millis) / 60_000.0);
        boolean t = limits.temperatureStep() <= 0 || Math.abs(b.t - a.t) <= limits.temperatureStep() * minutes + 1e-9;
        boolean h = limits.humidityStep() <= 0 || Math.abs(b.h - a.h) <= limits.humidityStep() * minutes + 1e-9;
        return t && h;
    }
}
