package dev.hearth.driver.loadgen.internal;

import java.util.ArrayList;
import java.util.List;

import dev.hearth.api.DeviceStatus;
import dev.hearth.api.DeviceStatusReporter;

/** Keeps what the driver reports. */
final class RecordingStatus implements DeviceStatusReporter {

    final List<DeviceStatus> reports = new ArrayList<>();
    final List<String> errors = new ArrayList<>();

    @Override
    public synchronized void report(DeviceStatus status) {
        reports.add(status);
    }

    @Override
    public synchronized void error(String device, String message) {
        errors.add(message);
    }

    @Override
    public synchronized void remove(String device) {
    }

    synchronized List<DeviceStatus> reports() {
        return List.copyOf(reports);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }
}
