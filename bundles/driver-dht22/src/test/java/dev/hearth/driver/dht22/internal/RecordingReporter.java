package dev.hearth.driver.dht22.internal;

import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;

final class RecordingReporter implements DeviceStatusReporter {
    private final List<DeviceStatus> reports = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    @Override public synchronized void report(DeviceStatus s) { reports.add(s); }
    @Override public synchronized void error(String device, String message) { errors.add(device + ": " + message); }
    @Override public synchronized void remove(String device) { removed.add(device); }

    synchronized List<String> errors() { return List.copyOf(errors); }

    synchronized List<DeviceStatus> reports() { return List.copyOf(reports); }

    synchronized DeviceStatus last() { return reports.isEmpty() ? null : reports.get(reports.size() - 1); }

    synchronized String detail(String key) { return last() == null ? null : last().details().get(key); }
}
