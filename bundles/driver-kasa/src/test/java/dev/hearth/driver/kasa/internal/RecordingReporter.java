package dev.hearth.driver.kasa.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;

final class RecordingReporter implements DeviceStatusReporter {
    private final List<DeviceStatus> reports = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    @Override public synchronized void report(DeviceStatus s) { reports.add(s); notifyAll(); }
    @Override public synchronized void error(String device, String message) { errors.add(device + ": " + message); notifyAll(); }
    @Override public synchronized void remove(String device) { removed.add(device); }

    synchronized List<String> errors() { return List.copyOf(errors); }

    synchronized List<DeviceStatus> reports() { return List.copyOf(reports); }

    synchronized DeviceStatus last() { return reports.isEmpty() ? null : reports.get(reports.size() - 1); }

    /** Waits for a report that matches; returns it. */
    synchronized DeviceStatus await(Predicate<DeviceStatus> which, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (DeviceStatus s : reports) if (which.test(s)) return s;
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("no matching status within " + timeout + "; reports: " + reports + "; errors: " + errors);
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized void awaitErrors(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (errors.size() < count) {
            long left = end - System.nanoTime();
            if (left <= 0) throw new AssertionError("waited for " + count + " errors, have " + errors);
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
