package dev.hearth.core.internal;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.hearth.api.DeviceState;
import dev.hearth.api.DeviceStatus;
import dev.hearth.api.Reading;
import dev.hearth.api.status.DeviceInfo;

/** What is known of each device: its reported state, its accepted readings and its errors. */
public final class DeviceRegistry {

    private static final class Entry {
        DeviceStatus status;
        long readings;
        long errors;
        String lastError;
        Reading lastReading;
    }

    private final Map<String, Entry> devices = new ConcurrentHashMap<>();

    void accepted(List<Reading> readings) {
        for (Reading r : readings) {
            Entry e = devices.computeIfAbsent(r.device(), d -> new Entry());
            synchronized (e) {
                e.readings++;
                if (e.lastReading == null || !r.timestamp().isBefore(e.lastReading.timestamp())) e.lastReading = r;
            }
        }
    }

    void report(DeviceStatus status) {
        Entry e = devices.computeIfAbsent(status.device(), d -> new Entry());
        synchronized (e) {
            // keep "since" when the state did not change, so the console shows how long it has held
            if (e.status != null && e.status.state() == status.state()) {
                status = new DeviceStatus(status.device(), status.state(), status.message(), e.status.since(), status.details());
            }
            e.status = status;
        }
    }

    void error(String device, String message) {
        Entry e = devices.computeIfAbsent(device, d -> new Entry());
        synchronized (e) {
            e.errors++;
            e.lastError = message;
        }
    }

    void remove(String device) {
        devices.remove(device);
    }

    List<DeviceInfo> snapshot() {
        return devices.entrySet().stream().map(en -> {
            Entry e = en.getValue();
            synchronized (e) {
                DeviceStatus s = e.status;
                DeviceState state = s == null ? null : s.state();
                Instant since = s == null ? null : s.since();
                return new DeviceInfo(en.getKey(), state, s == null ? "" : s.message(), since,
                        s == null ? Map.of() : s.details(), e.readings, e.errors, e.lastError, e.lastReading);
            }
        }).sorted(Comparator.comparing(DeviceInfo::device)).toList();
    }
}
