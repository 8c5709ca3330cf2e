package dev.hearth.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;

/** A {@link DeviceStatusReporter} that keeps every report, error and removal, for a driver's tests. */
public final class RecordingStatusReporter implements DeviceStatusReporter {

    private final List<DeviceStatus> reports = new ArrayList<>();
    private final Map<String, DeviceStatus> latest = new HashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();

    @Override
    public synchronized void report(DeviceStatus status) {
        reports.add(status);
        latest.put(status.device(), status);
        notifyAll();
    }

    @Override
    public synchronized void error(String device, String message) {
        errors.add(device + ": " + message);
        notifyAll();
    }

    @Override
    public synchronized void remove(String device) {
        removed.add(device);
        latest.remove(device);
        notifyAll();
    }

    public synchronized List<DeviceStatus> reports() {
        return List.copyOf(reports);
    }

    /** Errors as {@code device: message}. */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    public synchronized List<String> removed() {
        return List.copyOf(removed);
    }

    /** The last report of any device, or {@code null}. */
    public synchronized DeviceStatus last() {
        return reports.isEmpty() ? null : reports.get(reports.size() - 1);
    }

    /** The latest report of {@code device}, or {@code null} (also after it was removed). */
    public synchronized DeviceStatus latest(String device) {
        return latest.get(device);
    }

    /** A detail of the last report, or {@code null}. */
    public synchronized String detail(String key) {
        DeviceStatus s = last();
        return s == null ? null : s.details().get(key);
    }

    public synchronized void clear() {
        reports.clear();
        latest.clear();
        errors.clear();
        removed.clear();
    }

    /** Waits for any report so far or to come that matches; returns the first such. */
    public synchronized DeviceStatus await(Predicate<DeviceStatus> which, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (DeviceStatus s : reports) if (which.test(s)) return s;
            waitUntil(end, () -> "no matching status within " + timeout + "; reports: " + reports + "; errors: " + errors);
        }
    }

    /** Waits until the latest report of {@code device} matches. */
    public synchronized DeviceStatus await(String device, Predicate<DeviceStatus> which, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            DeviceStatus s = latest.get(device);
            if (s != null && which.test(s)) return s;
            waitUntil(end, () -> "waited " + timeout + " for a status of " + device + "; latest " + latest.get(device));
        }
    }

    /** Waits until at least {@code count} errors have been reported. */
    public synchronized void awaitErrors(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (errors.size() < count) waitUntil(end, () -> "waited for " + count + " errors, have " + errors);
    }

    private void waitUntil(long end, java.util.function.Supplier<String> failure) throws InterruptedException {
        long left = end - System.nanoTime();
        if (left <= 0) throw new AssertionError(failure.get());
        wait(Math.max(1, left / 1_000_000));
    }
}
