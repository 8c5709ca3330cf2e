package dev.hearth.driver.mqtt.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;

/** Keeps every status report and error, for assertions. */
final class RecordingReporter implements DeviceStatusReporter {

    private final Map<String, DeviceStatus> latest = new HashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();

    @Override
    public synchronized void report(DeviceStatus status) {
        latest.put(status.device(), status);
        notifyAll();
    }

    @Override
    public synchronized void error(String device, String message) {
        errors.add(device + ": " + message);
    }

    @Override
    public synchronized void remove(String device) {
        removed.add(device);
        latest.remove(device);
    }

    synchronized DeviceStatus latest(String device) {
        return latest.get(device);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized List<String> removed() {
        return List.copyOf(removed);
    }

    /** Waits until the latest status of {@code device} satisfies {@code which}. */
    synchronized DeviceStatus await(String device, Predicate<DeviceStatus> which, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            DeviceStatus s = latest.get(device);
            if (s != null && which.test(s)) return s;
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("waited " + timeout + " for a status of " + device + "; latest " + s);
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
