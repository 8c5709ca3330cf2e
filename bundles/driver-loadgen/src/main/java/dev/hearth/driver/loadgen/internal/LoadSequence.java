package dev.hearth.driver.loadgen.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.hearth.api.Reading;

/**
 * The readings a load generator publishes, as a pure function of their sequence number, so that a
 * run after a crash produces exactly the readings (and ids) of the run before. No OSGi.
 *
 * <p>Reading {@code n}: measurement {@code load}, tag {@code bundle_version}, fields {@code seq = n}
 * and {@code value = (n mod 1000) / 10} (a saw-tooth 0.0 … 99.9, exact in decimal), timestamp
 * {@code epochStartMillis + n} ms.
 */
final class LoadSequence {

    static final String MEASUREMENT = "load";
    /**
     * The highest sequence number: far beyond any run (35 000 years at a million per second) and low
     * enough that {@code epochStartMillis + seq} cannot overflow.
     */
    static final long MAX_SEQ = 1L << 50;

    private final String device;
    private final String bundleVersion;
    private final long epochStartMillis;

    LoadSequence(String device, String bundleVersion, long epochStartMillis) {
        this.device = Objects.requireNonNull(device, "device");
        this.bundleVersion = Objects.requireNonNull(bundleVersion, "bundleVersion");
        if (epochStartMillis < 0 || epochStartMillis > 1L << 52) {
            throw new IllegalArgumentException("epoch_start_ms must be 0.." + (1L << 52) + ", was " + epochStartMillis);
        }
        this.epochStartMillis = epochStartMillis;
        reading(1); // fails now, with the reason, if the device id is not acceptable
    }

    String device() {
        return device;
    }

    Reading reading(long seq) {
        if (seq < 1 || seq > MAX_SEQ) throw new IllegalArgumentException("seq must be 1.." + MAX_SEQ + ", was " + seq);
        return Reading.of(device, MEASUREMENT)
                .tag("bundle_version", bundleVersion)
                .field("seq", seq)
                .field("value", (seq % 1000) / 10.0)
                .at(Instant.ofEpochMilli(epochStartMillis + seq))
                .build();
    }

    /** Readings {@code from}, {@code from + 1}, ... ({@code size} of them). */
    List<Reading> batch(long from, int size) {
        List<Reading> out = new ArrayList<>(size);
        for (long s = from; s < from + size; s++) out.add(reading(s));
        return out;
    }
}
